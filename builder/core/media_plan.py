"""Which media derivatives each record needs, as data: the media edge runs these jobs.

Pure: from the model alone. A job's identity for the cache is its recipe, the
recipe version, its parameters and the bytes of its inputs (hashed by the edge).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from ..timeline.model import Edit, edit_to_json
from .credits import credits_of, roll_lines
from .graph import RemixGraph
from .model import Archive, Record

# Bump when the recipes' output changes for the same inputs: every cached result is redone.
RECIPE_VERSION = "2"
# A recipe whose own output changed bumps its own version: only its results are redone.
# audio 3: raw AAC (ADTS) gets an M4A for podcast apps, which take no .aac.
RECIPE_VERSIONS: dict[str, str] = {"audio": "3", "timeline": "1"}

Recipe = Literal["image", "video", "audio", "text", "timeline"]

# What a timeline's render encodes with (builder/media/render.py): part of every render job's
# parameters, so of its cache key. threads: x264's output changes with its thread count.
RENDER: dict[str, Any] = {
    "crf": 23,
    "preset": "veryfast",
    "threads": 2,
    "audio_bitrate": "160k",
    "mp3_bitrate": "160k",
    "sample_rate": 48000,
}
# A render may take job_seconds plus this many seconds per second of output.
RENDER_SECONDS_PER_SECOND = 10


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
    # Archive-relative paths; inputs[0] is the media, then the poster if any (a render: the
    # files of the records its cut uses, then the poster, named by the `poster` parameter).
    inputs: tuple[str, ...]
    params: tuple[tuple[str, Any], ...] = field(default=())
    line: int = 1  # the `file:` line in record.yaml, where a failure is reported

    @property
    def media(self) -> str:
        return self.inputs[0]

    @property
    def poster(self) -> str | None:
        if self.recipe == "timeline":
            return self.inputs[-1] if self.param("poster") else None
        return self.inputs[1] if len(self.inputs) > 1 else None

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)

    def time_limit(self, settings: MediaSettings) -> int:
        """Wall-clock seconds the job may take: a render's grows with the length it renders."""
        length = float(self.param("seconds") or 0) if self.recipe == "timeline" else 0.0
        return settings.job_seconds + math.ceil(RENDER_SECONDS_PER_SECOND * length)

    def fingerprint(self) -> str:
        """Everything but the input bytes that decides the output, canonically."""
        version = RECIPE_VERSIONS.get(self.recipe, RECIPE_VERSION)
        return json.dumps(
            [version, self.recipe, self.inputs, dict(self.params)],
            sort_keys=True,
            ensure_ascii=True,
        )


def plan_media(
    archive: Archive,
    settings: MediaSettings = MediaSettings(),
    max_pixels: int = 50_000_000,
    edits: Mapping[str, Edit] = MappingProxyType({}),
    max_jpeg_pixels: int = 250_000_000,
) -> list[MediaJob]:
    """One job per published record (a withdrawn record's media is not published); a record
    whose file is a timeline with its cut in `edits` (Loaded.edits) is rendered. The pixel
    limits are the archive's (ArchiveConfig), so that the build accepts what check accepts."""
    graph = RemixGraph.of(archive) if edits else None
    jobs = []
    for record in archive.records.values():
        edit = edits.get(record.id)
        if edit is not None and graph is not None:
            job = _timeline_job(archive, graph, record, edit, settings, max_pixels)
        else:
            job = _job(record, settings, max_pixels, max_jpeg_pixels)
        if job is not None:
            jobs.append(job)
    return jobs


def _timeline_job(
    archive: Archive,
    graph: RemixGraph,
    record: Record,
    edit: Edit,
    s: MediaSettings,
    max_pixels: int,
) -> MediaJob | None:
    """A render: inputs are the .otio, then the file of every record the cut uses (in
    edit.record_ids order, named in the `sources` parameter); the render settings, the roll's
    lines and the cut itself are parameters, so all of them are in the cache key."""
    if record.withdrawn is not None or record.file is None:
        return None
    # A record that is missing or withdrawn has no input: the render reports it by name.
    used = [
        archive.records[rid]
        for rid in edit.record_ids
        if rid in archive.records
        and archive.records[rid].file is not None
        and archive.records[rid].withdrawn is None
    ]
    rolled = record.type == "video" and edit.roll.enabled
    credits = credits_of(archive, graph, record.id, edit) if rolled else None
    roll = [list(line) for line in roll_lines(credits)] if credits is not None else []
    params: dict[str, Any] = {
        "widths": list(s.widths),
        "preview_width": s.preview_width,
        "webp_quality": s.webp_quality,
        "jpeg_quality": s.jpeg_quality,
        "max_pixels": max_pixels,
        "title": record.title,
        "credit": ", ".join(c.name or c.handle for c in record.contributors),
        "type": record.type,
        "edit": edit_to_json(edit),
        "render": dict(RENDER),
        "sources": [[r.id, r.type] for r in used],
        "roll": roll,
        "seconds": float(edit.duration + (edit.roll.seconds if rolled else 0)),
        # The record's own poster or cover art, as for an uploaded video or audio file.
        "poster": bool(record.poster),
    }
    poster = (f"{record.folder}/{record.poster}",) if record.poster else ()
    inputs = (f"{record.folder}/{record.file}", *(f"{r.folder}/{r.file}" for r in used), *poster)
    return MediaJob(
        record.id, "timeline", inputs, tuple(sorted(params.items())), record.line_of("file")
    )


def _job(
    record: Record, s: MediaSettings, max_pixels: int, max_jpeg_pixels: int
) -> MediaJob | None:
    if record.withdrawn is not None or record.file is None:
        return None
    if record.file.lower().endswith(".otio"):  # a timeline that could not be read: check says why
        return None
    inputs = [f"{record.folder}/{record.file}"]
    if record.poster and record.type in ("audio", "video"):
        inputs.append(f"{record.folder}/{record.poster}")
    params: dict[str, Any] = {
        "widths": list(s.widths),
        "preview_width": s.preview_width,
        "webp_quality": s.webp_quality,
        "jpeg_quality": s.jpeg_quality,
        "max_pixels": max_pixels,  # the archive's limit, so the build accepts what check accepts
    }
    if record.type == "image":  # a sequential JPEG's limit (images.decode_image)
        params["max_jpeg_pixels"] = max_jpeg_pixels
    if record.type in ("text", "audio"):
        # Cards show who made what: part of the output, so part of the cache key.
        params["title"] = record.title
        params["credit"] = ", ".join(c.name or c.handle for c in record.contributors)
    return MediaJob(
        record.id, record.type, tuple(inputs), tuple(sorted(params.items())), record.line_of("file")
    )
