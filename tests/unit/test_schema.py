import datetime as dt

import pytest

from builder.core.model import OutsideSource, RecordSource, Withdrawal
from builder.core.schema import read_collaboration, read_person, read_record
from builder.core.yamltree import parse_yaml

PATH = "records/harbour/record.yaml"
GOOD = """\
title: Harbour at dawn
type: image
file: harbour.jpg
alt: Fishing boats in a grey harbour.
contributors:
  - {handle: ana, role: photographer, name: Ana Lima}
license: CC-BY-4.0
created: 2024-05-01
"""


def record(text, rid="harbour"):
    tree, issues = parse_yaml(text)
    assert issues == []
    return read_record(rid, tree, PATH)


def problems(text):
    return [(p.code, p.line) for p in record(text)[1]]


def test_a_valid_record_becomes_a_typed_record():
    rec, found = record(
        GOOD
        + (
            "tags: [sea, dawn]\nsources:\n  - nets\n"
            "  - {title: Sea, author: Bo, url: 'https://example.org/sea', license: CC-BY-SA-3.0}\n"
            "explicit: false\nkind: production\n"
        )
    )
    assert found == []
    assert rec.title == "Harbour at dawn" and rec.type == "image" and rec.kind == "production"
    assert rec.created == dt.date(2024, 5, 1)
    assert rec.contributors[0].name == "Ana Lima"
    assert rec.tags == ("sea", "dawn")
    assert rec.sources[0] == RecordSource("nets", 11)
    assert isinstance(rec.sources[1], OutsideSource) and rec.sources[1].license == "CC-BY-SA-3.0"
    assert rec.line_of("license") == 7 and rec.yaml_path == PATH


def test_title_no_stays_text():
    rec, found = record(GOOD.replace("Harbour at dawn", "NO"))
    assert found == [] and rec.title == "NO"


def test_every_problem_at_once_with_lines():
    text = (
        "titel: x\ntype: picture\nfile: a.jpg\ncontributors: ana\n"
        "license: CC-BY-4.0\ncreated: 2024-02-30\nexplicit: yes\n"
    )
    rec, found = record(text)
    assert rec is None
    got = [(p.code, p.line) for p in found]
    assert ("unknown-field", 1) in got and ("missing-field", 1) in got  # titel, and no title
    assert ("invalid-value", 2) in got and ("wrong-type", 4) in got
    assert ("bad-date", 6) in got and ("wrong-type", 7) in got
    assert "did you mean `title`?" in next(p.fix for p in found if p.code == "unknown-field")


@pytest.mark.parametrize(
    "value,code",
    [
        ("2024-13-01", "bad-date"),
        ("01/05/2024", "bad-date"),
        ("2023-02-29", "bad-date"),
        ("'2024-02-29'", None),
    ],
)
def test_dates_are_checked_as_dates(value, code):
    found = problems(GOOD.replace("2024-05-01", value))
    assert found == ([] if code is None else [(code, 8)])


def test_limits_and_hidden_characters():
    assert problems(GOOD.replace("Harbour at dawn", "x" * 201)) == [("too-long", 1)]
    assert problems(GOOD.replace("Harbour at dawn", '"Harbour \\u202e nwad"')) == [
        ("invalid-value", 1)
    ]


def test_missing_alt_only_for_visual_media():
    no_alt = GOOD.replace("alt: Fishing boats in a grey harbour.\n", "")
    assert problems(no_alt) == [("missing-alt", 3)]
    assert (
        problems(no_alt.replace("type: image", "type: audio").replace("harbour.jpg", "a.mp3")) == []
    )
    assert problems(GOOD.replace("Fishing boats in a grey harbour.", "''")) == [("missing-alt", 3)]


def test_file_names_stay_in_the_folder():
    for bad in ("../other/x.jpg", "/etc/passwd", "sub/x.jpg", "..", "record.yaml"):
        assert problems(GOOD.replace("harbour.jpg", f"'{bad}'")) == [("path-escape", 3)], bad


def test_withdrawn_record_needs_no_file_and_keeps_lineage_fields():
    text = (
        GOOD.replace("file: harbour.jpg\n", "")
        + "withdrawn: {date: 2024-06-01, reason: The author took it back.}\n"
    )
    rec, found = record(text)
    assert found == []
    assert rec.file is None and rec.withdrawn == Withdrawal(
        dt.date(2024, 6, 1), "The author took it back."
    )


def test_bad_contributors_sources_and_tags():
    text = GOOD + (
        "sources: [Not An Id, "
        "{title: X, author: Y, url: 'javascript:alert(1)', license: CC0-1.0}]\n"
        "tags: [Sea, ok]\n"
    )
    assert problems(text) == [("invalid-value", 9), ("invalid-value", 9), ("invalid-value", 10)]
    bad_handle = GOOD.replace("handle: ana", "handle: Ana Lima!")
    assert record(bad_handle)[0] is None and problems(bad_handle) == [("invalid-value", 6)]


def test_not_a_mapping_and_empty():
    tree, _ = parse_yaml("- a\n- b\n")
    assert [p.code for p in read_record("x", tree, PATH)[1]] == ["yaml-not-mapping"]
    assert [p.code for p in read_record("x", None, PATH)[1]] == ["yaml-not-mapping"]


def test_profiles_and_collaborations():
    tree, _ = parse_yaml(
        "\nname: Ana\nlinks: ['https://ana.example', 'ftp://x']\navatar: ../../etc/x.png\n"
    )
    person, found = read_person("ana", tree, "Bio", "content/people/ana.md")
    assert (
        person.name == "Ana" and person.links == ("https://ana.example",) and person.avatar is None
    )
    assert [(p.code, p.line) for p in found] == [
        ("path-escape", 4),
        ("invalid-value", 3),
    ] or sorted((p.code, p.line) for p in found) == [("invalid-value", 3), ("path-escape", 4)]
    tree, _ = parse_yaml("\ntitle: Night sounds\nstatus: open\ndeadline: 2025-01-31\n")
    collab, found = read_collaboration(
        "night-sounds", tree, "Record the night.", "content/collaborations/night-sounds.md"
    )
    assert (
        found == []
        and collab.deadline == dt.date(2025, 1, 31)
        and collab.prompt == "Record the night."
    )
    tree, _ = parse_yaml("\ntitle: X\nstatus: maybe\n")
    collab, found = read_collaboration("x", tree, "", "p.md")
    assert collab is None and [(p.code, p.line) for p in found] == [("invalid-value", 3)]
