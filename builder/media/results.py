"""What a media job produces, as plain data stored in the cache's manifest.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import FixableError


class MediaError(FixableError):
    """A job failed for a reason the contributor can fix (corrupt file, unplayable stream).

    `message` names what is wrong, `fix` says how to fix it; the runner turns it into a
    problem on the record. Any other exception is a bug or an environment failure.
    """


@dataclass(frozen=True)
class Derivative:
    """One published file made from a record's media.

    Roles:
      original  the record's own file with all metadata removed (download)
      image     the main visual as responsive WebP; several, one per width (srcset)
      preview   the main visual as one JPEG (feeds, link previews)
      video     an H.264/AAC MP4 with faststart, made when the original is not web-playable
      audio     an MP3 for podcast apps, made when the original is not MP3/M4A (an M4A
                for raw AAC: the same stream, in a container podcast apps take)
      waveform  an SVG waveform of the audio
    The main visual is the photo, the video's poster frame, the audio's cover art (or a
    card when it has none), or the text's typographic card.
    """

    role: str
    file: str  # a file name inside the job's output folder
    mime: str
    width: int | None = None
    height: int | None = None
    bytes: int = 0


@dataclass(frozen=True)
class MediaInfo:
    derivatives: tuple[Derivative, ...]
    width: int | None = None  # of the original image or video (after EXIF orientation)
    height: int | None = None
    duration: float | None = None  # seconds, for audio and video
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["derivatives"] = [asdict(d) for d in self.derivatives]
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> MediaInfo:
        return MediaInfo(
            derivatives=tuple(Derivative(**d) for d in data["derivatives"]),
            width=data.get("width"),
            height=data.get("height"),
            duration=data.get("duration"),
            extra=data.get("extra", {}),
        )

    def by_role(self, role: str) -> list[Derivative]:
        return [d for d in self.derivatives if d.role == role]

    def fit(self, record_type: str) -> str:
        """How the main visual may fill a box of another shape (a grid's tile): what the
        recipe that made it said (extra["fit"]), else visual_fit's rule for the type."""
        said = self.extra.get("fit")
        return said if said in FITS else visual_fit(record_type)


# How a visual may fill a box of another shape. Photographs may be cropped (from the
# centre); a visual that may carry text is shown whole, letterboxed, since a crop would
# cut through its words: a text's card, an audio's card or cover art (album covers carry
# titles), a video's poster (titles, lower thirds, a production's title card).
COVER = "cover"
CONTAIN = "contain"
FITS = (COVER, CONTAIN)


def visual_fit(record_type: str) -> str:
    return COVER if record_type == "image" else CONTAIN
