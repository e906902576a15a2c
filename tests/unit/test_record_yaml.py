"""builder.core.record_yaml on plain data: no files, no subprocess.

The free-text round trip (titles, alt, names) and the quoting examples are in
tests/test_new.py ("the pure parts"); these tests add what it leaves out: every
field at once, the FILL ME placeholders matched against what check reports, the
license menu, the validators and the renderer's own read-back check.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core.licenses import DEFAULT_ALLOWED, LICENSES
from builder.core.record_yaml import (
    FILL_ME,
    Draft,
    handle_problem,
    id_problem,
    license_menu,
    license_problem,
    readback_problem,
    remix_rule,
    render_record_yaml,
    role_problem,
    text_problem,
    yaml_text,
)
from builder.core.schema import read_record
from builder.core.yamltree import parse_yaml

RID = "a-record"

free_text = (
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120)
    .map(str.strip)
    .filter(lambda s: s and text_problem("title", s) is None)
)
handles = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,38}\Z")
roles = st.from_regex(r"\A[a-z][a-z -]{0,39}\Z").map(str.strip)
files = st.sampled_from(
    ["a.jpg", "harbour-at-dawn.png", "voice-memo.m4a", "night-train.md", "clip.webm"]
)


@st.composite
def drafts(draw, complete: bool = False) -> Draft:
    """A draft with valid values; unless `complete`, any field possibly left to fill (None)."""

    def maybe(strategy):
        return draw(strategy if complete else st.none() | strategy)

    return Draft(
        id=RID,
        type=draw(st.sampled_from(["text", "image", "audio", "video"])),
        file=draw(files),
        created=draw(st.dates(min_value=dt.date(1, 1, 1))),
        title=maybe(free_text),
        license=maybe(st.sampled_from(DEFAULT_ALLOWED)),
        alt=maybe(free_text),
        handle=maybe(handles),
        role=maybe(roles),
        name=maybe(free_text.map(lambda s: s[:100].strip()).filter(bool)),
    )


def read_back(text: str):
    tree, issues = parse_yaml(text)
    assert issues == []
    return read_record(RID, tree, f"records/{RID}/record.yaml")


# --- the whole record -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(drafts())
def test_fill_me_fields_are_exactly_what_check_reports_missing(draft):
    text = render_record_yaml(draft, DEFAULT_ALLOWED)
    assert readback_problem(RID, text) is None
    _, problems = read_back(text)
    # check names each unfilled field by the same label `new` prints ("contributor handle").
    reported = {"alt" if p.code == "missing-alt" else p.message.split("`")[1] for p in problems}
    assert {p.code for p in problems} <= {"missing-field", "missing-alt"}
    assert reported == set(draft.unfilled())


@settings(max_examples=200, deadline=None)
@given(drafts(complete=True))
def test_every_given_value_reads_back_exactly(draft):
    record, problems = read_back(render_record_yaml(draft, DEFAULT_ALLOWED))
    assert problems == []
    contributor = record.contributors[0]
    assert (record.title, record.type, record.file, record.license, record.created) == (
        draft.title,
        draft.type,
        draft.file,
        draft.license,
        draft.created,
    )
    assert (contributor.handle, contributor.role, contributor.name) == (
        draft.handle,
        draft.role,
        draft.name,
    )
    assert record.alt == (draft.alt if draft.needs_alt else None)


def test_unfilled_lists_alt_only_for_what_is_seen_in_file_order():
    blank = dict(id=RID, file="x", created=dt.date(2024, 5, 1))
    everything = ["title", "alt", "contributor handle", "contributor role", "license"]
    assert Draft(type="video", **blank).unfilled() == everything
    assert Draft(type="audio", **blank).unfilled() == [f for f in everything if f != "alt"]
    assert (
        Draft(
            type="text", title="T", license="CC0-1.0", handle="ana", role="writer", **blank
        ).unfilled()
        == []
    )


def test_a_complete_draft_says_only_then_run_check():
    draft = Draft(
        id=RID,
        type="text",
        file="t.md",
        created=dt.date(2024, 5, 1),
        title="T",
        license="CC-BY-4.0",
        handle="ana",
        role="writer",
    )
    text = render_record_yaml(draft, DEFAULT_ALLOWED)
    assert FILL_ME not in text and "# Then run `showcase check`" in text
    assert "license: CC-BY-4.0  # anyone may remix it, crediting you\n" in text


# --- the license menu -------------------------------------------------------------------------


def test_every_known_license_has_a_rule_in_words():
    assert all(remix_rule(spdx) for spdx in LICENSES)
    assert remix_rule("MIT") == ""


def test_license_menu_aligns_the_rules_in_one_column():
    menu = license_menu(("CC0-1.0", "CC-BY-NC-SA-4.0"))
    assert menu == [
        "CC0-1.0          anyone may use and remix it, no credit required (public domain)",
        "CC-BY-NC-SA-4.0  non-commercial remixes, crediting you, under this same license",
    ]
    assert license_menu(()) == []


def test_a_license_without_a_rule_leaves_no_trailing_space_or_comment():
    draft = Draft(id=RID, type="text", file="t.md", created=dt.date(2024, 5, 1))
    assert "#   MIT\nlicense:\n" in render_record_yaml(draft, ("CC0-1.0", "MIT"))
    assert "license: MIT\n" in render_record_yaml(
        Draft(**{**draft.__dict__, "license": "MIT"}), ("MIT",)
    )


# --- judging values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, good, bad",
    [
        (
            id_problem,
            ["abc", "night-train", "a" * 64],
            ["ab", "-abc", "abc-", "Abc", "a_b_c", "a" * 65],
        ),
        (handle_problem, ["a", "ana_lima", "x-1"], ["", "Ana", "-ana", "a" * 40, "ana lima"]),
        (role_problem, ["writer", "sound engineer"], ["", "Writer", "1st", "r\u00f4le"]),
    ],
)
def test_validators(check, good, bad):
    assert [v for v in good if check(v)] == []
    assert all(isinstance(check(v), str) for v in bad)


def test_license_problem_names_what_the_archive_accepts():
    assert license_problem("CC0-1.0", ("CC0-1.0", "CC-BY-4.0")) is None
    assert (
        license_problem("cc0-1.0", ("CC0-1.0", "CC-BY-4.0"))
        == "this archive accepts: CC0-1.0, CC-BY-4.0"
    )


def test_text_problem_says_what_check_would_with_its_fix():
    assert text_problem("title", "Night Train") is None
    assert text_problem("title", "x" * 1000).endswith(")")


# --- the renderer's own check -----------------------------------------------------------------


def test_readback_problem_catches_text_that_is_not_a_record():
    assert readback_problem(RID, "title: a\ntitle: b\n").startswith(
        "could not write a valid record.yaml ("
    )
    bad_type = (
        "title: a\ntype: banana\nfile: a.jpg\ncontributors:\n  - {handle: ana, role: writer}\n"
        "license: CC0-1.0\ncreated: 2024-05-01\n"
    )
    assert "banana" in readback_problem(RID, bad_type)


# --- quoting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, written",
    [
        ("a\tb", '"a\\x09b"'),  # tabs are escaped, not written raw
        ("a\u2028b", '"a\\u2028b"'),  # a line separator would break the line
        ("\ufeffbom", '"\\ufeffbom"'),
        ("next\x85line", '"next\\x85line"'),
        ("emoji 🎬", "emoji 🎬"),  # astral letters are printable: written as they are
        ("back\\slash", "back\\slash"),
        ("", '""'),
    ],
)
def test_yaml_text_escapes_only_what_would_not_read_back(value, written):
    assert yaml_text(value) == written
