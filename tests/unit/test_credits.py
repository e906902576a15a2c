"""Credits and lineage text from plain data."""

import csv
import datetime as dt
import io
import json

from builder.core.credits import credits_json_text, credits_of, render_csv, render_roll
from builder.core.graph import RemixGraph
from builder.core.model import Archive, Contributor, OutsideSource, Record, RecordSource, Withdrawal
from builder.core.tree import render_tree


def rec(rid, people, sources=(), kind="contribution", withdrawn=False):
    return Record(
        id=rid,
        title=rid.title(),
        type="audio",
        file="a.mp3",
        contributors=tuple(Contributor(h, r, n) for h, r, n in people),
        license="CC-BY-4.0",
        created=dt.date(2024, 1, 1),
        kind=kind,
        sources=tuple(s if isinstance(s, OutsideSource) else RecordSource(s, 1) for s in sources),
        withdrawn=Withdrawal(dt.date(2024, 2, 1), "taken back") if withdrawn else None,
    )


SEA = OutsideSource("Sea at night", "Bo Berg", "https://example.org/sea", "CC-BY-SA-3.0", 1)
ARCHIVE = Archive.of(
    [
        rec(
            "song",
            [("ana", "director", "Ana Lima"), ("cy", "composer", None)],
            ["loop", "poem"],
            kind="production",
        ),
        rec("loop", [("cy", "performer", None)], ["field", SEA]),
        rec("poem", [("dee", "writer", "Dee =1+1")]),
        rec(
            "field",
            [("eve", "sound-designer", "Eve"), ("ana", "editor", "Ana Lima")],
            withdrawn=True,
        ),
        rec("other", [("zed", "writer", "Zed")]),
    ]
)
GRAPH = RemixGraph.of(ARCHIVE)


def test_credits_are_the_union_of_the_ancestry_with_roles_and_records():
    c = credits_of(ARCHIVE, GRAPH, "song")
    got = {p.handle: (p.name, p.roles, [(r.id, r.roles) for r in p.records]) for p in c.people}
    assert got == {
        "ana": (
            "Ana Lima",
            ("director", "editor"),
            [("song", ("director",)), ("field", ("editor",))],
        ),
        "cy": (
            "cy",
            ("composer", "performer"),
            [("song", ("composer",)), ("loop", ("performer",))],
        ),
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
    hostile = Archive.of([rec("x", [("m", "writer", '=HYPERLINK("http://evil")')])])
    rows = list(
        csv.reader(io.StringIO(render_csv(credits_of(hostile, RemixGraph.of(hostile), "x"))))
    )
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'  # text, not a formula, in a spreadsheet


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
    diamond = Archive.of(
        [rec("a", []), rec("b", [], ["a"]), rec("c", [], ["a"]), rec("d", [], ["b", "c"])]
    )
    lines = render_tree(diamond, RemixGraph.of(diamond), "d").splitlines()
    assert (
        "│   │   └── a — A (audio, CC-BY-4.0)" in lines and "│       └── a (shown under b)" in lines
    )


# --- a production made from a timeline: usage, order by first appearance, the roll ------------

from fractions import Fraction as F  # noqa: E402

from builder.core.credits import roll_lines, used_line  # noqa: E402
from builder.timeline.model import Clip, Dissolve, Edit, Track, Where  # noqa: E402

W = Where(1, 1, "", 1)


def typed(rid, rtype, people, sources=(), kind="contribution", license="CC-BY-4.0"):
    return Record(
        id=rid,
        title=rid.replace("-", " ").title(),
        type=rtype,
        file="f",
        license=license,
        contributors=tuple(Contributor(h, r, n) for h, r, n in people),
        created=dt.date(2024, 1, 1),
        kind=kind,
        sources=tuple(RecordSource(s, 1) for s in sources),
    )


FILM = Archive.of(
    [
        typed(
            "film",
            "video",
            [("ana", "director", "Ana Lima"), ("ana", "editor", "Ana Lima")],
            ["street", "photo", "words", "song"],
            kind="production",
            license="CC-BY-SA-4.0",
        ),
        typed("street", "video", [("bo", "performer", "Bo")]),
        typed("photo", "image", [("cy", "photographer", "Cy")]),
        typed("words", "text", [("dee", "writer", "Dee")]),
        typed("song", "audio", [("eve", "composer", "Eve")], ["loop"], license="CC0-1.0"),
        typed("loop", "audio", [("fay", "musician", "Fay")]),
    ]
)


def film_edit() -> Edit:
    def c(rid, style, start, duration, source=0, head=0, tail=0):
        return Clip(rid, W, style, F(start), F(duration), F(source), F(head), F(tail))

    v1 = Track(
        "video",
        1,
        "V1",
        (
            c("street", "clip", 0, 10, 3, tail=1),
            Dissolve(W, F(10), F(1), F(1)),
            c("photo", "still", 10, 6, head=1),
        ),
        F(16),
    )
    v2 = Track("video", 2, "V2", (c("words", "lower-third", 2, 3),), F(5))  # its gap left out
    a1 = Track("audio", 3, "A1", (c("song", "sound", 0, 16, 30),), F(16))
    a2 = Track("audio", 4, "A2", (c("street", "sound", 0, 10, 3),), F(10))
    return Edit(F(25), (v1, v2, a1, a2), F(16))


def test_a_timeline_adds_usage_and_orders_people_by_first_appearance():
    credits = credits_of(FILM, RemixGraph.of(FILM), "film", film_edit())
    # ana made the film; eve and bo appear at 0:00 (composer before performer), dee at 0:02,
    # cy at 0:09 (the dissolve's reach), fay only through the lineage (song uses loop).
    assert [p.handle for p in credits.people] == ["ana", "eve", "bo", "dee", "cy", "fay"]
    assert [u.id for u in credits.used] == ["song", "street", "words", "photo"]
    data = credits.to_json()
    street = next(r for p in data["people"] for r in p["records"] if r["id"] == "street")
    # Seen 0-11 on V1 (dissolve included) and heard 0-10 on A2: 11 s, counted once.
    assert street["usage"] == {
        "seconds": 11.0,
        "spans": [
            {
                "track": 1,
                "kind": "video",
                "start": 0.0,
                "end": 11.0,
                "source_start": 3.0,
                "source_end": 14.0,
            },
            {
                "track": 4,
                "kind": "audio",
                "start": 0.0,
                "end": 10.0,
                "source_start": 3.0,
                "source_end": 13.0,
            },
        ],
    }
    fay = next(p for p in data["people"] if p["handle"] == "fay")
    assert "usage" not in fay["records"][0]  # the lineage credit, as before
    assert [used_line(u) for u in credits.used] == [
        "Song — 0:00–0:16 (16 s), music",
        "Street — 0:00–0:11 (11 s), footage",
        "Words — 0:02–0:05 (3 s), words",
        "Photo — 0:09–0:16 (7 s), image",
    ]
    assert render_roll(credits).startswith(
        "FILM\n\nIn the cut\n  song: Song — 0:00–0:16 (16 s), music\n"
    )
    rows = list(csv.reader(io.StringIO(render_csv(credits))))
    assert rows[0] == ["name", "handle", "roles", "records", "usage"]
    assert rows[3] == ["Bo", "bo", "performer", "street", "street=11@0-11"]
    assert rows[6] == ["Fay", "fay", "musician", "loop", ""]


def test_without_a_timeline_the_credits_are_unchanged():
    plain = credits_of(FILM, RemixGraph.of(FILM), "film")
    assert plain.used == () and "usage" not in json.dumps(plain.to_json())
    assert render_csv(plain).splitlines()[0] == "name,handle,roles,records"
    # by lineage step, as before
    assert [p.handle for p in plain.people] == ["ana", "bo", "cy", "dee", "eve", "fay"]


def test_the_roll_follows_the_conventional_sequence():
    lines = roll_lines(credits_of(FILM, RemixGraph.of(FILM), "film", film_edit()))
    headings = [text for style, text in lines if style == "heading"]
    assert lines[0] == ("title", "Film")
    assert headings == [
        "Director",
        "Writer",
        "Editor",
        "Performer",
        "Footage",
        "Images",
        "Words",
        "Music",
        "Composer",
        "Photographer",
        "Musician",
        "Licenses",
    ]
    music = lines.index(("heading", "Music"))
    # its artists: who composed it, and who played the loop it is made from
    assert lines[music + 1 : music + 3] == [("line", "“Song” by Eve, Fay"), ("small", "CC0-1.0")]
    assert lines[-2:] == [
        ("small", "“Film”: CC-BY-SA-4.0"),
        ("small", "Works used: CC0-1.0, CC-BY-4.0"),
    ]
    assert all(style in ("title", "heading", "line", "small", "space") for style, _ in lines)
    json.dumps(lines)  # the render job's parameters carry them


def test_the_catalogs_credits_text_is_the_json_of_the_credits():
    # credits_json_text writes catalog.json's credits from each record's own text: the same
    # bytes as encoding the whole of to_json(), with a cut's usage, outside works, a withdrawn
    # record, and names that JSON must escape.
    odd = Archive.of(
        [
            rec("mix", [("q", "writer", 'Q "the quote" \\ \n Ünï')], ["song", SEA]),
            *ARCHIVE.records.values(),
        ]
    )
    cases = [
        credits_of(odd, RemixGraph.of(odd), "mix"),
        credits_of(ARCHIVE, GRAPH, "song"),
        credits_of(ARCHIVE, GRAPH, "other"),
        credits_of(FILM, RemixGraph.of(FILM), "film", film_edit()),
    ]
    for credits in cases:
        expected = json.dumps(credits.to_json(), ensure_ascii=False, sort_keys=True)
        assert credits_json_text(credits) == expected
    assert '"usage"' in credits_json_text(cases[-1])


def test_credits_share_each_records_credit_but_not_a_cuts_usage():
    graph = RemixGraph.of(FILM)
    plain = credits_of(FILM, graph, "film")
    cut = credits_of(FILM, graph, "film", film_edit())
    song = credits_of(FILM, graph, "song")

    def loop(c):
        return next(r for p in c.people for r in p.records if r.id == "loop")

    assert loop(plain) is loop(song)  # made once for the graph
    street = next(r for p in cut.people for r in p.records if r.id == "street")
    assert street.usage is not None
    assert next(r for p in plain.people for r in p.records if r.id == "street").usage is None
