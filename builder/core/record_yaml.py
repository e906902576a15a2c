"""A new record's record.yaml as data, then as text: the pure half of `showcase new`.

A `Draft` holds the fields; the functions here derive the defaults (an id from the
title, a title from the file name, a portable file name), judge a value as `check`
would, and render the text. Required fields nobody gave are left empty with a
`# FILL ME` comment, so that `check` reports each of them as missing, all in one run
(a non-empty placeholder such as `FILL-ME` would hide the other problems, because
check drops a record whose contributors are invalid before the license rules see it).

No file system, no questions, no exits: `builder/scaffold.py` does those, and turns
the problems returned here into command errors.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

import yaml

from . import sniff
from .licenses import lookup
from .names import unportable_reason
from .schema import HANDLE, RECORD_ID, ROLE, Reader, read_record
from .yamltree import Map, Scalar, parse_yaml

FILL_ME = "# FILL ME"


@dataclass(frozen=True)
class Draft:
    """record.yaml's fields; None marks a required field still to fill."""

    id: str
    type: str
    file: str
    created: dt.date
    title: str | None = None
    license: str | None = None
    alt: str | None = None
    handle: str | None = None
    role: str | None = None
    name: str | None = None

    @property
    def needs_alt(self) -> bool:
        return self.type in ("image", "video")

    def unfilled(self) -> list[str]:
        """The required fields still marked FILL ME, in file order."""
        wanted = [
            ("title", self.title),
            ("alt", self.alt if self.needs_alt else ""),
            ("contributor handle", self.handle),
            ("contributor role", self.role),
            ("license", self.license),
        ]
        return [label for label, value in wanted if value is None]


# --- judging a value --------------------------------------------------------------------------
# Shared by flags and prompts: None when fine, else why not (one phrase).


def text_problem(name: str, value: str) -> str | None:
    """What check would say about this free text as field `name` (title, alt, name)."""
    reader = Reader("flag")
    node = Map(((Scalar(name, 1, False), Scalar(value, 1, True)),), 1)
    reader.text(node, name, required=True)
    return f"{reader.problems[0].message} ({reader.problems[0].fix})" if reader.problems else None


def id_problem(value: str) -> str | None:
    if RECORD_ID.fullmatch(value):
        return None
    return (
        "an id is 3-64 lowercase letters, digits and -, starting and ending with a letter or digit"
    )


def handle_problem(value: str) -> str | None:
    return (
        None if HANDLE.fullmatch(value) else "a handle is 1-39 lowercase letters, digits, - and _"
    )


def role_problem(value: str) -> str | None:
    return (
        None
        if ROLE.fullmatch(value)
        else "a role is lowercase text such as writer, photographer, composer"
    )


def license_problem(value: str, allowed: tuple[str, ...]) -> str | None:
    return None if value in allowed else "this archive accepts: " + ", ".join(allowed)


# --- ids and names ----------------------------------------------------------------------------

# Letters that Unicode does not decompose into an ASCII base letter.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)


def slugify(text: str, max_length: int = 64) -> str:
    """Lowercase ASCII letters, digits and single dashes; accents folded ("Déjà vu" -> "deja-vu").

    Cut at a word boundary when over `max_length` (unless that leaves too little).
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = (
        "".join(c for c in folded if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        head = cut.rsplit("-", 1)[0] if "-" in cut else ""
        slug = head if len(head) >= max_length // 2 else slug[:max_length]
    return slug.strip("-")


def derive_id(title: str | None, stem: str | None, kind: str, created: dt.date) -> str:
    """A valid record id from the title, else the file name, else the type and date."""
    for text in (title, stem):
        slug = slugify(text or "")
        if slug:
            # Ids need 3 characters: "Ox" becomes "ox-image", never a guessed word.
            return slug if len(slug) >= 3 else f"{slug}-{kind}"
    return f"{kind}-{created.isoformat()}"


def humanise(stem: str) -> str:
    """A title from a file name: "harbour_at-dawn" -> "Harbour at dawn";
    "IMG_0042" -> "IMG 0042"."""
    words = " ".join(re.split(r"[\s_.\-]+", stem)).strip()
    if words.islower():
        words = words[0].upper() + words[1:]
    return words[:200].strip()


def media_file_name(original: str, fmt: sniff.Format, kind: str) -> str:
    """A portable lowercase name with the right extension: "My Photo.JPG" -> "my-photo.jpg"."""
    path = PurePath(original)
    ext = path.suffix.lower()
    if ext not in fmt.extensions:  # no extension, or a wrong one: the content decides
        ext = fmt.extensions[0]
    stem = slugify(path.stem if path.suffix else path.name, 60)
    name = f"{stem}{ext}"
    if not stem or unportable_reason(name) or name == "record.yaml":  # "con.jpg", "日本.jpg"
        name = f"{kind}{ext}"
    return name


# --- the license menu -------------------------------------------------------------------------

# What each license lets others do with a record, by its elements (any version).
_REMIX_RULES = {
    frozenset(): "anyone may use and remix it, no credit required (public domain)",
    frozenset({"BY"}): "anyone may remix it, crediting you",
    frozenset({"BY", "SA"}): "anyone may remix it, crediting you; remixes keep this same license",
    frozenset({"BY", "NC"}): "anyone may remix it non-commercially, crediting you",
    frozenset({"BY", "NC", "SA"}): "non-commercial remixes, crediting you, under this same license",
    frozenset({"BY", "ND"}): "shared as is, crediting you: no remixes",
    frozenset({"BY", "NC", "ND"}): "shared as is, non-commercially, crediting you: no remixes",
}


def remix_rule(spdx: str) -> str:
    """What `spdx` lets others do, in words; "" for a license the table does not know."""
    lic = lookup(spdx)
    return _REMIX_RULES.get(lic.elements, "") if lic else ""


def license_menu(licenses: tuple[str, ...]) -> list[str]:
    """One line a license, ids padded to one column: the same list in record.yaml and on the
    terminal."""
    width = max(map(len, licenses), default=0)
    return [f"{spdx.ljust(width)}  {remix_rule(spdx)}" for spdx in licenses]


# --- record.yaml ------------------------------------------------------------------------------


def render_record_yaml(draft: Draft, licenses: tuple[str, ...]) -> str:
    """record.yaml for `draft`, written by hand so that comments can guide the contributor.

    Free text is quoted whenever a plain YAML value could read differently, so every
    value reads back exactly (see `yaml_text`). Unfilled required fields are empty
    with a FILL ME comment: `showcase check` reports each of them as missing.
    """
    lines = [
        f"# records/{draft.id}/record.yaml, made by `showcase new`.",
        ("# Fill in every line marked FILL ME, then run" if draft.unfilled() else "# Then run")
        + " `showcase check`. The format: content/contribute.md",
        _field("title", draft.title, "the title of your work"),
        f"type: {draft.type}",
        f"file: {yaml_text(draft.file)}",
    ]
    if draft.needs_alt:
        lines.append(
            _field("alt", draft.alt, "describe what is seen, for people who cannot see it")
        )
    lines += _contributor_lines(draft)
    lines += _license_lines(draft.license, licenses)
    lines.append(f"created: {draft.created.isoformat()}")
    return "\n".join(lines) + "\n"


def _contributor_lines(draft: Draft) -> list[str]:
    # The name is optional, so it is offered as a commented-out line rather than a FILL ME.
    return [
        "contributors:",
        "  - " + _field("handle", draft.handle, "your handle: lowercase letters, digits, - and _"),
        "    "
        + _field(
            "role", draft.role, "what you did: writer, photographer, composer, performer, ..."
        ),
        f"    name: {yaml_text(draft.name)}"
        if draft.name
        else "    # name: Your Name      (optional: how you want to be credited)",
    ]


def _license_lines(chosen: str | None, licenses: tuple[str, ...]) -> list[str]:
    # Unchosen: the archive's whole menu as comments above an empty `license:`, so the
    # contributor picks with the rules in view; chosen: its rule as a reminder.
    if chosen is None:
        menu = [f"#   {line}".rstrip() for line in license_menu(licenses)]
        return [
            f"{FILL_ME}: choose one license. What it lets others do with your work:",
            *menu,
            "license:",
        ]
    rule = remix_rule(chosen)
    return [f"license: {chosen}" + (f"  # {rule}" if rule else "")]


def _field(name: str, value: str | None, hint: str) -> str:
    return f"{name}: {yaml_text(value)}" if value is not None else f"{name}:  {FILL_ME}: {hint}"


def readback_problem(record_id: str, text: str) -> str | None:
    """Why `text` is not a record.yaml that check reads with only its FILL ME fields missing.

    None for a good rendering: anything else is a bug in the renderer, caught before
    a contributor ever sees the file.
    """
    tree, issues = parse_yaml(text)
    if issues:
        return f"could not write a valid record.yaml ({issues[0].message}); please report this"
    _, problems = read_record(record_id, tree, f"records/{record_id}/record.yaml")
    other = [p for p in problems if p.code not in ("missing-field", "missing-alt")]
    return f"{other[0].message} — {other[0].fix}" if other else None


# --- quoting ----------------------------------------------------------------------------------

# YAML's printable characters, minus the line breaks NEL, LS, PS and the BOM: written
# raw, these would break or fold a line, so they are escaped like control characters.
_RAW_OK = re.compile(
    r"[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_PLAIN_FIRST = re.compile(r"[A-Za-z0-9\u00c0-\U0010ffff(]")


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly this text.

    Plain when a YAML parser reads it back unchanged and as text (so `NO`, `1.0`,
    `2024-05-01`, `- x`, `a: b`, `#x` get quotes), else double-quoted with escapes.
    """
    if _plain_ok(value):
        return value
    return '"' + "".join(_escaped(ch) for ch in value) + '"'


def _escaped(ch: str) -> str:
    # Inside double quotes: a quote or backslash gets a backslash, a printable character
    # stays itself, and anything else, tabs included, becomes an escape code.
    if ch in '"\\':
        return "\\" + ch
    if ch != "\t" and _RAW_OK.fullmatch(ch):
        return ch
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or not _PLAIN_FIRST.match(value):
        return False
    if not all(_RAW_OK.fullmatch(ch) for ch in value) or "\t" in value:
        return False
    try:  # the parser is the judge of every other rule (": ", " #", booleans, numbers, dates)
        return yaml.safe_load(f"k: {value}\n") == {"k": value}
    except yaml.YAMLError:
        return False
