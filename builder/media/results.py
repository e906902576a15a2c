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
