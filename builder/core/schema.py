"""record.yaml, profile and collaboration front matter: YAML nodes -> model objects + problems.

Every field is validated independently so that one run reports everything wrong.
A record is still built when only optional fields are bad (the bad values are
dropped), so graph and license checks can run on it too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType

from .model import (
    RECORD_KINDS,
    RECORD_TYPES,
    Collaboration,
    Contributor,
    OutsideSource,
    Person,
    Record,
    RecordSource,
    Source,
    Withdrawal,
)
from .problems import Problem, problem
from .yamltree import Map, Node, Scalar, Seq

# All patterns are used with fullmatch (a `$` would also accept a trailing newline)
# and are ASCII-only (`\d` would accept Arabic-Indic or full-width digits).
RECORD_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]")
HANDLE = re.compile(r"[a-z0-9][a-z0-9_-]{0,38}")
SLUG = RECORD_ID
ROLE = re.compile(r"[a-z][a-z -]{0,39}")
TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
URL = re.compile(r"https?://[!-~]+", re.IGNORECASE)
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Characters that change how text displays without being seen (Trojan Source).
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

RECORD_FIELDS = (
    "title",
    "type",
    "file",
    "kind",
    "contributors",
    "license",
    "created",
    "alt",
    "sources",
    "description",
    "tags",
    "collaboration",
    "poster",
    "captions",
    "transcript",
    "explicit",
    "withdrawn",
)
LIMITS = {
    "title": 200,
    "alt": 1000,
    "description": 20_000,
    "name": 100,
    "role": 40,
    "reason": 1000,
    "url": 2000,
    "author": 200,
    "prompt": 20_000,
}
MAX_ITEMS = {"contributors": 100, "sources": 200, "tags": 30, "links": 20}


@dataclass
class Reader:
    """Reads typed values out of a mapping, collecting problems with their lines."""

    path: str
    record: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, line: int, message: str, fix: str) -> None:
        self.problems.append(problem(code, self.path, line, message, fix, self.record))

    def unknown_fields(self, node: Map, known: tuple[str, ...], where: str = "") -> None:
        for key, _ in node.entries:
            if key.value not in known:
                close = difflib.get_close_matches(key.value, known, n=1, cutoff=0.6)
                hint = (
                    f"did you mean `{close[0]}`?"
                    if close
                    else "allowed fields: " + ", ".join(known)
                )
                self.add(
                    "unknown-field",
                    key.line,
                    f"unknown field `{key.value}`{where}",
                    f"{hint} Remove or rename it",
                )

    def text(
        self,
        node: Map,
        name: str,
        *,
        required: bool = False,
        multiline: bool = False,
        limit: int | None = None,
        label: str | None = None,
    ) -> str | None:
        label = label or name
        value = node.get(name)
        if value is None:
            if required:
                self.add(
                    "missing-field",
                    node.line,
                    f"`{label}` is missing",
                    f"add `{name}:` {_EXAMPLES.get(name, 'with a value')}",
                )
            return None
        if not isinstance(value, Scalar):
            self.add(
                "wrong-type",
                value.line,
                f"`{label}` must be text, not a {_kind(value)}",
                f"write `{name}:` followed by text on the same line",
            )
            return None
        text = value.value.strip() if not multiline else value.value.strip("\n")
        if not text.strip():
            if required:
                self.add(
                    "missing-field",
                    value.line,
                    f"`{label}` is empty",
                    f"give `{name}` a value {_EXAMPLES.get(name, '')}".rstrip(),
                )
            return None
        limit = limit or LIMITS.get(name)
        if limit and len(text) > limit:
            self.add(
                "too-long",
                value.line,
                f"`{label}` is {len(text)} characters, over the limit of {limit}",
                f"shorten `{name}` to at most {limit} characters",
            )
            return None
        bad = _hidden_character(text, multiline)
        if bad:
            self.add(
                "invalid-value",
                value.line,
                f"`{label}` contains the invisible character {bad}",
                "delete it (retype the text if you cannot see it)",
            )
            return None
        return text

    def pattern(
        self,
        node: Map,
        name: str,
        regex: re.Pattern[str],
        rule: str,
        *,
        required: bool = False,
        label: str | None = None,
    ) -> str | None:
        text = self.text(node, name, required=required, label=label)
        if text is not None and not regex.fullmatch(text):
            self.add(
                "invalid-value",
                self.line(node, name),
                f"`{label or name}` is {text!r}, which is not {rule}",
                f"write it as {rule}",
            )
            return None
        return text

    def choice(
        self, node: Map, name: str, options: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        text = self.text(node, name, required=required)
        if text is not None and text not in options:
            close = difflib.get_close_matches(text.lower(), options, n=1, cutoff=0.5)
            hint = f"did you mean `{close[0]}`? " if close else ""
            self.add(
                "invalid-value",
                self.line(node, name),
                f"`{name}` is {text!r}, which is not one of " + ", ".join(options),
                f"{hint}use one of: " + ", ".join(options),
            )
            return None
        return text

    def date(
        self, node: Map, name: str, *, required: bool = False, label: str | None = None
    ) -> dt.date | None:
        text = self.text(node, name, required=required, label=label)
        if text is None:
            return None
        m = DATE.fullmatch(text)
        if not m:
            self.add(
                "bad-date",
                self.line(node, name),
                f"`{label or name}` is {text!r}, not a date YYYY-MM-DD",
                f"write the date as YYYY-MM-DD, for example `{name}: 2024-05-01`",
            )
            return None
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            self.add(
                "bad-date",
                self.line(node, name),
                f"`{label or name}` is {text}, a day that does not exist",
                "check the month and day",
            )
            return None

    def boolean(self, node: Map, name: str) -> bool | None:
        value = node.get(name)
        if value is None:
            return None
        if isinstance(value, Scalar) and not value.quoted and value.value in ("true", "false"):
            return value.value == "true"
        shown = value.value if isinstance(value, Scalar) else f"a {_kind(value)}"
        self.add(
            "wrong-type",
            value.line,
            f"`{name}` is {shown!r}; it must be true or false",
            f"write `{name}: true` or `{name}: false`",
        )
        return None

    def seq(self, node: Map, name: str, *, required: bool = False) -> tuple[Node, ...] | None:
        value = node.get(name)
        if value is None:
            if required:
                self.add(
                    "missing-field",
                    node.line,
                    f"`{name}` is missing",
                    f"add `{name}:` {_EXAMPLES.get(name, 'as a list')}",
                )
            return None
        if not isinstance(value, Seq):
            self.add(
                "wrong-type",
                value.line,
                f"`{name}` must be a list, not {_kind(value)}",
                f"write each item of `{name}` on its own line starting with `- `",
            )
            return None
        if required and not value.items:
            self.add(
                "missing-field",
                value.line,
                f"`{name}` is empty",
                f"add at least one item to `{name}`",
            )
            return None
        limit = MAX_ITEMS.get(name)
        if limit and len(value.items) > limit:
            self.add(
                "too-long",
                value.line,
                f"`{name}` has {len(value.items)} items, over the limit of {limit}",
                f"keep at most {limit} items",
            )
            return value.items[:limit]
        return value.items

    def mapping(self, node: Node, label: str, fix: str) -> Map | None:
        if isinstance(node, Map):
            return node
        self.add(
            "wrong-type", node.line, f"{label} must be a mapping of fields, not {_kind(node)}", fix
        )
        return None

    def line(self, node: Map, name: str) -> int:
        value = node.get(name)
        return value.line if value is not None else node.line


_EXAMPLES = {
    "title": "(for example `title: Night Train`)",
    "type": "with one of text, image, audio, video",
    "file": "with the name of the media file in this folder",
    "contributors": "with a list such as `- {handle: ana, role: writer}`",
    "license": "with a license id such as CC-BY-4.0",
    "created": "with the date as YYYY-MM-DD",
    "handle": "with the contributor's handle",
    "role": "such as writer, composer, photographer",
}


def _kind(node: Node) -> str:
    return {Scalar: "text", Seq: "list", Map: "mapping"}[type(node)]


def _hidden_character(text: str, multiline: bool) -> str | None:
    if not _HIDDEN.search(text):  # the common case, without a per-character loop
        return None
    for ch in text:
        if ch in _BIDI or (unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t")):
            return f"U+{ord(ch):04X}"
    return None


# --- records ----------------------------------------------------------------------------------


def read_record(
    record_id: str, root: Node | None, path: str
) -> tuple[Record | None, list[Problem]]:
    """Validate one record.yaml tree. Returns the record (None if required fields are unusable)."""
    r = Reader(path, record_id)
    if root is None:
        r.add(
            "yaml-not-mapping",
            1,
            "record.yaml is empty",
            "write the record's fields: title, type, file, contributors, license, created",
        )
        return None, r.problems
    if not isinstance(root, Map):
        r.add(
            "yaml-not-mapping",
            root.line,
            f"record.yaml holds a {_kind(root)}, not a mapping of fields",
            "write one field per line as `name: value`, without a leading `- `",
        )
        return None, r.problems
    node = root
    r.unknown_fields(node, RECORD_FIELDS)

    title = r.text(node, "title", required=True)
    type_ = r.choice(node, "type", RECORD_TYPES, required=True)
    kind = r.choice(node, "kind", RECORD_KINDS) or "contribution"
    withdrawn = _withdrawal(r, node)
    file = _file_name(r, node, "file", required=withdrawn is None)
    contributors = _contributors(r, node)
    license_ = r.text(node, "license", required=True)
    created = r.date(node, "created", required=True)
    alt = r.text(node, "alt")
    alt_node = node.get("alt")
    alt_blank = alt_node is None or (isinstance(alt_node, Scalar) and not alt_node.value.strip())
    if alt is None and alt_blank and type_ in ("image", "video") and withdrawn is None:
        r.add(
            "missing-alt",
            r.line(node, "file"),
            f"this {type_} has no `alt` text",
            "add `alt:` describing what is seen, for people who cannot see it",
        )
    sources = _sources(r, node)
    description = r.text(node, "description", multiline=True) or ""
    tags = _tags(r, node)
    collaboration = r.pattern(
        node, "collaboration", SLUG, "a collaboration slug (lowercase letters, digits, -)"
    )
    poster = _file_name(r, node, "poster")
    captions = _file_name(r, node, "captions")
    transcript = _file_name(r, node, "transcript")
    explicit = r.boolean(node, "explicit")

    required = (title, type_, contributors, license_, created)
    if any(v is None for v in required) or (file is None and withdrawn is None):
        return None, r.problems
    lines = MappingProxyType({k.value: k.line for k, _ in node.entries})
    return Record(
        id=record_id,
        title=title,
        type=type_,
        file=file,
        contributors=contributors,
        license=license_,
        created=created,
        kind=kind,
        alt=alt,
        sources=sources,
        description=description,
        tags=tags,
        collaboration=collaboration,
        poster=poster,
        captions=captions,
        transcript=transcript,
        explicit=bool(explicit),
        withdrawn=withdrawn,
        lines=lines,
    ), r.problems


def _file_name(r: Reader, node: Map, name: str, required: bool = False) -> str | None:
    text = r.text(node, name, required=required)
    if text is None:
        return None
    if len(text.encode("utf-8", "surrogatepass")) > 255:
        r.add(
            "too-long",
            r.line(node, name),
            f"`{name}` is longer than the 255 bytes a file name may have",
            "rename the file with a shorter name",
        )
        return None
    if "/" in text or "\\" in text or text in (".", "..") or text == "record.yaml":
        r.add(
            "path-escape",
            r.line(node, name),
            f"`{name}` is {text!r}; it must name a file in this record's own folder",
            "put the file next to record.yaml and write just its name",
        )
        return None
    return text


def _contributors(r: Reader, node: Map) -> tuple[Contributor, ...] | None:
    items = r.seq(node, "contributors", required=True)
    if items is None:
        return None
    result: list[Contributor] = []
    ok = True
    for item in items:
        entry = r.mapping(item, "each contributor", "write `- {handle: ana, role: writer}`")
        if entry is None:
            ok = False
            continue
        r.unknown_fields(entry, ("handle", "role", "name"), " in a contributor")
        handle = r.pattern(
            entry,
            "handle",
            HANDLE,
            "a handle (lowercase letters, digits, - or _)",
            required=True,
            label="contributor handle",
        )
        role = r.pattern(
            entry,
            "role",
            ROLE,
            "a lowercase role such as writer or composer",
            required=True,
            label="contributor role",
        )
        name = r.text(entry, "name", label="contributor name")
        if handle is None or role is None:
            ok = False
            continue
        result.append(Contributor(handle, role, name))
    return tuple(result) if ok and result else None


def _sources(r: Reader, node: Map) -> tuple[Source, ...]:
    items = r.seq(node, "sources") or ()
    result: list[Source] = []
    for item in items:
        if isinstance(item, Scalar):
            text = item.value.strip()
            if not RECORD_ID.fullmatch(text):
                r.add(
                    "invalid-value",
                    item.line,
                    f"the source {text!r} is not a record id",
                    "name a record by its folder name, or describe an outside work as "
                    "{title, author, url, license}",
                )
                continue
            result.append(RecordSource(text, item.line))
            continue
        entry = r.mapping(item, "a source", "write a record id, or {title, author, url, license}")
        if entry is None:
            continue
        fields = ("title", "author", "url", "license")
        r.unknown_fields(entry, fields, " in an outside source")
        values = {f: r.text(entry, f, required=True, label=f"source {f}") for f in fields}
        url = values["url"]
        if url is not None and not URL.fullmatch(url):
            r.add(
                "invalid-value",
                r.line(entry, "url"),
                f"the source url {url!r} is not an http(s) address",
                "give the web address where the work is published, starting with https://",
            )
            continue
        if all(v is not None for v in values.values()):
            result.append(
                OutsideSource(values["title"], values["author"], url, values["license"], entry.line)
            )
    return tuple(result)


def _tags(r: Reader, node: Map) -> tuple[str, ...]:
    items = r.seq(node, "tags") or ()
    tags: list[str] = []
    for item in items:
        if not isinstance(item, Scalar) or not TAG.fullmatch(item.value):
            shown = item.value if isinstance(item, Scalar) else _kind(item)
            r.add(
                "invalid-value",
                item.line,
                f"the tag {shown!r} is not a lowercase word",
                "use lowercase letters, digits and - (for example `field-recording`)",
            )
            continue
        if item.value not in tags:
            tags.append(item.value)
    return tuple(tags)


def _withdrawal(r: Reader, node: Map) -> Withdrawal | None:
    value = node.get("withdrawn")
    if value is None:
        return None
    entry = r.mapping(value, "`withdrawn`", "write `withdrawn: {date: 2024-05-01, reason: ...}`")
    if entry is None:
        return None
    r.unknown_fields(entry, ("date", "reason"), " in `withdrawn`")
    date = r.date(entry, "date", required=True, label="withdrawn date")
    reason = r.text(entry, "reason", required=True, label="withdrawn reason")
    return Withdrawal(date, reason) if date and reason else None


# --- profiles and collaborations --------------------------------------------------------------


def read_person(
    handle: str, root: Node | None, body: str, path: str
) -> tuple[Person, list[Problem]]:
    r = Reader(path)
    node = _front_matter_map(r, root)
    name = avatar = None
    links: list[str] = []
    if node is not None:
        r.unknown_fields(node, ("name", "links", "avatar"), " in a profile")
        name = r.text(node, "name")
        avatar = r.text(node, "avatar")
        if avatar is not None and (
            avatar.startswith("/") or ".." in avatar.split("/") or "\\" in avatar
        ):
            r.add(
                "path-escape",
                r.line(node, "avatar"),
                f"`avatar` is {avatar!r}, outside content/people/",
                "put the image in content/people/ and give its name relative to it",
            )
            avatar = None
        for item in r.seq(node, "links") or ():
            if isinstance(item, Scalar) and URL.fullmatch(item.value.strip()):
                links.append(item.value.strip())
            else:
                r.add(
                    "invalid-value",
                    item.line,
                    "each link must be an http(s) address",
                    "write links as `- https://example.org/me`",
                )
    avatar_line = r.line(node, "avatar") if node is not None and avatar is not None else 0
    return Person(handle, path, name, tuple(links), avatar, body, avatar_line), r.problems


def read_collaboration(
    slug: str, root: Node | None, body: str, path: str
) -> tuple[Collaboration | None, list[Problem]]:
    r = Reader(path)
    node = _front_matter_map(r, root, required=("title", "status"))
    if node is None:
        return None, r.problems
    r.unknown_fields(node, ("title", "status", "deadline"), " in a collaboration")
    title = r.text(node, "title", required=True)
    status = r.choice(node, "status", ("open", "closed"), required=True)
    deadline = r.date(node, "deadline")
    if title is None or status is None:
        return None, r.problems
    return Collaboration(slug, path, title, status, deadline, body), r.problems


def _front_matter_map(r: Reader, root: Node | None, required: tuple[str, ...] = ()) -> Map | None:
    if root is None:
        if required:
            r.add(
                "missing-field",
                1,
                "the page has no front matter",
                "start the file with `---`, the fields " + ", ".join(required) + ", and `---`",
            )
        return None
    return r.mapping(root, "the front matter", "write one field per line as `name: value`")
