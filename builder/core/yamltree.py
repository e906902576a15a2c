"""YAML text -> a tree of nodes that keeps every value as written and its line.

We build the tree ourselves from the parser's event stream instead of using a
PyYAML loader because loaders resolve types (`NO` -> False, `2024-02-30` -> error
or date), silently keep the last of duplicate keys, expand aliases (billion laughs)
and recurse per nesting level. From events we get none of that: scalars stay text,
duplicates and tags become problems, and depth is bounded without recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

try:  # libyaml's parser is ~10x faster; `check --changed` parses every record.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_SCALAR = yaml.ScalarEvent
_STREAM_END = yaml.StreamEndEvent
MAX_DEPTH = 16
MAX_NODES = 20_000


# NamedTuples rather than frozen dataclasses: a record has hundreds of nodes and
# `check --changed` builds them for every record; tuple construction is several
# times cheaper and the nodes are just as immutable.
class Scalar(NamedTuple):
    value: str
    line: int
    quoted: bool  # "NO" was quoted; plain NO was not (both are the text "NO")


class Seq(NamedTuple):
    items: tuple[Node, ...]
    line: int


class Map(NamedTuple):
    entries: tuple[tuple[Scalar, Node], ...]
    line: int

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.entries]


Node = Scalar | Seq | Map


@dataclass(frozen=True)
class YamlIssue:
    """A parse-level problem; `code` is a problem code from core.problems."""

    code: str
    line: int
    message: str
    fix: str


@dataclass
class _Builder:
    lenient: bool
    issues: list[YamlIssue] = field(default_factory=list)
    stack: list[tuple[str, int, list]] = field(default_factory=list)
    documents: list[Node | None] = field(default_factory=list)
    nodes: int = 0

    def issue(self, code: str, line: int, message: str, fix: str) -> None:
        self.issues.append(YamlIssue(code, line, message, fix))

    def add(self, node: Node) -> None:
        if self.stack:
            self.stack[-1][2].append(node)
        else:
            self.documents.append(node)

    def open(self, kind: str, line: int) -> bool:
        if len(self.stack) >= MAX_DEPTH:
            self.issue(
                "yaml-too-large",
                line,
                f"values are nested more than {MAX_DEPTH} levels deep",
                "flatten the structure: record fields nest at most two levels",
            )
            return False
        self.stack.append((kind, line, []))
        return True

    def close(self) -> None:
        kind, line, children = self.stack.pop()
        if kind == "seq":
            self.add(Seq(tuple(children), line))
        else:
            self.add(self._mapping(children, line))

    def _mapping(self, children: list[Node], line: int) -> Map:
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, int] = {}
        for key, value in zip(children[0::2], children[1::2]):
            if not isinstance(key, Scalar):
                self.issue(
                    "wrong-type",
                    key.line,
                    "a key is a list or mapping, not a name",
                    "write keys as plain names such as `title:`",
                )
                continue
            if key.value in seen:
                self.issue(
                    "yaml-duplicate-key",
                    key.line,
                    f"`{key.value}` appears twice (first on line {seen[key.value]})",
                    "keep one of them and delete the other",
                )
                continue
            seen[key.value] = key.line
            entries.append((key, value))
        return Map(tuple(entries), line)


def parse_yaml(text: str, lenient: bool = False) -> tuple[Node | None, list[YamlIssue]]:
    """Parse one YAML document. Returns the root node (None if unusable) and issues.

    `lenient` lets configuration files such as mkdocs.yml keep their
    `!!python/name:` tags and anchors (read as plain text); record files never may.
    """
    b = _Builder(lenient)
    stack, documents = b.stack, b.documents
    loader = _Loader(text)
    try:
        # Driving the parser directly instead of through yaml.parse(), whose generator
        # costs as much again as libyaml itself on every event.
        while (event := loader.get_event()).__class__ is not _STREAM_END:
            # Fast path for the bulk of events: an untagged, unanchored scalar.
            if event.__class__ is _SCALAR and event.anchor is None and event.tag is None:
                b.nodes += 1
                if b.nodes <= MAX_NODES:
                    node = Scalar(event.value, event.start_mark.line + 1, bool(event.style))
                    (stack[-1][2] if stack else documents).append(node)
                    continue
            if not _feed(b, event):
                return None, b.issues
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # For an unclosed quote or bracket the parser stops at the end of the file;
        # the line where it was opened is the one to fix.
        if exc.context_mark and exc.context and ("quoted" in exc.context or "flow" in exc.context):
            mark = exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and ("quoted" in exc.context or "flow" in exc.context):
            what = f"{exc.context.removeprefix('while ')} that is never closed ({exc.problem})"
        b.issues.append(
            YamlIssue(
                "yaml-syntax",
                line,
                f"YAML cannot be read here: {what}",
                "check indentation, colons and quotes on this line "
                "(quote text containing `: ` or `#`)",
            )
        )
        return None, b.issues
    except yaml.YAMLError as exc:
        b.issues.append(
            YamlIssue(
                "yaml-syntax",
                _reader_line(text, exc),
                f"YAML cannot be read: {_one_line(exc)}",
                "remove control characters and save the file as UTF-8 text",
            )
        )
        return None, b.issues
    finally:
        loader.dispose()
    if len(b.documents) > 1:
        b.issue(
            "yaml-not-mapping",
            _second_document_line(text),
            "the file holds more than one YAML document (`---`)",
            "keep a single document: remove the extra `---` and what follows",
        )
        return None, b.issues
    return (b.documents[0] if b.documents else None), b.issues


def _feed(b: _Builder, event: yaml.Event) -> bool:
    line = event.start_mark.line + 1 if event.start_mark else 1
    if isinstance(event, yaml.AliasEvent) and b.lenient:
        b.add(Scalar("", line, False))  # config files may alias; we never read through them
        return True
    if (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)) and not b.lenient:
        b.issue(
            "yaml-alias",
            line,
            "anchors and aliases (`&name`, `*name`) are not allowed",
            "write the value out in full where it is used",
        )
        return False
    tag = getattr(event, "tag", None)
    if tag is not None and not b.lenient:
        b.issue(
            "yaml-tag",
            line,
            f"the YAML tag `{_short_tag(tag)}` is not allowed",
            "remove the tag and write the value as plain text",
        )
    if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        b.nodes += 1
        if b.nodes > MAX_NODES:
            b.issue(
                "yaml-too-large",
                line,
                f"more than {MAX_NODES} values",
                "a record needs far fewer values: remove what is not part of the format",
            )
            return False
    if isinstance(event, yaml.ScalarEvent):
        b.add(Scalar(event.value, line, bool(event.style)))
    elif isinstance(event, yaml.SequenceStartEvent):
        return b.open("seq", line)
    elif isinstance(event, yaml.MappingStartEvent):
        return b.open("map", line)
    elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
        b.close()
    return True


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _reader_line(text: str, exc: yaml.YAMLError) -> int:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return 1


def _second_document_line(text: str) -> int:
    seen_content = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("---") and seen_content:
            return number
        if stripped and not stripped.startswith("#") and not stripped.startswith("---"):
            seen_content = True
    return 1


def decode_text(data: bytes) -> tuple[str | None, YamlIssue | None]:
    """Strict UTF-8 (a BOM is tolerated); the issue names the line of the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, YamlIssue(
            "yaml-syntax", line, "the file is not UTF-8 text", "save the file with UTF-8 encoding"
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, YamlIssue(
            "yaml-syntax", line, "the file contains a NUL byte", "save the file as plain UTF-8 text"
        )
    return text, None


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Markdown page -> (front matter YAML or None, body). Lines in the YAML keep their
    numbers in the page because the opening `---` becomes an empty line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n" + "".join(lines[1:i]), "".join(lines[i + 1 :])
    return None, text
