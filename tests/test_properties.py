"""Property-based tests: arbitrary text, YAML, node trees, bytes and whole archives thrown at the
loader and the checks.

The contract (SPEC §3) allows exactly two outcomes for any input: a clean pass, or problems whose
codes are in ``builder.core.problems.CODES``, each with a line >= 1 and the path it was asked about.
Never an exception. On top of that, the model-level properties the checks promise: plain values
are read as written, impossible dates are refused, every value a Record holds obeys its field's
rule, the remix graph and the Creative Commons rules agree with small independent oracles, and
`check --changed` never loses a problem of the records a change touches.

Known bugs are pinned with ``@example`` (so the failure is deterministic, not left to chance) and
``xfail(strict=True, reason="BUG: ...")``: when builder/ is fixed the test XPASSes, strict makes
that a failure, and the marker must be removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import string
import tempfile
import unicodedata
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.archive.changes import Changes
from builder.check import GRAPH_CODES, check_archive
from builder.core import sniff
from builder.core.graph import RemixGraph
from builder.core.licenses import DEFAULT_ALLOWED, LICENSES, Inherited, judge_adaptation, lookup
from builder.core.model import (
    RECORD_KINDS,
    RECORD_TYPES,
    Archive,
    Contributor,
    OutsideSource,
    Record,
    RecordSource,
    Withdrawal,
)
from builder.core.problems import CODES
from builder.core.report import RENDERERS
from builder.core.schema import LIMITS, RECORD_FIELDS, read_record
from builder.core.yamltree import Map, Scalar, Seq, YamlIssue, parse_yaml

# SHOWCASE_PROPS_EXAMPLES=5000 for a longer hunt; the default keeps the file well under a minute.
EXAMPLES = int(os.environ.get("SHOWCASE_PROPS_EXAMPLES", "200"))
PROPS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
# Tests that write an archive to disk per example: fewer examples, same shapes.
DISK = settings(PROPS, max_examples=max(10, EXAMPLES * 2 // 5))

# Field rules, restated independently of builder.core.schema (ASCII only, whole string: `\Z`,
# not `$`, which also matches before a trailing newline).
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]\Z", re.ASCII)
HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,38}\Z", re.ASCII)
ROLE_RE = re.compile(r"[a-z][a-z -]{0,39}\Z", re.ASCII)
TAG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z", re.ASCII)
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", re.ASCII)
URL_RE = re.compile(r"https?://[^\s<>\"]+\Z", re.IGNORECASE)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINEAGE_CODES = {
    "license-nd-source",
    "license-sa-mismatch",
    "license-nc-required",
    "license-by-required",
    "license-conflict",
}

PATH = "records/some-record/record.yaml"
RID = "some-record"


# --- shared assertions ---------------------------------------------------------------------------


def assert_issues_ok(issues: list[YamlIssue]) -> None:
    for issue in issues:
        assert issue.code in CODES, issue
        assert isinstance(issue.line, int) and issue.line >= 1, issue
        assert issue.message and issue.fix, issue


def assert_problems_ok(problems, path: str | None = None) -> None:
    for p in problems:
        assert p.code in CODES, p
        assert isinstance(p.line, int) and p.line >= 1, p
        assert p.message and p.fix, p
        if path is not None:
            assert p.path == path, p
        # One line per problem (SPEC §3: `PATH:LINE: CODE: message — fix`), printable as UTF-8.
        assert "\n" not in p.code
        p.render().encode("utf-8")


def assert_report_ok(report) -> None:
    assert_problems_ok(report.problems)
    for render in RENDERERS.values():
        render(report).encode("utf-8")  # what the CLI writes to stdout
    json.loads(RENDERERS["json"](report))


def clean_text(s: str) -> bool:
    return not any(ch in BIDI or unicodedata.category(ch) == "Cc" for ch in s)


def assert_record_invariants(record: Record, rid: str) -> None:
    """Whatever the input, a Record that comes out obeys every field rule of SPEC §2."""
    assert record.id == rid
    assert (
        isinstance(record.title, str)
        and record.title.strip()
        and len(record.title) <= LIMITS["title"]
    )
    assert clean_text(record.title), record.title
    assert record.title == record.title.strip()
    assert record.type in RECORD_TYPES
    assert record.kind in RECORD_KINDS
    assert record.contributors, record
    for c in record.contributors:
        assert HANDLE_RE.match(c.handle), c
        assert ROLE_RE.match(c.role), c
        assert c.name is None or (clean_text(c.name) and len(c.name) <= LIMITS["name"]), c
    assert isinstance(record.license, str) and record.license.strip() and clean_text(record.license)
    assert isinstance(record.created, dt.date)
    for field in ("file", "poster", "captions", "transcript"):
        name = getattr(record, field)
        if name is not None:
            assert name.strip() and "/" not in name and "\\" not in name and name not in (".", "..")
            assert name != "record.yaml" and clean_text(name), (field, name)
    if record.file is None:
        assert record.withdrawn is not None
    if record.withdrawn is not None:
        assert isinstance(record.withdrawn, Withdrawal)
        assert isinstance(record.withdrawn.date, dt.date) and record.withdrawn.reason
    if record.alt is not None:
        assert record.alt.strip() and clean_text(record.alt) and len(record.alt) <= LIMITS["alt"]
    for tag in record.tags:
        assert TAG_RE.match(tag), tag
    assert len(set(record.tags)) == len(record.tags)
    for src in record.sources:
        if isinstance(src, RecordSource):
            assert ID_RE.match(src.id), src
        else:
            assert isinstance(src, OutsideSource)
            assert URL_RE.match(src.url), src
            assert src.title and src.author and src.license
    if record.collaboration is not None:
        assert ID_RE.match(record.collaboration), record.collaboration
    assert isinstance(record.explicit, bool)
    assert len(record.description) <= LIMITS["description"]


# --- YAML-ish text from a grammar ----------------------------------------------------------------

SPECIAL_SCALARS = [
    "NO",
    "No",
    "no",
    "n",
    "N",
    "YES",
    "yes",
    "Yes",
    "y",
    "on",
    "On",
    "off",
    "OFF",
    "true",
    "True",
    "false",
    "FALSE",
    "~",
    "null",
    "Null",
    "NULL",
    "2024-02-30",
    "2024-01-01",
    "2024-1-1",
    "2023-13-01",
    "0000-01-01",
    "2024-01-01T10:00:00Z",
    "0x1F",
    "0o17",
    "017",
    "1e3",
    "1_000",
    "-.inf",
    ".NaN",
    "3.14",
    "12:30:00",
    "''",
    '""',
    "'NO'",
    '"yes"',
    "'it''s'",
    '"a\\tb"',
    '"\\u202e"',
    '"\\x00"',
    '"\\0"',
    '"\\e"',
    "|",
    "|-",
    ">",
    ">+",
    "@x",
    "`x`",
    "%x",
    "a: b",
    "a #c",
    "-",
    "? x",
    "[",
    "]",
    "{",
    "}",
    ",",
    "*a",
    "&a x",
    "!!python/object:os.system x",
    "!!python/object/apply:os.system ['ls']",
    "!!str x",
    "!!binary aGk=",
    "!x y",
    "<<",
    "=",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "GPL-3.0",
    "text",
    "image",
    "audio",
    "video",
    "production",
    "poem.md",
    "a.png",
    "../x.png",
    "record.yaml",
    "http://x.org/a",
    "javascript:alert(1)",
    "<script>x</script>",
    "ana",
    "writer",
    "-ana",
    "Ana",
]
KEYS = list(RECORD_FIELDS) + [
    "handle",
    "role",
    "name",
    "date",
    "reason",
    "url",
    "author",
    "Title",
    "titel",
    "tittle",
    "licence",
    "source",
    "tag",
    "<<",
    "? x",
    "1",
    "true",
    "~",
    '"title"',
    "'type'",
    "title ",
    "x y",
]
plain_word = st.text(
    string.ascii_letters + string.digits + " -_.:/#'\"@&*!%|>?,[]{}", min_size=1, max_size=12
)
any_text = st.text(max_size=12)
yaml_scalar_text = st.one_of(
    st.sampled_from(SPECIAL_SCALARS),
    st.dates().map(str),
    st.integers(-(10**9), 10**9).map(str),
    st.floats().map(repr),
    any_text.map(json.dumps),  # double-quoted
    any_text.map(lambda s: "'" + s.replace("'", "''") + "'"),  # single-quoted
    plain_word,
)
decoration = st.sampled_from(
    [
        "",
        "",
        "",
        "",
        "",
        "&a ",
        "!!python/object:builtins.dict ",
        "!!str ",
        "!t ",
        "!!map ",
        "!<tag:yaml.org,2002:python/name:os.system> ",
    ]
)
step = st.sampled_from(["  ", "  ", "  ", " ", "   ", "    ", "\t", " \t"])


def yaml_node():
    """("s", text) | ("seq", [node], flow) | ("map", [(key, node)], flow), a few levels deep."""
    scalar = yaml_scalar_text.map(lambda t: ("s", t))
    return st.recursive(
        scalar,
        lambda kids: st.one_of(
            st.tuples(st.just("seq"), st.lists(kids, max_size=4), st.booleans()),
            st.tuples(
                st.just("map"),
                st.lists(st.tuples(st.sampled_from(KEYS) | plain_word, kids), max_size=5),
                st.booleans(),
            ),
        ),
        max_leaves=25,
    )


def render_flow(draw, node) -> str:
    kind = node[0]
    deco = draw(decoration)
    if kind == "s":
        return deco + node[1] if draw(st.integers(0, 15)) else "*a"
    if kind == "seq":
        return deco + "[" + ", ".join(render_flow(draw, n) for n in node[1]) + "]"
    return deco + "{" + ", ".join(f"{k}: {render_flow(draw, v)}" for k, v in node[1]) + "}"


def render_block(draw, node, indent: str) -> list[str]:
    kind = node[0]
    if kind == "s" or node[2]:
        return [indent + render_flow(draw, node)]
    lines = []
    if kind == "seq":
        for item in node[1]:
            if item[0] == "s" or item[2] or draw(st.booleans()):
                lines.append(f"{indent}- {render_flow(draw, item)}")
            else:
                lines.append(f"{indent}-{draw(st.sampled_from(['', ' ', ' &a']))}")
                lines.extend(render_block(draw, item, indent + draw(step)))
        return lines or [indent + "[]"]
    for key, value in node[1]:
        if value[0] == "s" or value[2]:
            lines.append(f"{indent}{key}: {render_flow(draw, value)}")
        else:
            lines.append(
                f"{indent}{key}:"
                f"{draw(st.sampled_from(['', ' ', ' # c', ' &a', ' !!python/object:x']))}"
            )
            lines.extend(render_block(draw, value, indent + draw(step)))
    return lines or [indent + "{}"]


@st.composite
def record_like_body(draw) -> list[str]:
    """Top-level mapping whose keys are mostly record fields: reaches read_record's field code."""
    entries = draw(st.lists(st.tuples(st.sampled_from(KEYS), yaml_node()), min_size=0, max_size=12))
    return render_block(draw, ("map", entries, False), "")


@st.composite
def yaml_documents(draw) -> str:
    bodies = [draw(record_like_body() | yaml_node().map(lambda n: render_block(draw, n, "")))]
    if draw(st.integers(0, 5)) == 0:
        bodies.append(draw(record_like_body()))
    head = draw(
        st.sampled_from(
            ["", "", "---\n", "%YAML 1.1\n---\n", "# comment\n", "--- !!map\n", "\ufeff"]
        )
    )
    tail = draw(st.sampled_from(["", "", "\n", "...\n", "\n# end", "\n---\n", "\n--- x\n"]))
    text = head + "\n---\n".join("\n".join(b) for b in bodies) + tail
    # Odd indentation and tabs in random places.
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 2))):
        if lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = draw(st.sampled_from(["\t", " ", "   ", "\t "])) + lines[i]
    return "\n".join(lines)


@st.composite
def mutated(draw, base) -> str:
    text = draw(base)
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "dup"]))
        if op == "insert":
            text = (
                text[:pos]
                + draw(
                    st.sampled_from(
                        [
                            ":",
                            "-",
                            "\t",
                            "\n",
                            " ",
                            "#",
                            "&a",
                            "*a",
                            "'",
                            '"',
                            "[",
                            "{",
                            "\x00",
                            "\x85",
                            "\u2028",
                            "\ufeff",
                            "\r",
                        ]
                    )
                    | any_text
                )
                + text[pos:]
            )
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)) :]
        else:
            text = text[:pos] + text[pos : pos + 20] + text[pos:]
    return text


yaml_texts = st.one_of(yaml_documents(), mutated(yaml_documents()))


# --- parse_yaml ----------------------------------------------------------------------------------


def check_parse(text: str, lenient: bool = False):
    root, issues = parse_yaml(text, lenient=lenient)
    assert_issues_ok(issues)
    assert root is None or isinstance(root, (Scalar, Seq, Map))
    if root is not None:
        _check_tree(root)
    return root, issues


def _check_tree(root) -> None:
    stack, count = [(root, 1)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        assert node.line >= 1
        assert depth <= 17
        if isinstance(node, Scalar):
            assert isinstance(node.value, str)
        elif isinstance(node, Seq):
            stack.extend((n, depth + 1) for n in node.items)
        else:
            keys = [k.value for k, _ in node.entries]
            assert len(keys) == len(set(keys)), "duplicate keys must be dropped and reported"
            for k, v in node.entries:
                assert isinstance(k, Scalar)
                stack.append((v, depth + 1))
    assert count <= 20_001


@PROPS
@given(st.text())
def test_parse_yaml_arbitrary_text_never_raises(text):
    check_parse(text)
    check_parse(text, lenient=True)


@PROPS
@given(yaml_texts)
def test_parse_yaml_grammar_never_raises(text):
    root, issues = check_parse(text)
    check_parse(text, lenient=True)
    # Nothing is ever executed or resolved: strict mode refuses tags and anchors outright.
    codes = {i.code for i in issues}
    if root is not None:
        assert "yaml-alias" not in codes and "yaml-syntax" not in codes


PLAIN_SAFE = [
    "NO",
    "No",
    "no",
    "n",
    "N",
    "YES",
    "yes",
    "Yes",
    "y",
    "on",
    "On",
    "off",
    "OFF",
    "true",
    "True",
    "false",
    "FALSE",
    "~",
    "null",
    "Null",
    "NULL",
    "2024-02-30",
    "2024-01-01",
    "2024-1-1",
    "0x1F",
    "0o17",
    "017",
    "1e3",
    "1_000",
    "-.inf",
    ".NaN",
    "3.14",
    "12:30:00",
    "=",
    "<<",
    "+1",
    "0b101",
]


@PROPS
@given(
    st.sampled_from(PLAIN_SAFE)
    | st.dates().map(str)
    | st.floats().map(repr)
    | st.integers().map(str)
)
def test_plain_scalars_are_kept_as_written(value):
    root, issues = check_parse(f"key: {value}\n")
    assert issues == []
    node = root.get("key")
    assert node == Scalar(value, 1, False)


@PROPS
@given(
    st.sampled_from(
        [
            "&a x",
            "*a",
            "!!python/object:os.system x",
            "!!python/object/apply:os.system ['id']",
            "!!str x",
            "!t x",
            "!!binary aGk=",
        ]
    ),
    st.sampled_from(list(RECORD_FIELDS)),
)
def test_tags_and_anchors_are_problems_in_records(value, key):
    text = f"a: &a 1\n{key}: {value}\n" if value == "*a" else f"{key}: {value}\n"
    _, issues = check_parse(text)
    assert {i.code for i in issues} & {"yaml-tag", "yaml-alias"}


@PROPS
@given(st.lists(st.sampled_from(list(RECORD_FIELDS)), min_size=1, max_size=6), st.data())
def test_duplicate_keys_are_reported_with_their_line(keys, data):
    dup = data.draw(st.sampled_from(keys))
    lines = [f"{k}: v{i}" for i, k in enumerate(keys)] + [f"{dup}: again"]
    root, issues = check_parse("\n".join(lines) + "\n")
    dups = [i for i in issues if i.code == "yaml-duplicate-key"]
    expected = len(keys) + 1 - len(set(keys))
    assert len(dups) == expected
    assert any(i.line == len(lines) for i in dups)
    assert root is not None and root.get(dup).value == f"v{keys.index(dup)}"


# --- read_record ---------------------------------------------------------------------------------

lines_st = st.integers(1, 500)
scalar_values = st.one_of(
    st.sampled_from(SPECIAL_SCALARS),
    st.text(max_size=30),
    st.dates().map(str),
    st.sampled_from(sorted(LICENSES)),
    st.sampled_from(["ana", "writer", "a-b-c", "x.md"]),
)
scalar_nodes = st.builds(Scalar, scalar_values, lines_st, st.booleans())
key_nodes = st.builds(Scalar, st.sampled_from(KEYS) | st.text(max_size=8), lines_st, st.booleans())
any_node = st.recursive(
    scalar_nodes,
    lambda kids: st.one_of(
        st.builds(Seq, st.lists(kids, max_size=4).map(tuple), lines_st),
        st.builds(Map, st.lists(st.tuples(key_nodes, kids), max_size=5).map(tuple), lines_st),
    ),
    max_leaves=20,
)


def s(value: str, line: int = 1, quoted: bool = False) -> Scalar:
    return Scalar(value, line, quoted)


def m(line: int = 1, **fields) -> Map:
    return Map(tuple((s(k, line), v) for k, v in fields.items()), line)


handles = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,10}\Z") | st.sampled_from(
    ["ana", "Ana", "-x", "a b", ""]
)
roles = st.from_regex(r"\A[a-z][a-z -]{0,10}\Z") | st.sampled_from(["writer", "Writer", "1st", ""])
contributor_nodes = (
    st.builds(
        lambda h, r, name, line: m(
            line, handle=s(h, line), role=s(r, line), **({"name": s(name, line)} if name else {})
        ),
        handles,
        roles,
        st.none() | st.text(max_size=20),
        lines_st,
    )
    | any_node
)
source_nodes = st.one_of(
    st.builds(
        s, st.from_regex(r"\A[a-z0-9][a-z0-9-]{1,8}[a-z0-9]\Z") | st.text(max_size=10), lines_st
    ),
    st.builds(
        lambda t, a, u, lic, line: m(line, title=s(t), author=s(a), url=s(u), license=s(lic)),
        st.text(max_size=10),
        st.text(max_size=10),
        st.sampled_from(["https://x.org/a", "http://e.com", "ftp://x", "https://a b", "x"]),
        st.sampled_from(sorted(LICENSES)) | st.text(max_size=8),
        lines_st,
    ),
    any_node,
)
FIELD_NODES = {
    "title": st.builds(
        s, st.text(max_size=220) | st.sampled_from(["NO", "yes", "~"]), lines_st, st.booleans()
    ),
    "type": st.builds(s, st.sampled_from(list(RECORD_TYPES) + ["Image", "pdf", ""]), lines_st),
    "kind": st.builds(s, st.sampled_from(list(RECORD_KINDS) + ["draft"]), lines_st),
    "file": st.builds(
        s,
        st.sampled_from(["a.md", "a.png", "../a", "a/b", "record.yaml", ".", "", "a\u202eb"])
        | st.text(max_size=12),
        lines_st,
    ),
    "contributors": st.builds(Seq, st.lists(contributor_nodes, max_size=3).map(tuple), lines_st),
    "license": st.builds(s, st.sampled_from(sorted(LICENSES) + ["MIT", ""]), lines_st),
    "created": st.builds(
        s, st.dates().map(str) | st.sampled_from(["2024-02-30", "2024-1-1", "x"]), lines_st
    ),
    "sources": st.builds(Seq, st.lists(source_nodes, max_size=4).map(tuple), lines_st),
    "tags": st.builds(Seq, st.lists(scalar_nodes | any_node, max_size=4).map(tuple), lines_st),
    "withdrawn": st.builds(
        lambda d, r, line: m(line, date=s(d), reason=s(r)),
        st.dates().map(str) | st.text(max_size=5),
        st.text(max_size=10),
        lines_st,
    ),
    "explicit": st.builds(
        s, st.sampled_from(["true", "false", "yes", "True", "1"]), lines_st, st.booleans()
    ),
}


@st.composite
def record_trees(draw) -> Map:
    entries = []
    for name in RECORD_FIELDS:
        if draw(st.integers(0, 3)):
            node = (
                draw(FIELD_NODES.get(name, scalar_nodes) | any_node)
                if draw(st.integers(0, 4)) == 0
                else draw(FIELD_NODES.get(name, scalar_nodes))
            )
            entries.append((s(name, draw(lines_st)), node))
    for key in draw(st.lists(key_nodes, max_size=2)):
        entries.append((key, draw(any_node)))
    entries = draw(st.permutations(entries))
    return Map(tuple(entries), draw(lines_st))


def check_read(tree, rid: str = RID, path: str = PATH):
    record, problems = read_record(rid, tree, path)
    assert_problems_ok(problems, path)
    assert all(p.record == rid for p in problems)
    if record is None:
        assert problems, "a record that cannot be built must say why"
    else:
        assert_record_invariants(record, rid)
    return record, problems


@PROPS
@given(yaml_texts)
def test_read_record_on_parsed_yaml(text):
    root, issues = parse_yaml(text)
    if root is None and issues:
        return
    check_read(root)


@PROPS
@given(record_trees() | any_node)
# Found by this test; minimal: a tag `abc\n` (quoted in YAML: `tags: ["abc\n"]`).
@example(
    m(
        title=s("t"),
        type=s("text"),
        file=s("a.md"),
        license=s("CC0-1.0"),
        created=s("2024-01-01"),
        contributors=Seq((m(handle=s("ana"), role=s("writer")),), 1),
        tags=Seq((s("abc\n"),), 1),
    )
)
def test_read_record_on_arbitrary_trees(tree):
    check_read(tree)


def valid_base(**override) -> dict:
    base = {
        "title": "Night Train",
        "type": "text",
        "file": "poem.md",
        "contributors": [{"handle": "ana", "role": "writer"}],
        "license": "CC-BY-4.0",
        "created": "2024-05-01",
    }
    base.update(override)
    return base


def to_yaml(d: dict) -> str:
    """A record as YAML, every string double-quoted (JSON is YAML), one field per line."""
    return "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in d.items())


@PROPS
@given(
    st.sampled_from(
        [
            "NO",
            "No",
            "no",
            "n",
            "N",
            "yes",
            "Yes",
            "YES",
            "y",
            "on",
            "off",
            "true",
            "false",
            "True",
            "False",
            "~",
            "null",
            "Null",
            "1e3",
            "0x1F",
            "017",
            "-.inf",
            ".nan",
            "3.14",
            "2024-01-01",
            "12:30:00",
            "1_000",
            "+1",
        ]
    )
)
def test_plain_title_is_read_as_written(title):
    text = to_yaml({k: v for k, v in valid_base().items() if k != "title"}) + f"title: {title}\n"
    root, issues = parse_yaml(text)
    assert not issues
    record, problems = check_read(root)
    assert problems == [] and record is not None
    assert record.title == title
    assert type(record.title) is str


def test_title_no_stays_no():
    root, _ = parse_yaml(
        "title: NO\ntype: text\nfile: poem.md\ncontributors:\n  - {handle: ana, role: writer}\n"
        "license: CC0-1.0\ncreated: 2024-01-01\n"
    )
    record, problems = read_record(RID, root, PATH)
    assert problems == [] and record.title == "NO"


@PROPS
@given(st.dates(min_value=dt.date(1, 1, 1)), st.integers(0, 40))
def test_impossible_dates_are_bad_date(day, extra):
    # Push the day past the end of its month (or into months 13..).
    y, mo = day.year, day.month
    text = (
        f"{y:04d}-{mo:02d}-{32 + extra % 68:02d}" if extra % 2 else f"{y:04d}-{13 + extra:02d}-01"
    )
    record, problems = check_read(parse_yaml(to_yaml(valid_base(created=text)))[0])
    assert record is None
    assert [p.code for p in problems] == ["bad-date"]


def test_february_30_is_bad_date():
    record, problems = check_read(
        parse_yaml(to_yaml(valid_base()).replace("2024-05-01", "2024-02-30"))[0]
    )
    assert record is None and [p.code for p in problems] == ["bad-date"]
    # also written plain, unquoted
    root, _ = parse_yaml(
        "title: t\ntype: text\nfile: a.md\ncontributors: [{handle: a, role: b}]\n"
        "license: CC0-1.0\ncreated: 2024-02-30\n"
    )
    record, problems = check_read(root)
    assert record is None and [p.code for p in problems] == ["bad-date"]
    assert problems[0].line == 6


def date_oracle(text: str) -> dt.date | None:
    m_ = DATE_RE.match(text.strip())
    if not m_ or not clean_text(text.strip()):
        return None
    try:
        return dt.date(int(m_[1]), int(m_[2]), int(m_[3]))
    except ValueError:
        return None


digits = st.sampled_from("0123456789") | st.characters(categories=["Nd"])
date_like = st.one_of(
    st.dates().map(str),
    st.builds(
        lambda a, b, c: f"{a}-{b}-{c}",
        st.text(digits, min_size=1, max_size=5),
        st.text(digits, min_size=1, max_size=3),
        st.text(digits, min_size=1, max_size=3),
    ),
    st.text(max_size=12),
)


@PROPS
@given(date_like)
@example("٢٠٢٤-٠١-٠١")  # Arabic-Indic digits
def test_created_is_accepted_exactly_when_it_is_a_real_ascii_date(text):
    root, issues = parse_yaml(to_yaml(valid_base(created=text)))
    if root is None and issues:  # e.g. a character YAML itself refuses: the file is not read at all
        assert {i.code for i in issues} == {"yaml-syntax"}
        assert date_oracle(text) is None
        return
    record, problems = check_read(root)
    expected = date_oracle(text)
    if expected is None:
        assert record is None and {p.code for p in issues + problems} <= {
            "bad-date",
            "invalid-value",
            "missing-field",
            "too-long",
        }
    else:
        assert problems == [] and record.created == expected


# a known-valid record, as a dict, and the Record it must become
safe_text = st.text(
    st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"], exclude_characters="".join(BIDI)),
    min_size=1,
    max_size=60,
).filter(lambda t: t == t.strip() and t.strip())
ids = st.from_regex(r"\A[a-z0-9][a-z0-9-]{1,20}[a-z0-9]\Z")
file_names = st.from_regex(r"\A[a-z0-9_][a-z0-9_.-]{0,20}\Z").filter(
    lambda n: n not in (".", "..", "record.yaml")
)


@st.composite
def valid_records(draw):
    rtype = draw(st.sampled_from(RECORD_TYPES))
    d = {
        "title": draw(safe_text),
        "type": rtype,
        "file": draw(file_names),
        "kind": draw(st.sampled_from(RECORD_KINDS)),
        "contributors": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "handle": st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,38}\Z"),
                        "role": st.from_regex(r"\A[a-z][a-z -]{0,39}\Z")
                        .map(str.strip)
                        .filter(bool),
                    },
                    optional={"name": safe_text},
                ),
                min_size=1,
                max_size=4,
                unique_by=lambda c: c["handle"],
            )
        ),
        "license": draw(st.sampled_from(sorted(LICENSES))),
        "created": draw(st.dates(min_value=dt.date(1, 1, 1))).isoformat(),
    }
    if rtype in ("image", "video") or draw(st.booleans()):
        d["alt"] = draw(safe_text)
    optional = {
        "sources": st.lists(
            ids
            | st.fixed_dictionaries(
                {
                    "title": safe_text,
                    "author": safe_text,
                    "url": st.sampled_from(["https://example.org/w", "http://a.b/c"]),
                    "license": st.sampled_from(sorted(LICENSES)),
                }
            ),
            max_size=4,
        ),
        "description": safe_text,
        "tags": st.lists(st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,39}\Z"), max_size=5, unique=True),
        "collaboration": ids,
        "poster": file_names,
        "captions": file_names,
        "transcript": file_names,
        "explicit": st.booleans(),
        "withdrawn": st.fixed_dictionaries(
            {"date": st.dates(min_value=dt.date(1, 1, 1)).map(str), "reason": safe_text}
        ),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            d[name] = draw(strategy)
    return d


def expected_record(rid: str, d: dict) -> Record:
    def src(v):
        if isinstance(v, str):
            return RecordSource(v, 0)
        return OutsideSource(v["title"], v["author"], v["url"], v["license"], 0)

    w = d.get("withdrawn")
    return Record(
        id=rid,
        title=d["title"],
        type=d["type"],
        file=d["file"],
        contributors=tuple(
            Contributor(c["handle"], c["role"], c.get("name")) for c in d["contributors"]
        ),
        license=d["license"],
        created=dt.date.fromisoformat(d["created"]),
        kind=d["kind"],
        alt=d.get("alt"),
        sources=tuple(src(v) for v in d.get("sources", ())),
        description=d.get("description", ""),
        tags=tuple(d.get("tags", ())),
        collaboration=d.get("collaboration"),
        poster=d.get("poster"),
        captions=d.get("captions"),
        transcript=d.get("transcript"),
        explicit=d.get("explicit", False),
        withdrawn=Withdrawal(dt.date.fromisoformat(w["date"]), w["reason"]) if w else None,
    )


def strip_lines(record: Record) -> Record:
    def fix(src):
        if isinstance(src, RecordSource):
            return RecordSource(src.id, 0)
        return OutsideSource(src.title, src.author, src.url, src.license, 0)

    return Record(
        **{
            **record.__dict__,
            "sources": tuple(fix(x) for x in record.sources),
            "lines": MappingProxyType({}),
        }
    )


@PROPS
@given(valid_records(), st.booleans())
def test_valid_record_round_trips_all_fields(d, as_block):
    import yaml

    text = yaml.safe_dump(d, allow_unicode=True, sort_keys=False) if as_block else to_yaml(d)
    root, issues = parse_yaml(text)
    assert issues == []
    record, problems = check_read(root)
    assert problems == [], problems
    assert strip_lines(record) == expected_record(RID, d)
    # every field knows its line
    for name in d:
        assert record.line_of(name) >= 1


# --- sniff ---------------------------------------------------------------------------------------


def check_sniff(data: bytes) -> None:
    fmt = sniff.sniff(data)
    assert fmt.name in sniff.FORMATS
    fmt2 = sniff.sniff(data, frozenset({"vide", "soun"}) if data[:1] == b"\x00" else frozenset())
    assert fmt2.name in sniff.FORMATS
    for f in (fmt, fmt2, *sniff.FORMATS.values()):
        dims = sniff.image_size(f, data)
        assert dims is None or (
            len(dims) == 2 and all(isinstance(x, int) and x >= 0 for x in dims)
        ), dims
    reason = sniff.text_problem(data)
    assert reason is None or isinstance(reason, str)
    if reason is None:
        assert b"\x00" not in data
    sniff.is_lfs_pointer(data)


HEADERS = [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11\x08\x00\x10\x00\x20",
    b"\xff\xd8\xff\xe1\x00\x08Exif\x00\x00\xff\xff\xdb\x00\x04\x00\x00\xff\xc2\x00\x0b\x08\x00\x10\x00\x10\x01",
    b"GIF89a\x10\x00\x10\x00\x80\x00\x00",
    b"GIF87a",
    b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x10\x00\x10\x00",
    b"RIFF\x24\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x0f\xc0\x03\x00",
    b"RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x0f\x00\x00\x0f\x00\x00",
    b"RIFF\x24\x00\x00\x00WAVEfmt ",
    b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis",
    b"ID3\x04\x00\x00\x00\x00\x00\x10",
    b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    b"\x00\x00\x00\x08moov",
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm",
    b"fLaC\x00\x00\x00\x22",
    b"<svg xmlns='http://www.w3.org/2000/svg'>",
    b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n",
    b"version https://git-lfs.github.com/spec/v1\noid sha256:",
    b"BM" + b"\x00" * 12 + b"\x28" + b"\x00" * 11,
]


@st.composite
def mutated_headers(draw) -> bytes:
    head = draw(st.sampled_from(HEADERS))
    cut = draw(st.integers(0, len(head)))
    data = bytearray(head[:cut] if draw(st.booleans()) else head)
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data) + draw(st.binary(max_size=64))


WEBP_VP8L_SHORT = b"RIFF\x00\x00\x00\x00WEBPVP8L"


@PROPS
@given(st.binary(max_size=2048) | mutated_headers())
@example(WEBP_VP8L_SHORT)  # was an IndexError in sniff._webp_size (truncated VP8L header)
def test_sniff_never_raises(data):
    check_sniff(data)


@PROPS
@given(st.sampled_from(HEADERS[:4] + HEADERS[5:8]))
def test_image_size_of_real_headers(head):
    fmt = sniff.sniff(head)
    assert fmt.kind == "image"
    dims = sniff.image_size(fmt, head)
    assert dims is not None and dims[0] > 0 and dims[1] > 0


# --- whole archives on disk ----------------------------------------------------------------------

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c51a1c1c0c0c0c4c0c0c0c0c0000011aa016c79c676260000000049454e44ae426082"
)  # 2×2 RGB

bad_name_bytes = st.binary(min_size=1, max_size=24).filter(
    lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")
)
text_names = st.text(min_size=1, max_size=20).filter(
    lambda n: "/" not in n and "\x00" not in n and n not in (".", "..") and len(n.encode()) <= 255
)
folder_names = st.one_of(
    ids.map(str.encode),
    text_names.map(lambda n: n.encode()),
    bad_name_bytes,
    st.sampled_from([b"con", b"-x", b"ABC", b"abc", b"README.md", b".gitkeep", b"a\xcc\x81bc"]),
)
media_names = st.one_of(
    st.sampled_from(
        [
            b"poem.md",
            b"a.png",
            b"a.jpg",
            b"a.webp",
            b"a.gif",
            b"a.mp4",
            b"a.mp3",
            b"a.vtt",
            b"a.txt",
            b"A.png",
        ]
    ),
    text_names.map(lambda n: n.encode()),
    bad_name_bytes,
)
media_bytes = st.one_of(
    st.binary(max_size=256),
    mutated_headers(),
    st.just(TINY_PNG),
    st.just(b""),
    st.just(b"hello\n"),
    st.just(WEBP_VP8L_SHORT[:0] + b"WEBVTT\n"),
)


@st.composite
def record_yaml_bytes(draw, file_name: bytes) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=512))
    if choice == 1:
        return draw(yaml_texts).encode("utf-8", "surrogatepass")
    rtype = draw(st.sampled_from(RECORD_TYPES))
    name = (
        file_name.decode("utf-8", "replace")
        if draw(st.integers(0, 5))
        else draw(st.text(min_size=250, max_size=300))
    )
    d = valid_base(type=rtype, file=name, alt="a picture")
    if choice == 3:
        field = draw(st.sampled_from(["poster", "captions", "transcript", "file"]))
        d[field] = name
    return to_yaml(d).encode()


def write_bytes(path: bytes, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


SPECIAL_ENTRIES = st.sampled_from(
    [
        ("symlink", b"../../mkdocs.yml"),
        ("symlink", b"/etc/passwd"),
        ("symlink", b"record.yaml"),
        ("symlink", b"loop"),
        ("symlink", b"."),
        ("fifo",),
        ("dir",),
    ]
)
page_bytes = st.one_of(
    st.binary(max_size=200),
    yaml_texts.map(lambda t: b"---\n" + t.encode() + b"\n---\nBody\n"),
    st.just(b"---\ntitle: Night\nstatus: open\ndeadline: 2024-02-30\n---\nGo\n"),
    st.just(b"---\nname: Ana\nlinks: [javascript:x, https://a.org]\navatar: ../../x.png\n---\n"),
)


@st.composite
def disk_archives(draw):
    """records/ as [(folder name, {file name: bytes | special entry})], content/ pages,
    mkdocs.yml bytes."""
    folders = []
    for _ in range(draw(st.integers(1, 3))):
        folder = draw(folder_names)
        files = {}
        media = draw(media_names)
        if draw(st.integers(0, 5)):
            files[b"record.yaml"] = draw(record_yaml_bytes(media))
        files[media] = (
            draw(media_bytes | SPECIAL_ENTRIES)
            if draw(st.integers(0, 4)) == 0
            else draw(media_bytes)
        )
        for extra in draw(st.lists(media_names | st.just(b"record.yaml"), max_size=2)):
            files.setdefault(extra, draw(media_bytes | SPECIAL_ENTRIES))
        if draw(st.integers(0, 9)) == 0:
            files = draw(
                SPECIAL_ENTRIES
            )  # the record folder itself is a link, a FIFO or a plain folder
        folders.append((folder, files))
    pages = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["people", "collaborations"]),
                st.one_of(ids, st.sampled_from(["Ana", "-x", "con", "a b"])).map(
                    lambda n: n.encode() + b".md"
                ),
                page_bytes,
            ),
            max_size=3,
        )
    )
    config = draw(
        st.none()
        | st.binary(max_size=200)
        | yaml_texts.map(str.encode)
        | st.just(
            b"plugins:\n  - showcase:\n"
            b"      licenses: [CC-BY-4.0, GPL]\n      max_megapixels: nan\n"
        )
    )
    return folders, pages, config


def make_entry(path: bytes, what) -> None:
    if isinstance(what, bytes):
        write_bytes(path, what)
    elif what[0] == "symlink":
        os.symlink(what[1], path)
    elif what[0] == "fifo":
        os.mkfifo(path)
    else:
        os.makedirs(path, exist_ok=True)


def materialise(root: Path, folders, pages, config) -> None:
    base = os.fsencode(root / "records")
    os.makedirs(base, exist_ok=True)
    for folder, files in folders:
        target = os.path.join(base, folder)
        if os.path.lexists(target) and not os.path.isdir(target):
            continue
        try:
            if isinstance(files, tuple):
                make_entry(target, files)
                continue
            os.makedirs(target, exist_ok=True)
        except OSError:
            continue  # e.g. a name too long for this file system: not an input the archive can hold
        for name, data in files.items():
            try:
                make_entry(os.path.join(target, name), data)
            except OSError:
                continue
    for sub, name, data in pages:
        folder = os.fsencode(root / "content" / sub)
        os.makedirs(folder, exist_ok=True)
        write_bytes(os.path.join(folder, name), data)
    if config is not None:
        write_bytes(os.fsencode(root / "mkdocs.yml"), config)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("props")


def fresh(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


@DISK
@given(archive=disk_archives())
# Found by this test; minimal: a file whose name is not UTF-8 in a record folder.
@example(
    archive=(
        [
            (
                b"abc",
                {
                    b"record.yaml": to_yaml(valid_base()).encode(),
                    b"poem.md": b"hi\n",
                    b"\xff": b"x",
                },
            )
        ],
        [],
        None,
    )
)
@example(
    archive=(
        [(b"abc", {b"record.yaml": to_yaml(valid_base(file="a" * 300 + ".md")).encode()})],
        [],
        None,
    )
)
# Found by this test: record.yaml is a folder (Python will not wrap a folder's descriptor).
@example(archive=([(b"000", {b"poem.md": b"", b"record.yaml": ("dir",)})], [], None))
def test_check_archive_on_arbitrary_bytes_never_raises(scratch, archive):
    folders, pages, config = archive
    root = fresh(scratch)
    try:
        materialise(root, folders, pages, config)
        report, loaded = check_archive(root)
        assert_report_ok(report)
        assert_problems_ok(loaded.problems)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@DISK
@given(
    rtype=st.sampled_from(RECORD_TYPES),
    field=st.sampled_from(["file", "poster", "captions", "transcript"]),
    data=media_bytes,
    name=st.sampled_from(["a.png", "a.jpg", "a.webp", "a.gif", "a.md", "a.vtt", "a.mp4", "a.mp3"]),
)
@example(rtype="image", field="file", data=WEBP_VP8L_SHORT, name="a.webp")  # was an IndexError
def test_check_archive_on_arbitrary_media_never_raises(scratch, rtype, field, data, name):
    root = fresh(scratch)
    try:
        folder = root / "records" / "abc"
        folder.mkdir(parents=True)
        d = valid_base(type=rtype, file="main.md" if field != "file" else name, alt="x")
        if field != "file":
            d[field] = name
            (folder / "main.md").write_bytes(b"hi\n")
            d["type"] = "text"
        (folder / "record.yaml").write_text(to_yaml(d))
        (folder / name).write_bytes(data)
        report, _ = check_archive(root)
        assert_report_ok(report)
        if report.problems:
            assert all(p.record == "abc" for p in report.problems)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize(
    "rtype,name,data",
    [
        ("image", "a.png", TINY_PNG),
        ("text", "a.md", b"# Hi\n"),
        ("text", "a.txt", "Ünïcode ✓\n".encode()),
    ],
)
def test_clean_records_check_clean(scratch, rtype, name, data):
    """The media the properties above mutate is itself accepted: a failure here means the corpus
    is wrong."""
    root = fresh(scratch)
    folder = root / "records" / "abc"
    folder.mkdir(parents=True)
    (folder / "record.yaml").write_text(
        to_yaml(valid_base(type=rtype, file=name, alt="Two orange pixels"))
    )
    (folder / name).write_bytes(data)
    report, _ = check_archive(root)
    assert report.problems == []


def test_long_file_name_in_record_yaml_is_a_problem_not_a_crash(scratch):
    root = fresh(scratch)
    folder = root / "records" / "abc"
    folder.mkdir(parents=True)
    (folder / "record.yaml").write_text(to_yaml(valid_base(file="a" * 300 + ".md")))
    report, _ = check_archive(root)
    assert_report_ok(report)
    assert report.problems and all(p.record == "abc" for p in report.problems)


# --- remix graphs and licenses over whole archives -----------------------------------------------

NODE_IDS = [f"rec-{i:02d}" for i in range(12)]
UNKNOWN_IDS = ["ghost-one", "ghost-two"]


def has_cycle(nodes, edges: dict[str, tuple[str, ...]]) -> bool:
    """Iterative three-colour DFS, independent of graph.py's Tarjan."""
    colour = dict.fromkeys(nodes, 0)
    for start in nodes:
        if colour[start]:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            for child in it:
                if child not in colour:
                    continue
                if colour[child] == 1:
                    return True
                if colour[child] == 0:
                    colour[child] = 1
                    stack.append((child, iter(edges.get(child, ()))))
                    break
            else:
                colour[node] = 2
                stack.pop()
    return False


def reach(start: str, edges) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 10))
    nodes = NODE_IDS[:n]
    dag = draw(st.booleans())
    edges = {}
    for i, node in enumerate(nodes):
        pool = nodes[:i] if dag else nodes
        targets = draw(
            st.lists(
                st.sampled_from(pool + UNKNOWN_IDS) if pool else st.sampled_from(UNKNOWN_IDS),
                max_size=4,
            )
        )
        edges[node] = tuple(targets)
    return nodes, edges


def minimal_record(rid: str, sources=(), license_: str = "CC-BY-4.0") -> Record:
    return Record(
        id=rid,
        title=rid,
        type="text",
        file="poem.md",
        contributors=(Contributor("ana", "writer"),),
        license=license_,
        created=dt.date(2024, 1, 1),
        sources=tuple(RecordSource(x, i + 2) for i, x in enumerate(sources)),
    )


@PROPS
@given(graphs())
def test_remix_graph_properties(g):
    nodes, raw = g
    graph = RemixGraph.of(Archive.of([minimal_record(n, raw[n]) for n in nodes]))
    edges = {n: tuple(dict.fromkeys(x for x in raw[n] if x in nodes)) for n in nodes}
    assert dict(graph.sources) == edges
    for n in nodes:
        anc = graph.ancestors(n)
        assert n not in anc
        assert len(anc) == len(set(anc))
        assert set(anc) == reach(n, edges) - {n}
        desc = graph.descendants(n)
        assert n not in desc
        for other in nodes:
            assert (other in desc) == (n in graph.ancestors(other))
    loops = graph.cycles()
    assert bool(loops) == has_cycle(nodes, edges)
    members = set()
    for loop in loops:
        assert loop and loop[0] == min(loop) and len(set(loop)) == len(loop)
        for a, b in zip(loop, loop[1:] + loop[:1]):
            assert b in edges[a], (loop, a, b)
        assert not members & set(loop), "each strongly connected component yields one loop"
        members |= set(loop)
    # every node on some cycle is in a reported loop's component (reachable both ways)
    for n in nodes:
        if n in reach(n, edges):
            assert any(
                n in loop or (n in reach(loop[0], edges) and loop[0] in reach(n, edges))
                for loop in loops
            )
    some = set(nodes[::2])
    union = set().union(*(graph.descendants(x) for x in some)) if some else set()
    assert union <= graph.descendants_of_all(some) <= union | some


@PROPS
@given(st.integers(1, 3000))
def test_deep_lineages_do_not_recurse(depth):
    nodes = [f"n{i:05d}" for i in range(depth)]
    graph = RemixGraph.of(
        Archive.of([minimal_record(n, [nodes[i - 1]] if i else ()) for i, n in enumerate(nodes)])
    )
    assert len(graph.ancestors(nodes[-1])) == depth - 1
    assert graph.cycles() == []


def write_text_record(root: Path, rid: str, license_: str, sources=(), outside=()) -> None:
    folder = root / "records" / rid
    folder.mkdir(parents=True)
    d = valid_base(license=license_, title=rid)
    srcs = list(sources) + [
        {"title": f"Work {i}", "author": "Someone", "url": "https://example.org/w", "license": lic}
        for i, lic in enumerate(outside)
    ]
    if srcs:
        d["sources"] = srcs
    (folder / "record.yaml").write_text(to_yaml(d))
    (folder / "poem.md").write_text("A poem.\n")


licenses_any = st.sampled_from(list(DEFAULT_ALLOWED) * 3 + sorted(LICENSES) + ["MIT", "CC-BY-5.0"])


@DISK
@given(graphs(), st.lists(licenses_any, min_size=10, max_size=10), st.data())
def test_check_archive_on_random_graphs(scratch, g, licenses, data):
    nodes, edges = g
    root = fresh(scratch)
    try:
        for i, n in enumerate(nodes):
            write_text_record(root, n, licenses[i], edges[n])
        report, loaded = check_archive(root)
        assert_report_ok(report)
        by_code: dict[str, set] = {}
        for p in report.problems:
            assert p.record in nodes
            by_code.setdefault(p.code, set()).add(p.record)
        known = {n: tuple(x for x in edges[n] if x in nodes) for n in nodes}
        assert bool(by_code.get("remix-cycle")) == has_cycle(nodes, known)
        assert by_code.get("unknown-source", set()) == {
            n for n in nodes if set(edges[n]) & set(UNKNOWN_IDS)
        }
        assert by_code.get("duplicate-source", set()) == {
            n for n in nodes if len(set(edges[n])) < len(edges[n])
        }
        assert by_code.get("license-not-allowed", set()) == {
            n for i, n in enumerate(nodes) if licenses[i] not in DEFAULT_ALLOWED
        }

        # --changed never loses a problem of a changed record, nor a graph problem downstream of it
        changed = frozenset(data.draw(st.lists(st.sampled_from(nodes), max_size=3)))
        scoped, _ = check_archive(root, Changes(changed, frozenset(), frozenset(), ()))
        assert_report_ok(scoped)
        full, scoped_set = set(report.problems), set(scoped.problems)
        assert scoped_set <= full
        graph = RemixGraph.of(loaded.archive)
        downstream = graph.descendants_of_all(changed)
        for p in full:
            if p.record in changed or (p.record in downstream and p.code in GRAPH_CODES):
                assert p in scoped_set, p

        # A change that deletes a record others use: every user hears of it (SPEC §3), as
        # deleted-record.
        gone = data.draw(st.sampled_from(nodes))
        shutil.rmtree(root / "records" / gone)
        users = {n for n in nodes if n != gone and gone in edges[n]}
        after, _ = check_archive(
            root, Changes(changed - {gone}, frozenset({gone}), frozenset(), ())
        )
        assert_report_ok(after)
        told = {p.record for p in after.problems if p.code == "deleted-record"}
        assert told == users
        assert not any(p.code == "unknown-source" and gone in p.message for p in after.problems)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# An independent reading of the CC adaptation rules for one remix of direct sources.
def elements(spdx: str) -> set[str]:
    if spdx in ("CC0-1.0", "CC-PDDC"):
        return set()
    return set(spdx[3:].rsplit("-", 1)[0].split("-"))


def version(spdx: str) -> tuple[int, ...]:
    return tuple(int(x) for x in spdx.rsplit("-", 1)[1].split("."))


def cc_oracle(own: str, sources: list[str]) -> set[str]:
    """Every rule `own` breaks given direct `sources` (all known licenses)."""
    broken = set()
    mine = elements(own)
    sa = [x for x in sources if "SA" in elements(x)]
    nc = [x for x in sources if "NC" in elements(x)]
    if any("ND" in elements(x) for x in sources):
        broken.add("license-nd-source")
    if (
        len({frozenset(elements(x)) for x in sa}) > 1
        or any("NC" not in elements(x) for x in sa)
        and nc
    ):
        broken.add("license-conflict")
    for x in sa:
        if mine != elements(x) or version(own) < version(x):
            broken.add("license-sa-mismatch")
    if nc and "NC" not in mine:
        broken.add("license-nc-required")
    if any("BY" in elements(x) for x in sources) and not mine:
        broken.add("license-by-required")
    return broken


def test_cc_oracle_sanity():
    assert cc_oracle("CC-BY-4.0", ["CC-BY-ND-4.0"]) == {"license-nd-source"}
    assert cc_oracle("CC-BY-SA-4.0", ["CC-BY-SA-4.0"]) == set()
    assert cc_oracle("CC-BY-4.0", ["CC-BY-SA-4.0"]) == {"license-sa-mismatch"}
    assert cc_oracle("CC-BY-NC-4.0", ["CC-BY-NC-4.0"]) == set()
    assert cc_oracle("CC0-1.0", ["CC-BY-4.0"]) == {"license-by-required"}
    assert cc_oracle("CC-BY-NC-SA-4.0", ["CC-BY-SA-4.0", "CC-BY-NC-4.0"]) >= {"license-conflict"}
    assert cc_oracle("CC0-1.0", ["CC0-1.0", "CC-PDDC"]) == set()


known_licenses = st.sampled_from(list(DEFAULT_ALLOWED) * 4 + sorted(LICENSES))


@DISK
@given(
    known_licenses,
    st.lists(known_licenses, min_size=1, max_size=2),
    st.lists(known_licenses, max_size=1),
)
def test_license_problems_follow_the_cc_rules(own, record_sources, outside):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        parents = [f"src-{i}" for i in range(len(record_sources))]
        for rid, lic in zip(parents, record_sources):
            write_text_record(root, rid, lic)
        write_text_record(root, "the-remix", own, parents, outside)
        report, _ = check_archive(root)
        assert_report_ok(report)
        lineage = [p for p in report.problems if p.code in LINEAGE_CODES]
        assert all(p.record == "the-remix" for p in lineage), "leaf records break no lineage rule"
        broken = cc_oracle(own, record_sources + outside)
        verdict = judge_adaptation(
            lookup(own),
            [
                Inherited(f"'{i}'", lookup(lic), None)
                for i, lic in zip(parents + ["outside"], record_sources + outside)
            ],
        )
        assert bool(lineage) == bool(broken), (own, record_sources, outside, lineage)
        assert (verdict is None) == (not broken)
        if lineage:
            assert len(lineage) == 1
            assert lineage[0].code in broken
            assert lineage[0].code == verdict.code
            assert lineage[0].line == 5  # the `license:` line of the remix's record.yaml
        allowed_problems = {p.record for p in report.problems if p.code == "license-not-allowed"}
        expected = {
            rid
            for rid, lic in zip(parents + ["the-remix"], record_sources + [own])
            if lic not in DEFAULT_ALLOWED
        }
        assert allowed_problems == expected
