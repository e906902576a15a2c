"""The cut of a production as plain data: what the rules check, the renderer draws and the
credits measure. Built from an OpenTimelineIO timeline by read.py; nothing here imports it.

Times are exact seconds (`Fraction`): a frame at 30000/1001 fps must not drift, and two
clips that meet must meet exactly. They become floats only where they are printed or
published (`seconds()`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Literal

TrackKind = Literal["video", "audio"]
# How a clip's record is drawn. A video record plays ("clip"), an image is held ("still",
# with an optional slow zoom), a text record becomes a full-frame card ("title") or an
# overlay in the lower part of the frame ("lower-third"); on an audio track every clip
# is heard ("sound": an audio record, or the sound of a video record).
ClipStyle = Literal["clip", "still", "title", "lower-third", "sound"]

# Frame rates a timeline may use (NTSC rates as exact fractions).
RATES: tuple[Fraction, ...] = (
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
)


def seconds(value: Fraction) -> float:
    """A time as published (JSON, pages): seconds, to the millisecond."""
    return round(float(value), 3)


@dataclass(frozen=True)
class Where:
    """Where an item sits in the .otio file, for problems a contributor can find."""

    track: int  # 1-based, in the file's order of tracks
    index: int  # 1-based position of the item in its track (clips, gaps and transitions)
    name: str  # the item's name in the editor ("" when it has none)
    line: int  # line in the .otio file where the item starts


@dataclass(frozen=True)
class Clip:
    record_id: str  # from target_url "showcase:<id>"
    where: Where
    style: ClipStyle
    start: Fraction  # on the production's clock: where the clip's own range begins in its track
    duration: Fraction  # the clip's own length in the track (transitions not included)
    source_start: Fraction  # on the record's clock: where the clip's range begins in the record
    # Extra source time a dissolve reads before source_start (head) and after the clip's
    # end (tail): OpenTimelineIO's handles. Trims are checked with them included.
    head: Fraction = Fraction(0)
    tail: Fraction = Fraction(0)
    gain_db: float = 0.0  # sound only
    zoom: float = 1.0  # stills: the scale at the clip's end (1.0 = none; 1.1 = a slow push in)
    # Text records: the lines of the record's file the card shows (1-based, inclusive),
    # as a media clip's source range picks part of a recording; None: the whole text.
    lines: tuple[int, int] | None = None

    @property
    def end(self) -> Fraction:
        return self.start + self.duration

    @property
    def source_end(self) -> Fraction:
        return self.source_start + self.duration


@dataclass(frozen=True)
class Gap:
    where: Where
    start: Fraction
    duration: Fraction


@dataclass(frozen=True)
class Dissolve:
    """A cross-dissolve between the items before and after it on its track. Against a gap it
    is a fade: from black or silence (gap, dissolve, clip) or to it (clip, dissolve, gap)."""

    where: Where
    cut: Fraction  # the cut point on the production's clock, where the two items meet
    in_offset: Fraction  # how far the dissolve reaches before the cut
    out_offset: Fraction  # and after it

    @property
    def start(self) -> Fraction:
        return self.cut - self.in_offset

    @property
    def end(self) -> Fraction:
        return self.cut + self.out_offset


Item = Clip | Gap | Dissolve


@dataclass(frozen=True)
class Track:
    kind: TrackKind
    number: int  # 1-based, as Where.track
    name: str
    items: tuple[Item, ...]
    duration: Fraction  # OpenTimelineIO's track duration

    @property
    def clips(self) -> tuple[Clip, ...]:
        return tuple(i for i in self.items if isinstance(i, Clip))


@dataclass(frozen=True)
class Roll:
    """The end-credits roll the render appends (drawn from the production's credits)."""

    enabled: bool = True
    seconds: Fraction = Fraction(10)


@dataclass(frozen=True)
class Edit:
    rate: Fraction  # frames per second, one of RATES
    tracks: tuple[Track, ...]  # video tracks bottom-up, then audio tracks, in file order
    duration: Fraction  # OpenTimelineIO's timeline duration (the roll not included)
    roll: Roll = field(default_factory=Roll)
    name: str = ""
    # The picture's size for a video production (timeline metadata `showcase.size`).
    width: int = 1280
    height: int = 720

    @property
    def clips(self) -> tuple[Clip, ...]:
        return tuple(c for t in self.tracks for c in t.clips)

    @property
    def record_ids(self) -> tuple[str, ...]:
        """Every record the cut uses, in order of first appearance on the production's clock."""
        seen: dict[str, Fraction] = {}
        for clip in self.clips:
            seen[clip.record_id] = min(seen.get(clip.record_id, clip.start), clip.start)
        return tuple(sorted(seen, key=lambda rid: (seen[rid], rid)))

    def video_tracks(self) -> tuple[Track, ...]:
        return tuple(t for t in self.tracks if t.kind == "video")

    def audio_tracks(self) -> tuple[Track, ...]:
        return tuple(t for t in self.tracks if t.kind == "audio")


# --- as JSON: a render job carries its Edit to the worker, and the cache key holds it -----------


def edit_to_json(edit: Edit) -> dict:
    """The edit as JSON-able data, times as exact "num/den" strings (canonical: equal edits give
    equal JSON, so the media cache key of a render is stable)."""

    def convert(value):  # noqa: ANN001, ANN202 - any dataclass field
        if isinstance(value, Fraction):
            return f"{value.numerator}/{value.denominator}"
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value

    data = convert(asdict(edit))
    for track, source in zip(data["tracks"], edit.tracks):
        for item, original in zip(track["items"], source.items):
            item["type"] = type(original).__name__.lower()
    return data


def edit_from_json(data: dict) -> Edit:
    def frac(text: str) -> Fraction:
        return Fraction(text)

    def where(d: dict) -> Where:
        return Where(**d)

    def item(d: dict) -> Item:
        d = dict(d)
        kind = d.pop("type")
        w = where(d.pop("where"))
        if kind == "clip":
            return Clip(
                record_id=d["record_id"],
                where=w,
                style=d["style"],
                start=frac(d["start"]),
                duration=frac(d["duration"]),
                source_start=frac(d["source_start"]),
                head=frac(d["head"]),
                tail=frac(d["tail"]),
                gain_db=float(d["gain_db"]),
                zoom=float(d["zoom"]),
                lines=tuple(d["lines"]) if d.get("lines") else None,
            )
        if kind == "gap":
            return Gap(w, frac(d["start"]), frac(d["duration"]))
        return Dissolve(w, frac(d["cut"]), frac(d["in_offset"]), frac(d["out_offset"]))

    tracks = tuple(
        Track(
            t["kind"],
            t["number"],
            t["name"],
            tuple(item(i) for i in t["items"]),
            frac(t["duration"]),
        )
        for t in data["tracks"]
    )
    roll = Roll(bool(data["roll"]["enabled"]), frac(data["roll"]["seconds"]))
    return Edit(
        frac(data["rate"]),
        tracks,
        frac(data["duration"]),
        roll,
        data["name"],
        int(data["width"]),
        int(data["height"]),
    )
