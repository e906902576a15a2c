"""`showcase new`: scaffold a record from a media file, or a blank text.

    showcase new FILE [--title T] [--id ID] [--license SPDX] [--alt TEXT]
                      [--handle H] [--role R] [--name NAME] [--created YYYY-MM-DD]
                      [--strip-gps | --keep-gps] [--source ID ...]
    showcase new --type text [--title T] ...

It probes the file as `showcase check` will (format from its bytes, GPS, limits),
copies it into a new `records/<id>/` under a portable name, and writes a
record.yaml with everything known. Required fields nobody gave are left empty
with a `# FILL ME` comment for `check` to report. What the record says and how its
text is written (defaults, quoting, placeholders) is pure and lives in
builder/core/record_yaml.py; this module is the edge around it: files, prompts, exits.

It never overwrites: the record is assembled in a hidden temporary folder inside
records/ and renamed into place whole, so a failure leaves nothing behind. It
asks questions only when standard input is a terminal; every answer has a flag.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from .archive.config import ArchiveConfig, read_config
from .archive.identify import limits_of
from .archive.inspect import Finding, image_location, inspect_file
from .archive.probe import bmff_info, read_bytes
from .core import sniff
from .core.record_yaml import (
    Draft,
    derive_id,
    handle_problem,
    id_problem,
    license_menu,
    license_problem,
    media_file_name,
    render_record_yaml,
    role_problem,
    text_problem,
)
from .errors import CommandError
from .media.tools import ToolsError
from .new_record import (
    create_folder,
    draft_from_flags,
    exists_problem,
    parse_created,
    records_folder,
    refuse_existing,
    remix_sources,
    self_check,
)

ACCEPTED = (
    "JPEG, PNG, GIF, WebP images; MP3, M4A, WAV, FLAC, Ogg audio; "
    "MP4, MOV, WebM, MKV video; Markdown or plain text"
)


# --- the command line -------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `new` command to the CLI."""
    new = sub.add_parser(
        "new",
        parents=[common],
        help="scaffold a record from a media file (or --type text)",
        description="Create records/<id>/ with a copy of FILE and a record.yaml filled in with "
        "what the file reveals. Required fields you do not give are marked FILL ME for you to "
        "complete; then run "
        "`showcase check`. Asks for them when run in a terminal; never asks otherwise. "
        "Never overwrites anything; the original file is never changed.",
    )
    new.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the media or text file to copy in (omit with --type text to start a blank text)",
    )
    new.add_argument(
        "--type",
        choices=("text", "image", "audio", "video"),
        help="the record type (default: from the file's content)",
    )
    new.add_argument("--id", help="the record id, its permanent address (default: from the title)")
    new.add_argument("--title", help="the title (default: from the file name)")
    new.add_argument(
        "--license", metavar="SPDX", help="one of the archive's licenses, e.g. CC-BY-4.0"
    )
    new.add_argument("--alt", metavar="TEXT", help="for images and videos: what is seen")
    new.add_argument("--handle", help="your handle (lowercase letters, digits, - and _)")
    new.add_argument("--role", help="what you did: writer, photographer, composer, ...")
    new.add_argument("--name", help="your name as it should be credited (optional)")
    new.add_argument(
        "--created", metavar="YYYY-MM-DD", help="the date of the work (default: today)"
    )
    new.add_argument(
        "--source",
        action="append",
        metavar="ID",
        help="a record this one remixes (repeat for each): written into `sources`, and the "
        "license chosen among those its sources allow",
    )
    gps = new.add_mutually_exclusive_group()
    gps.add_argument(
        "--strip-gps",
        dest="gps",
        action="store_const",
        const="strip",
        help="remove location data from the copy (the original is untouched)",
    )
    gps.add_argument(
        "--keep-gps",
        dest="gps",
        action="store_const",
        const="keep",
        help="copy location data as is (`showcase check` will still reject it)",
    )
    # --timeline runs builder/timeline/scaffold.py instead of run_new (its action says so).
    from .timeline.scaffold import TimelineIds

    new.add_argument(
        "--timeline",
        nargs="+",
        metavar="ID",
        action=TimelineIds,
        help="scaffold a production instead: a timeline of these records, one after "
        "another, to open in Kdenlive or DaVinci Resolve",
    )
    new.set_defaults(run=run_new, gps=None)


def run_new(args: argparse.Namespace, root: Path) -> int:
    """Probe, decide every field (flags, then questions), then write the folder in one rename."""
    records = records_folder(root)
    config, _ = read_config(root)  # a broken setting is check's to report; defaults apply here
    remix = remix_sources(root, args.source, config.licenses, args.license) if args.source else None
    if remix is not None:  # only the licenses its sources allow are offered, or the one they need
        config = replace(config, licenses=remix.terms.licenses)
        args = argparse.Namespace(**{**vars(args), "license": args.license or remix.license})
    created = parse_created(args.created)
    source = probe_source(Path(args.file), config) if args.file else None
    kind = _record_type(args.type, source)
    prompter = Prompter() if sys.stdin.isatty() else None
    draft = draft_from_flags(args, kind, created, source.stem if source else None, config)
    if prompter is None or args.id is not None:
        refuse_existing(records, draft.id)  # before any warning or question

    gps = _gps_decision(args.gps, source, prompter)
    if prompter is not None:
        draft = _ask_missing(prompter, draft, args, source, config, records)
    record_id = draft.id
    refuse_existing(records, record_id)

    file_name = media_file_name(source.name, source.format, kind) if source else f"{record_id}.md"
    draft = replace(draft, file=file_name)
    text = render_record_yaml(draft, config.licenses)
    text = remix.yaml(text) if remix is not None else text
    self_check(record_id, text)

    folder = create_folder(
        records, record_id, lambda tmp: _fill_folder(tmp, draft, text, source, gps == "strip")
    )
    _report(root, folder, draft, source, gps, args.file)
    if remix is not None:
        print(f"Its sources: {', '.join(remix.ids)}; {remix.rule}.")
    return 0


# --- probing the file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Probed:
    """The contributor's file, as `showcase check` will see its copy."""

    path: Path  # resolved: the real file, which is only ever read
    name: str  # the file name as the contributor gave it (a link's name, not its target's)
    format: sniff.Format
    size: int
    dimensions: tuple[int, int] | None = None
    has_location: bool = False
    duration: float | None = None

    @property
    def stem(self) -> str:
        return PurePath(self.name).stem


def probe_source(path: Path, config: ArchiveConfig) -> Probed:
    """Read and judge FILE with check's own inspection (archive/inspect.py), decoding it as
    check and the build will; refuse (CommandError) anything `check` would reject, but for
    location data, which `new` can strip from the copy."""
    shown = str(path)
    real = path.resolve()  # the contributor may point at a link; we copy what it points to
    if not real.exists():
        raise CommandError(f"{shown}: no such file")
    if not real.is_file():
        raise CommandError(f"{shown} is not a regular file")
    limits = limits_of(config)
    try:
        found = inspect_file(real, path.name, None, limits)
    except ToolsError:  # ffmpeg is optional for `new`: without it, audio and video are not decoded
        found = inspect_file(real, path.name, None, limits, decode=False)
    if isinstance(found, Finding):
        raise CommandError(_refusal(shown, found))
    if found.format.kind == "timeline":
        raise CommandError(
            f"{shown} is an OpenTimelineIO timeline: scaffold a production with --timeline"
        )
    image = found.format.kind == "image" and found.width and found.height
    dims = (found.width, found.height) if image else None
    return Probed(
        real, path.name, found.format, found.size, dims, found.has_location, found.duration
    )


def _refusal(shown: str, finding: Finding) -> str:
    """What `new` says for a finding of the inspection: the file as given, and the fix."""
    fmt = finding.format
    if finding.code == "unsupported-format" and fmt is not None:
        advice = (
            fmt.advice if fmt.name != "binary" else f"use one of the accepted formats: {ACCEPTED}"
        )
        return f"{shown} is in a format records do not accept ({fmt.label}): {advice}"
    if finding.code == "lfs-pointer":
        return f"{shown} is a Git LFS pointer, not the media itself: run `git lfs pull` first"
    return f"{shown}: {finding.message}: {finding.fix}"


def _record_type(flag: str | None, source: Probed | None) -> str:
    if source is None:
        if flag != "text":
            raise CommandError("give a FILE to copy in, or --type text to start a blank text")
        return "text"
    kind = source.format.kind
    assert kind is not None  # refused in probe_source
    if flag and flag != kind:
        raise CommandError(
            f"the file is {source.format.label} (recognised from its content), not {flag}: "
            f"leave out --type, or give {_a(flag)} {flag} file"
        )
    return kind


def _a(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


# --- what the record says ---------------------------------------------------------------------


# --- asking, in a terminal only ---------------------------------------------------------------


class Prompter:
    """Questions on stderr, answers from stdin: used only when stdin is a terminal."""

    def ask(
        self,
        question: str,
        default: str | None = None,
        check: Callable[[str], str | None] | None = None,
        optional: bool = False,
    ) -> str | None:
        """The answer (default on Enter); None when skipped. Asks again until `check` passes."""
        while True:
            shown = f" [{default}]" if default else (" (Enter: fill in later)" if optional else "")
            answer = self._read(f"{question}{shown}: ").strip()
            if not answer:
                if default is not None or optional:
                    return default
                continue
            why = check(answer) if check else None
            if why is None:
                return answer
            print(f"  {why}", file=sys.stderr)

    def confirm(self, question: str) -> bool:
        return self._read(f"{question} [Y/n] ").strip().lower() in ("", "y", "yes")

    @staticmethod
    def _read(prompt: str) -> str:
        print(prompt, end="", file=sys.stderr, flush=True)
        try:
            return input()
        except EOFError:
            print(file=sys.stderr)
            raise CommandError("cancelled (end of input): nothing was created") from None


def _ask_missing(
    p: Prompter,
    draft: Draft,
    args: argparse.Namespace,
    source: Probed | None,
    config: ArchiveConfig,
    records: Path,
) -> Draft:
    """Ask for each field that no flag gave, offering what was derived as the default."""
    if args.title is None:
        draft = replace(
            draft, title=p.ask("Title", draft.title, lambda v: text_problem("title", v))
        )
    if args.id is None:
        suggested = derive_id(
            draft.title, source.stem if source else None, draft.type, draft.created
        )
        draft = replace(
            draft,
            id=p.ask(
                "Id (permanent: the address of its page)",
                suggested,
                lambda v: id_problem(v) or exists_problem(records, v),
            ),
        )
    if args.license is None:
        draft = replace(draft, license=_ask_license(p, config.licenses))
    if args.alt is None and draft.needs_alt:
        draft = replace(
            draft,
            alt=p.ask(
                f"Describe what is seen in the {draft.type} (alt text)",
                check=lambda v: text_problem("alt", v),
                optional=True,
            ),
        )
    if args.handle is None:
        draft = replace(draft, handle=p.ask("Your handle", check=handle_problem, optional=True))
    if args.role is None:
        draft = replace(
            draft,
            role=p.ask(
                "Your role (writer, photographer, composer, ...)",
                check=lambda v: role_problem(v.lower()),
                optional=True,
            ),
        )
        draft = replace(draft, role=draft.role.lower() if draft.role else None)
    if args.name is None:
        draft = replace(
            draft,
            name=p.ask(
                "Your name as credited", check=lambda v: text_problem("name", v), optional=True
            ),
        )
    return draft


def _ask_license(p: Prompter, licenses: tuple[str, ...]) -> str | None:
    print(
        "Licenses this archive accepts (what each lets others do with your work):", file=sys.stderr
    )
    for number, line in enumerate(license_menu(licenses), 1):
        print(f"  {number:>2}. {line}", file=sys.stderr)

    def pick(answer: str) -> str | None:
        if answer.isdigit() and 1 <= int(answer) <= len(licenses):
            return None
        return license_problem(answer, licenses)

    answer = p.ask("License (number or id)", check=pick, optional=True)
    return licenses[int(answer) - 1] if answer and answer.isdigit() else answer


def _gps_decision(flag: str | None, source: Probed | None, prompter: Prompter | None) -> str | None:
    """ "strip", "keep" or None (no location data, or copied as is without being asked)."""
    if source is None or not source.has_location:
        return None
    what = (
        "GPS coordinates of where it was taken"
        if source.format.kind == "image"
        else "the location where it was recorded"
    )
    print(f"warning: {source.name} carries {what}.", file=sys.stderr)
    if flag is not None:
        return flag
    if prompter is not None:
        return (
            "strip"
            if prompter.confirm("Strip the location from the copy? (the original is not changed)")
            else "keep"
        )
    return None


# --- writing ----------------------------------------------------------------------------------


def _fill_folder(folder: Path, draft: Draft, text: str, source: Probed | None, strip: bool) -> None:
    media = folder / draft.file
    if source is None:
        media.write_text(
            f"# {draft.title}\n\n" if draft.title else "\n", encoding="utf-8"
        )  # empty fails check
    elif strip:
        strip_location_copy(source, media)
    else:
        shutil.copyfile(source.path, media)  # the bytes only: never moved, never changed
    (folder / "record.yaml").write_text(text, encoding="utf-8")


def strip_location_copy(source: Probed, dest: Path) -> None:
    """Write a copy of `source` without location data to `dest`; the original is only read."""
    fmt = source.format
    try:
        if fmt.kind == "image":
            dest.write_bytes(_image_without_metadata(source.path, fmt.name))
        else:
            _media_without_metadata(source.path, fmt.name, dest)
    except CommandError:
        raise
    except Exception as exc:  # noqa: BLE001 - one line for the contributor, nothing half-made
        raise CommandError(
            f"could not remove the location from the copy ({type(exc).__name__}: {exc}); "
            "nothing was created: export the file without location instead"
        ) from None
    if _still_located(dest, fmt):
        raise CommandError(
            "the copy still carries location data after stripping; nothing was created: "
            "export the file without location instead"
        )


def _image_without_metadata(path: Path, fmt: str) -> bytes:
    """The image with EXIF/XMP (and so GPS) removed; pixels copied byte for byte."""
    from PIL import Image

    from .media import images  # Pillow-heavy: only when stripping

    data = path.read_bytes()
    if fmt == "jpeg":
        with Image.open(path, formats=["JPEG"]) as im:
            orientation = im.getexif().get(0x0112, 1)
        # Keep the EXIF orientation (only it): the photo must stay upright.
        return images.strip_jpeg(data, orientation if orientation in range(1, 9) else 1)
    if fmt == "png":
        return images.strip_png(data)
    if fmt == "webp":
        return images.strip_webp(data)
    if fmt in ("heic", "avif"):  # Exif and XMP items blanked in place; orientation is irot
        return images.strip_heif(data)
    return images._strip_gif(data)[0]  # noqa: SLF001 - the same GIF rules as the build uses


def _media_without_metadata(path: Path, fmt: str, dest: Path) -> None:
    """Audio/video remuxed without container and stream metadata (where location atoms live)."""
    from .media import tools

    if fmt not in tools.MUXERS:
        raise CommandError(f"cannot strip the location from {sniff.FORMATS[fmt].label}")
    try:
        tools.find_tools()
    except tools.ToolsError as exc:
        raise CommandError(f"stripping the location from a video needs ffmpeg: {exc}") from None
    # Video, audio and subtitle streams only: data tracks can hold GPS telemetry (action cameras).
    args = [
        *tools.input_args(path, fmt),
        "-map",
        "0:v?",
        "-map",
        "0:a?",
        "-map",
        "0:s?",
        "-c",
        "copy",
        *tools.NO_METADATA,
        "-f",
        tools.MUXERS[fmt],
        tools.file_url(dest),
    ]
    tools.run_ffmpeg(args, timeout=600, memory_mb=2048, what="removing the location")


def _still_located(path: Path, fmt: sniff.Format) -> bool:
    if fmt.kind == "image":
        head, _ = read_bytes(path, sniff.HEAD_BYTES)
        return image_location(path, fmt, head, 1 << 62) is not False
    return bmff_info(path).has_location


# --- telling the contributor ------------------------------------------------------------------


def _report(
    root: Path,
    folder: Path,
    draft: Draft,
    source: Probed | None,
    gps: str | None,
    given: str | None,
) -> None:
    rel = folder.relative_to(root).as_posix()
    print(f"Created {rel}/")
    if source is None:
        print(f"  {rel}/{draft.file}  (write your text here, in Markdown)")
    else:
        print(f"  {rel}/{draft.file}  (a copy of {given}: {_describe(source)})")
    print(f"  {rel}/record.yaml")
    if gps == "strip":
        print("The location was removed from the copy; your original file is unchanged.")
    elif source is not None and source.has_location:
        how = "as you asked (--keep-gps)" if gps == "keep" else "as is"
        print(
            f"warning: the copy keeps the location {how}: `showcase check` will reject it "
            f"(location-metadata). To fix it, delete {rel}/ and run `showcase new` again with "
            "--strip-gps (your original stays unchanged).",
            file=sys.stderr,
        )
    left = draft.unfilled()
    if left:
        print(f"Still to fill in {rel}/record.yaml (marked FILL ME): " + ", ".join(left))
    print("Then run: showcase check")


def _describe(source: Probed) -> str:
    parts = [source.format.label]
    if source.dimensions:
        parts.append(f"{source.dimensions[0]}×{source.dimensions[1]}")
    if source.duration is not None:
        minutes, seconds = divmod(source.duration, 60)
        parts.append(f"{int(minutes)}:{seconds:04.1f}" if minutes else f"{seconds:.1f} s")
    return ", ".join(parts)
