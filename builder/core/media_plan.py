"""Which media derivatives each record needs, as data: the media edge runs these jobs.

Pure: from the model alone. A job's identity for the cache is its recipe, the
recipe version, its parameters and the bytes of its inputs (hashed by the edge).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import Archive, Record

# Bump when the recipes' output changes for the same inputs: every cached result is redone.
RECIPE_VERSION = "2"
# A recipe whose own output changed bumps its own version: only its results are redone.
# audio 3: raw AAC (ADTS) gets an M4A for podcast apps, which take no .aac.
RECIPE_VERSIONS: dict[str, str] = {"audio": "3"}

Recipe = Literal["image", "video", "audio", "text"]


@dataclass(frozen=True)
class MediaSettings:
    # Responsive WebP widths (srcset) and the JPEG for feeds and link previews. Beyond
    # decoding, output pixels decide the cost: WebP at 1600 px alone costs 2.6 full decodes.
    # Measured on 40 real photos, 2 cores (tests/benchmarks/bench_media.py): the whole set
    # costs 1.42-1.50x a plain decode with (400, 800), 1.54-1.65x with (480, 960). The
    # full-size view is the metadata-free original.
    widths: tuple[int, ...] = (400, 800)
    preview_width: int = 800
    webp_quality: int = 80
    jpeg_quality: int = 85
    job_seconds: int = 300  # wall-clock limit of one record's media job
    job_memory_mb: int = 2048  # address-space limit of each ffmpeg run


@dataclass(frozen=True)
class MediaJob:
    record_id: str
    recipe: Recipe
    inputs: tuple[str, ...]  # archive-relative paths; inputs[0] is the media, inputs[1] the poster if any
    params: tuple[tuple[str, Any], ...] = field(default=())
    line: int = 1  # the `file:` line in record.yaml, where a failure is reported

    @property
    def media(self) -> str:
        return self.inputs[0]

    @property
    def poster(self) -> str | None:
        return self.inputs[1] if len(self.inputs) > 1 else None

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)

    def fingerprint(self) -> str:
        """Everything but the input bytes that decides the output, canonically."""
        version = RECIPE_VERSIONS.get(self.recipe, RECIPE_VERSION)
        return json.dumps([version, self.recipe, self.inputs, dict(self.params)],
                          sort_keys=True, ensure_ascii=True)


def plan_media(archive: Archive, settings: MediaSettings = MediaSettings(),
               max_pixels: int = 50_000_000) -> list[MediaJob]:
    """One job per published record (a withdrawn record's media is not published)."""
    return [job for record in archive.records.values()
            if (job := _job(record, settings, max_pixels)) is not None]


def _job(record: Record, s: MediaSettings, max_pixels: int) -> MediaJob | None:
    if record.withdrawn is not None or record.file is None:
        return None
    inputs = [f"{record.folder}/{record.file}"]
    if record.poster and record.type in ("audio", "video"):
        inputs.append(f"{record.folder}/{record.poster}")
    params: dict[str, Any] = {
        "widths": list(s.widths), "preview_width": s.preview_width,
        "webp_quality": s.webp_quality, "jpeg_quality": s.jpeg_quality,
        "max_pixels": max_pixels,  # the archive's limit, so the build accepts what check accepts
    }
    if record.type in ("text", "audio"):
        # Cards show who made what: part of the output, so part of the cache key.
        params["title"] = record.title
        params["credit"] = ", ".join(c.name or c.handle for c in record.contributors)
    return MediaJob(record.id, record.type, tuple(inputs), tuple(sorted(params.items())), record.line_of("file"))
