"""A new record folder, as `showcase new`, `new --timeline` and `showcase timeline import`
write one: the flags made into a Draft and checked, then records/<id>/ written whole or not
at all, never over an existing id (in any letter case).

The three commands differ in what they copy or compose into the folder; what a new record
is allowed to be, and how it reaches records/, is decided here once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .archive.config import ArchiveConfig
from .core.graph import RemixGraph
from .core.model import Archive
from .core.record_yaml import (
    Draft,
    derive_id,
    handle_problem,
    humanise,
    id_problem,
    license_problem,
    readback_problem,
    role_problem,
    text_problem,
)
from .core.remix import (
    RemixTerms,
    cannot_remix,
    license_for,
    must_carry,
    remix_ancestry,
    remix_terms,
    with_sources,
)
from .errors import CommandError

# --- what the record says ---------------------------------------------------------------------


def draft_from_flags(
    args: argparse.Namespace,
    kind: str,
    created: dt.date,
    stem: str | None,
    config: ArchiveConfig,
) -> Draft:
    """Every flag validated (a bad one stops here, exit 2) and the defaults derived; `stem`:
    the name of the file the record is made from, if any (its title and id by default)."""
    checks: list[tuple[str, str | None, Callable[[str], str | None]]] = [
        ("--title", args.title, lambda v: text_problem("title", v)),
        ("--alt", args.alt, lambda v: text_problem("alt", v)),
        ("--name", args.name, lambda v: text_problem("name", v)),
        ("--handle", args.handle, handle_problem),
        ("--role", args.role, role_problem),
        ("--license", args.license, lambda v: license_problem(v, config.licenses)),
        ("--id", args.id, id_problem),
    ]
    for flag, value, check in checks:
        why = check(value) if value is not None else None
        if why:
            raise CommandError(f"{flag} {value!r}: {why}")
    if args.alt is not None and kind not in ("image", "video"):
        raise CommandError(f"--alt is for images and videos, and this record's type is {kind}")
    title = args.title.strip() if args.title is not None else (humanise(stem) if stem else None)
    if title is not None and text_problem("title", title):
        title = None  # a file name that makes no usable title: the contributor gives one
    return Draft(
        id=args.id or derive_id(title, stem, kind, created),
        type=kind,
        file="",
        created=created,
        title=title,
        license=args.license,
        alt=args.alt.strip() if args.alt else None,
        handle=args.handle,
        role=args.role,
        name=args.name.strip() if args.name else None,
    )


def parse_created(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise CommandError(f"--created {value!r} is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--created {value} is a day that does not exist") from None


def self_check(record_id: str, text: str) -> None:
    """The record must read back with no problem other than its FILL ME fields."""
    why = readback_problem(record_id, text)
    if why:
        raise CommandError(why)  # a renderer bug: refused before anything is written


# --- remixing: `new --source ID` ------------------------------------------------------------


@dataclass(frozen=True)
class RemixStart:
    """The records a new record remixes, checked, and what its license may be."""

    ids: tuple[str, ...]
    terms: RemixTerms
    license: str | None  # the one requested (and allowed), or the only one allowed

    def yaml(self, text: str) -> str:
        """`new`'s record.yaml with the sources written in, and the rule that set its license."""
        return with_sources(text, self.ids, self.rule[0].upper() + self.rule[1:])

    @property
    def rule(self) -> str:
        what = "a remix of " + ", ".join(f"'{i}'" for i in self.ids)
        return must_carry(self.terms, what)


def remix_sources(
    root: Path, ids: list[str], licenses: tuple[str, ...], requested: str | None
) -> RemixStart:
    """Check the ids of `--source` against the archive and judge the license with the rule
    check applies; refuse (exit 2, nothing written) an id that is not a live record, sources
    that nothing may remix, or a requested license they forbid."""
    from .archive.load import load_archive  # the model only: no media file is read

    archive = load_archive(root, inspect=lambda _: False).archive
    unique = tuple(dict.fromkeys(ids))  # a record given twice is one source
    for rid in unique:
        why = _source_problem(archive, rid)
        if why:
            raise CommandError(f"--source {rid}: {why}; nothing was created")
    terms = remix_terms(remix_ancestry(archive, RemixGraph.of(archive), unique), licenses)
    if not terms.open:
        raise CommandError(
            f"--source {' --source '.join(unique)}: {cannot_remix(terms)} — "
            + _refusal_fix(terms)
            + "; nothing was created"
        )
    chosen, why = license_for(terms, requested)
    if why:
        raise CommandError(
            f"--license {requested}: {why} — give --license "
            + " or ".join(terms.licenses)
            + ", or leave out --license"
        )
    return RemixStart(unique, terms, chosen)


def _source_problem(archive: Archive, rid: str) -> str | None:
    record = archive.records.get(rid)
    if record is not None:
        if record.withdrawn is not None:
            return "that record was withdrawn by its contributor and cannot be remixed"
        return None
    if rid in archive.unreadable:
        return "that record's record.yaml cannot be read: run `showcase check`"
    close = difflib.get_close_matches(rid, list(archive.records), n=1, cutoff=0.7)
    hint = f"did you mean '{close[0]}'?" if close else "give the folder name of a record"
    return f"no record '{rid}' in records/ ({hint})"


def _refusal_fix(terms: RemixTerms) -> str:
    verdict = terms.refusal
    if verdict is not None and verdict.code == "license-nd-source":
        return (
            "leave it out of --source, or ask its author for a license without ND "
            "(the site's Open to remix page lists the records you may remix)"
        )
    if verdict is not None and verdict.code == "license-conflict":
        return "remix these records separately, or leave one of them out"
    return "choose other sources, or add the license they need to mkdocs.yml's `licenses`"


# --- writing, all or nothing ------------------------------------------------------------------


def records_folder(root: Path) -> Path:
    """records/ of an archive (made if the archive has none yet); never through a link."""
    records = root / "records"
    if not (root / "mkdocs.yml").is_file() and not records.is_dir():
        raise CommandError(
            f"{root} is not a Showcase archive (no mkdocs.yml or records/): "
            "run this in the archive's folder, or give --root DIR"
        )
    if records.is_symlink():
        raise CommandError("records/ is a symbolic link: refusing to write through it")
    records.mkdir(exist_ok=True)
    return records


def exists_problem(records: Path, record_id: str) -> str | None:
    """Why `record_id` is taken: a folder (or anything) of that name, in any letter case."""
    taken = [n for n in os.listdir(records) if n.casefold() == record_id.casefold()]
    return f"records/{taken[0]} already exists: choose another id" if taken else None


def refuse_existing(records: Path, record_id: str) -> None:
    why = exists_problem(records, record_id)
    if why:
        raise CommandError(f"{why} (with --id); nothing was changed")


def create_folder(records: Path, record_id: str, fill: Callable[[Path], None]) -> Path:
    """records/<id>/ made complete in a hidden temporary folder, then renamed into place."""
    tmp = Path(tempfile.mkdtemp(prefix=f".new-{record_id}-", dir=records))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 would make the record private
        fill(tmp)
        final = records / record_id
        # rename() would replace an empty folder made since we looked: look again, last thing.
        refuse_existing(records, record_id)
        os.rename(tmp, final)
        return final
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
