"""`showcase new --timeline ID [ID ...]`: a production's first cut, for an editor to open.

    showcase new --timeline ID [ID ...] [--title T] [--id ID] [--license SPDX] [--alt TEXT]
                                        [--handle H] [--role R] [--name NAME] [--created DATE]

Lays the records out one after another: video records at their full length (measured
with ffprobe, never read from a file), images held as stills and text records as
title cards for a few seconds each, all on the first video track; the sound of the
video records on an audio track under their pictures; audio records one after another
on an audio track of their own. The timeline is written by OpenTimelineIO's own
serializer, so Kdenlive and DaVinci Resolve open it as they open their own exports,
and nobody hand-writes OpenTimelineIO JSON. record.yaml is `new`'s own (FILL ME for
what only a person can say), plus `kind: production` and every id in `sources`.

The layout is pure (records in, an OpenTimelineIO timeline out); the edge measures the
records, refuses ids that cannot be used (exit 2) and writes the folder in one rename.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..archive.config import read_config
from ..archive.identify import limits_of
from ..archive.inspect import Facts, Limits, inspect_file
from ..archive.load import load_archive
from ..core.model import Archive
from ..core.record_yaml import derive_id, render_record_yaml
from ..errors import CommandError
from ..new_record import (
    create_folder,
    draft_from_flags,
    parse_created,
    records_folder,
    refuse_existing,
    self_check,
)

if TYPE_CHECKING:
    import opentimelineio as otio

RATE = Fraction(25)  # the scaffold's frame rate: PAL, the demo's, exact in OpenTimelineIO's floats
SIZE = (1280, 720)
STILL_SECONDS = 5  # an image held on screen
CARD_SECONDS = 4  # a text record drawn as a title card
ROLL_SECONDS = 8  # the end-credits roll the render appends


# --- the layout (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One record to lay out, as measured."""

    record_id: str
    type: str  # text, image, audio or video
    title: str
    duration: Fraction | None = None  # audio and video: the real length, in seconds
    has_sound: bool = False  # a video with an audio stream

    def frames(self, rate: Fraction) -> int:
        """Whole frames the clip lasts: a recording's length rounded down, so that the trim
        stays inside the record."""
        if self.type == "image":
            return math.floor(STILL_SECONDS * rate)
        if self.type == "text":
            return math.floor(CARD_SECONDS * rate)
        assert self.duration is not None  # measured for audio and video
        return math.floor(self.duration * rate)


def production_type(pieces: list[Piece]) -> str:
    """`audio` when every piece is sound, else `video` (pictures need a picture)."""
    return "audio" if all(p.type == "audio" for p in pieces) else "video"


def layout(pieces: list[Piece], name: str, rate: Fraction = RATE) -> otio.schema.Timeline:
    """The timeline: pictures one after another on V1, the videos' sound under them on A1,
    audio records one after another on the next audio track."""
    import opentimelineio as otio

    timeline = otio.schema.Timeline(name=name)
    timeline.metadata["showcase"] = {
        "roll": {"enabled": True, "seconds": ROLL_SECONDS},
        "size": list(SIZE),
    }
    pictures = [p for p in pieces if p.type != "audio"]
    sounds = [p for p in pieces if p.type == "audio"]
    if pictures:
        video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
        for piece in pictures:
            video.append(_clip(otio, piece, rate))
        timeline.tracks.append(video)
    if any(p.has_sound for p in pictures):
        timeline.tracks.append(_video_sound(otio, pictures, rate))
    if sounds:
        audio = otio.schema.Track(
            name=f"A{len(timeline.audio_tracks()) + 1}", kind=otio.schema.TrackKind.Audio
        )
        for piece in sounds:
            audio.append(_clip(otio, piece, rate))
        timeline.tracks.append(audio)
    return timeline


def _video_sound(otio: ModuleType, pictures: list[Piece], rate: Fraction) -> otio.schema.Track:
    """The sound of each video under its picture; a gap under stills, cards and silent videos."""
    track = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    for piece in pictures:
        if piece.has_sound:
            track.append(_clip(otio, piece, rate))
        else:
            track.append(otio.schema.Gap(duration=_time(otio, piece.frames(rate), rate)))
    return track


def _clip(otio: ModuleType, piece: Piece, rate: Fraction) -> otio.schema.Clip:
    frames = piece.frames(rate)
    used = otio.opentime.TimeRange(_time(otio, 0, rate), _time(otio, frames, rate))
    available = None
    if piece.duration is not None:  # what the editor may extend the trim to
        available = otio.opentime.TimeRange(
            _time(otio, 0, rate), _time(otio, math.floor(piece.duration * rate), rate)
        )
    reference = otio.schema.ExternalReference(
        target_url=f"showcase:{piece.record_id}", available_range=available
    )
    clip = otio.schema.Clip(name=piece.title, media_reference=reference, source_range=used)
    if piece.type == "text":
        clip.metadata["showcase"] = {"style": "title"}
    elif piece.type == "image":
        clip.metadata["showcase"] = {"zoom": 1.05}  # a slow push in; 1.0 holds it still
    return clip


def _time(otio: ModuleType, frames: int, rate: Fraction) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, float(rate))


def production_yaml(text: str, sources: list[str]) -> str:
    """`new`'s record.yaml with what makes it a production: `kind` after `file`, `sources`
    before `created`."""
    lines = text.splitlines()
    at_file = next(i for i, line in enumerate(lines) if line.startswith("file: "))
    lines.insert(at_file + 1, "kind: production")
    at_created = next(i for i, line in enumerate(lines) if line.startswith("created: "))
    listed = [
        "# every record the timeline uses: the license rules cover them all",
        "sources:",
        *(f"  - {rid}" for rid in sources),
    ]
    lines[at_created:at_created] = listed
    return "\n".join(lines) + "\n"


# --- the edge: records, measuring, writing ----------------------------------------------------


class TimelineIds(argparse.Action):
    """`new --timeline ID ...`: keeps the ids and makes the command this module's."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        namespace.run = run_new_timeline


def run_new_timeline(args: argparse.Namespace, root: Path) -> int:
    if args.file is not None or args.type is not None or args.gps is not None:
        raise CommandError(
            "--timeline takes record ids only: leave out FILE, --type and the GPS options"
        )
    if getattr(args, "source", None):
        raise CommandError(
            "--timeline writes its sources itself (the records its clips use): leave out "
            "--source and name every record after --timeline"
        )
    records = records_folder(root)
    config, _ = read_config(root)
    created = parse_created(args.created)
    ids = list(dict.fromkeys(args.timeline))  # a record used twice is one source
    # The model only: the records used are measured below, the rest never read.
    archive = load_archive(root, inspect=lambda _: False).archive
    limits = limits_of(config)
    pieces = [_measure(root, archive, rid, limits) for rid in args.timeline]
    kind = production_type(pieces)
    draft = draft_from_flags(replace_args(args, file=None), kind, created, None, config)
    if args.id is None:
        draft = replace(draft, id=derive_id(args.title, f"{ids[0]}-timeline", kind, created))
    refuse_existing(records, draft.id)
    draft = replace(draft, file=f"{draft.id}.otio")
    text = production_yaml(render_record_yaml(draft, config.licenses), ids)
    self_check(draft.id, text)
    timeline = layout(pieces, draft.title or draft.id)

    def fill(folder: Path) -> None:
        import opentimelineio as otio

        otio_text = otio.core.serialize_json_to_string(timeline, indent=2) + "\n"
        (folder / draft.file).write_text(otio_text, encoding="utf-8")
        (folder / "record.yaml").write_text(text, encoding="utf-8")

    folder = create_folder(records, draft.id, fill)
    _report(root, folder, draft.file, pieces, timeline, draft.unfilled())
    return 0


def replace_args(args: argparse.Namespace, **changes) -> argparse.Namespace:  # noqa: ANN003
    return argparse.Namespace(**{**vars(args), **changes})


def _measure(root: Path, archive: Archive, record_id: str, limits: Limits) -> Piece:
    """The record as a piece of the cut; refuses (exit 2) what no timeline can use."""
    record = archive.records.get(record_id)
    if record is None:
        why = (
            "is unreadable: run `showcase check`"
            if record_id in archive.unreadable
            else "does not exist"
        )
        raise CommandError(f"record '{record_id}' {why}; nothing was created")
    if record.withdrawn is not None or record.file is None:
        raise CommandError(
            f"record '{record_id}' is withdrawn and cannot be used; nothing was created"
        )
    if record.file.lower().endswith(".otio"):
        raise CommandError(
            f"record '{record_id}' is a timeline itself: use the records it cuts "
            "together; nothing was created"
        )
    if record.type in ("image", "text"):
        return Piece(record_id, record.type, record.title)
    duration, sound = _probe(root / record.folder / record.file, record_id, limits)
    if math.floor(duration * RATE) < 1:
        raise CommandError(f"record '{record_id}' is shorter than one frame; nothing was created")
    return Piece(record_id, record.type, record.title, duration, sound)


def _probe(path: Path, record_id: str, limits: Limits) -> tuple[Fraction, bool]:
    """(duration in seconds, has an audio stream), from the inspection `check` runs: the
    duration exactly as check measures it, so that a trim of the whole recording passes."""
    found = inspect_file(path, path.name, None, limits)
    seconds = found.duration if isinstance(found, Facts) else None
    if seconds is None or seconds <= 0:
        why = found.message if not isinstance(found, Facts) else "no duration"
        raise CommandError(
            f"record '{record_id}': {path.name} cannot be measured "
            f"({why}): run `showcase check`; nothing was created"
        )
    return Fraction(str(seconds)), "audio" in found.streams


def _report(
    root: Path,
    folder: Path,
    file: str,
    pieces: list[Piece],
    timeline,  # noqa: ANN001
    unfilled: list[str],
) -> None:
    shown = folder.relative_to(root).as_posix()
    length = timeline.duration().to_seconds()
    print(
        f"Created {shown}/: {file} ({len(pieces)} clip{'s' if len(pieces) != 1 else ''}, "
        f"{length:.2f} s) and record.yaml"
    )
    for track in timeline.tracks:
        names = [c.media_reference.target_url.removeprefix("showcase:") for c in track.find_clips()]
        print(f"  {track.name}: {', '.join(names) if names else '(empty)'}")
    if unfilled:
        print(f"Fill in {', '.join(unfilled)} in {shown}/record.yaml (marked FILL ME).")
    preview = "preview.mp3" if all(p.type == "audio" for p in pieces) else "preview.mp4"
    print(
        f"Preview it: `showcase render {folder.name} --out {preview}`. To recut it, open "
        f"{file} in Kdenlive or DaVinci Resolve and relink its clips to the records' files; "
        "`showcase timeline import` brings the export back (see content/contribute.md)."
    )
