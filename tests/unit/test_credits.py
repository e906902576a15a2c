"""Credits and lineage text from plain data."""

import csv
import datetime as dt
import io

from builder.core.credits import credits_of, render_csv, render_roll
from builder.core.graph import RemixGraph
from builder.core.model import Archive, Contributor, OutsideSource, Record, RecordSource, Withdrawal
from builder.core.tree import render_tree


def rec(rid, people, sources=(), kind="contribution", withdrawn=False):
    return Record(id=rid, title=rid.title(), type="audio", file="a.mp3",
                  contributors=tuple(Contributor(h, r, n) for h, r, n in people), license="CC-BY-4.0",
                  created=dt.date(2024, 1, 1), kind=kind,
                  sources=tuple(s if isinstance(s, OutsideSource) else RecordSource(s, 1) for s in sources),
                  withdrawn=Withdrawal(dt.date(2024, 2, 1), "taken back") if withdrawn else None)


SEA = OutsideSource("Sea at night", "Bo Berg", "https://example.org/sea", "CC-BY-SA-3.0", 1)
ARCHIVE = Archive.of([
    rec("song", [("ana", "director", "Ana Lima"), ("cy", "composer", None)], ["loop", "poem"], kind="production"),
    rec("loop", [("cy", "performer", None)], ["field", SEA]),
    rec("poem", [("dee", "writer", "Dee =1+1")]),
    rec("field", [("eve", "sound-designer", "Eve"), ("ana", "editor", "Ana Lima")], withdrawn=True),
    rec("other", [("zed", "writer", "Zed")]),
])
GRAPH = RemixGraph.of(ARCHIVE)


def test_credits_are_the_union_of_the_ancestry_with_roles_and_records():
    c = credits_of(ARCHIVE, GRAPH, "song")
    got = {p.handle: (p.name, p.roles, [(r.id, r.roles) for r in p.records]) for p in c.people}
    assert got == {
        "ana": ("Ana Lima", ("director", "editor"), [("song", ("director",)), ("field", ("editor",))]),
        "cy": ("cy", ("composer", "performer"), [("song", ("composer",)), ("loop", ("performer",))]),
        "dee": ("Dee =1+1", ("writer",), [("poem", ("writer",))]),
        "eve": ("Eve", ("sound-designer",), [("field", ("sound-designer",))]),
    }
    assert [p.handle for p in c.people] == ["ana", "cy", "dee", "eve"]  # makers first, then outward
    assert [(o.title, o.used_by) for o in c.outside] == [("Sea at night", ("loop",))]
    assert c.to_json()["people"][3]["records"][0]["withdrawn"] is True


def test_roll_groups_by_role_and_csv_defuses_formulas():
    roll = render_roll(credits_of(ARCHIVE, GRAPH, "song"))
    assert roll.startswith("SONG\n\nDirector\n  Ana Lima  (song)\n")
    assert "Sound designer\n  Eve  (field (withdrawn))" in roll
    assert "“Sea at night” by Bo Berg, CC-BY-SA-3.0  (loop)" in roll
    csv_text = render_csv(credits_of(ARCHIVE, GRAPH, "poem"))
    assert csv_text == "name,handle,roles,records\nDee =1+1,dee,writer,poem\n"
    hostile = Archive.of([rec("x", [("m", "writer", "=HYPERLINK(\"http://evil\")")])])
    rows = list(csv.reader(io.StringIO(render_csv(credits_of(hostile, RemixGraph.of(hostile), "x")))))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"  # text, not a formula, in a spreadsheet


def test_tree_shows_both_directions_and_shared_ancestors_once():
    text = render_tree(ARCHIVE, GRAPH, "loop")
    assert text.splitlines() == [
        "loop — Loop (audio, CC-BY-4.0)",
        "├── uses",
        "│   ├── field — Field (audio, withdrawn, CC-BY-4.0)",
        "│   └── “Sea at night” by Bo Berg (outside work, CC-BY-SA-3.0)",
        "└── used by",
        "    └── song — Song (production, audio, CC-BY-4.0)",
    ]
    diamond = Archive.of([rec("a", []), rec("b", [], ["a"]), rec("c", [], ["a"]), rec("d", [], ["b", "c"])])
    lines = render_tree(diamond, RemixGraph.of(diamond), "d").splitlines()
    assert "│   │   └── a — A (audio, CC-BY-4.0)" in lines and "│       └── a (shown above)" in lines
