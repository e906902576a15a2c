"""One record folder on disk: its names, its files and what their bytes really are."""

from __future__ import annotations

import os
from pathlib import Path

from ..core import sniff
from ..core.markup import MarkupLimit, render_markdown
from ..core.model import Record
from ..core.names import case_collisions, unportable_reason
from ..core.problems import Problem, problem
from ..memo.verdicts import FileVerdicts
from .config import MB, ArchiveConfig
from .probe import NotRegular, bmff_info, case_twin, image_has_location, lstat_kind, read_bytes

TEXT_LIMIT = 2 * MB  # text, captions and transcripts are read whole


def check_names(folder: Path, rel: str, record: str | None) -> tuple[list[str], list[Problem]]:
    """The entries of a folder (no symlink followed) and problems with their names."""
    names = sorted(os.listdir(folder))
    out: list[Problem] = []
    for name in names:
        reason = unportable_reason(name)
        if reason:
            out.append(problem("unportable-name", f"{rel}/{name}", 1, f"the name {name!r} {reason}",
                               "rename it with plain lowercase letters, digits, - and _",
                               record if record is not None or rel != "records" else name))
    for first, second in case_collisions(names):
        out.append(problem("case-collision", f"{rel}/{second}", 1,
                           f"{second!r} and {first!r} differ only in upper/lower case",
                           "rename or remove one: on macOS and Windows they are the same file",
                           record if record is not None or rel != "records" else second))
    return names, out


def check_record_files(folder: Path, record: Record, names: list[str], config: ArchiveConfig,
                       verdicts: FileVerdicts | None = None) -> list[Problem]:
    """Named files exist, are plain files of the right content, and nothing else is there.
    With `verdicts`, a file that passed before and has not changed is not checked again."""
    out: list[Problem] = []
    named = record.named_files
    for name in names:
        if name != "record.yaml" and name not in named.values():
            kind = lstat_kind(folder / name)
            what = "folder" if kind == "folder" else "file"
            out.append(problem("extra-file", f"{record.folder}/{name}", 1,
                               f"the {what} {name!r} is not named in record.yaml",
                               "remove it, or name it in record.yaml (file, poster, captions, transcript)",
                               record.id))
    for field, name in named.items():
        if field == "file" and record.withdrawn is not None:
            continue  # a tombstone's media is gone on purpose
        if verdicts is None or (field == "file" and record.type == "text"):
            # A text is checked every time: it is rendered anyway (from the kept renders),
            # and rendering it here is what keeps its render for the pages.
            out.extend(_check_named(folder, record, field, name, config))
            continue
        context = f"{field} {record.type} {name} {config.max_file_size} {config.max_pixels}"
        out.extend(verdicts.check(folder / name, f"{record.folder}/{name}", context,
                                  lambda f=field, n=name: _check_named(folder, record, f, n, config)))
    return out


def _check_named(folder: Path, record: Record, field: str, name: str, config: ArchiveConfig) -> list[Problem]:
    line = record.line_of(field)

    def bad(code: str, message: str, fix: str) -> list[Problem]:
        return [problem(code, record.yaml_path, line, message, fix, record.id)]

    path = folder / name
    kind = lstat_kind(path)
    if kind is None:
        twin = case_twin(path)
        return bad("missing-file", f"`{field}` names {name!r}, which is not in {record.folder}/",
                   f"did you mean {twin!r}? Names are case-sensitive" if twin else
                   "add the file to the folder or correct the name (names are case-sensitive)")
    if kind == "symlink":
        return bad("symlink", f"{name!r} is a symbolic link", "replace the link with the file itself")
    if kind != "file":
        what = "special file (a FIFO, socket or device)" if kind == "special" else kind
        return bad("not-a-file", f"{name!r} is a {what}, not a regular file", "name a regular file")
    try:
        head, size = read_bytes(path, sniff.HEAD_BYTES)
    except NotRegular as exc:
        return bad("not-a-file", f"{name!r} cannot be read: {exc}", "name a regular, readable file")
    if size == 0:
        return bad("empty-file", f"{name!r} is empty (0 bytes)", "commit the real file")
    if sniff.is_lfs_pointer(head):
        return bad("lfs-pointer", f"{name!r} is a Git LFS pointer, not the media itself",
                   "commit the file without Git LFS (`git lfs untrack`, then add it again)")
    if size > config.max_file_size:
        return bad("file-too-large",
                   f"{name!r} is {_size(size)}, over the limit of {_size(config.max_file_size)}",
                   "export a smaller version (lower resolution or bitrate)")
    expected = {"file": record.type, "poster": "image", "captions": "captions", "transcript": "transcript"}[field]
    if expected in ("captions", "transcript"):
        return _check_timed_text(path, head, size, record, field, name, expected, bad)
    tracks = None
    if head[4:8] == b"ftyp" or head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        info = bmff_info(path)
        tracks = info.tracks
        if info.has_location:
            return bad("location-metadata", f"{name!r} carries the location where it was filmed",
                       "remove it: `ffmpeg -i IN -map_metadata -1 -c copy OUT`")
    fmt = sniff.sniff(head, tracks)
    if fmt.name == "binary" and expected == "text":
        return bad("bad-text", f"{name!r} {sniff.text_problem(head) or 'is not UTF-8 text'}",
                   "save it as UTF-8 text (Markdown or plain text)")
    if fmt.kind is None:
        return bad("unsupported-format", f"{name!r} is in a format that is not accepted: {fmt.label}",
                   fmt.advice)
    if fmt.kind != expected or (field == "file" and fmt.name == "webvtt"):
        return bad("wrong-media-type", f"{name!r} is declared as {_article(expected)} but its content is {fmt.label}",
                   f"use {_a_file(expected)} here, or set `type: {fmt.kind}`" if field == "file"
                   else f"`{field}` must name {_a_file(expected)}")
    ext = os.path.splitext(name)[1].lower()
    if fmt.extensions and ext not in fmt.extensions:
        return bad("extension-mismatch", f"{name!r} contains {fmt.label} but is named {ext or 'without extension'}",
                   f"rename it to end in {fmt.extensions[0]} (and update record.yaml)")
    if fmt.kind == "image":
        return _check_image(path, head, fmt, config, name, bad)
    if fmt.kind == "text":
        data, _ = read_bytes(path, TEXT_LIMIT + 1)
        if size > TEXT_LIMIT:
            return bad("file-too-large", f"{name!r} is over {TEXT_LIMIT // MB} MB of text", "split it into records")
        reason = sniff.text_problem(data)
        if reason:
            return bad("bad-text", f"{name!r} {reason}", "save it as UTF-8 text")
        try:
            render_markdown(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
        except MarkupLimit as exc:
            return bad("markdown-limit", f"{name!r} cannot be rendered safely: {exc.message}", exc.fix)
    return []


def _check_image(path: Path, head: bytes, fmt: sniff.Format, config: ArchiveConfig, name: str, bad) -> list[Problem]:
    dims = sniff.image_size(fmt, head)
    if dims is None or 0 in dims:
        return bad("corrupt-media", f"{name!r} has no readable {fmt.label} header",
                   "export the image again from your editor")
    width, height = dims
    if width * height > config.max_pixels:
        return bad("too-many-pixels",
                   f"{name!r} is {width}×{height} = {_pixels(width * height)}, "
                   f"over the limit of {_pixels(config.max_pixels)}",
                   "scale it down (a long side of 4000 px is plenty for the web)")
    located = image_has_location(path, head, config.max_pixels)
    if located is None:
        return bad("corrupt-media", f"{name!r} cannot be opened as {fmt.label}",
                   "export the image again from your editor")
    if located:
        return bad("location-metadata", f"{name!r} carries GPS coordinates of where it was taken",
                   "strip them, for example `exiftool -gps:all= FILE` or export without location")
    return []


def _check_timed_text(path: Path, head: bytes, size: int, record: Record, field: str, name: str,
                      expected: str, bad) -> list[Problem]:
    if size > TEXT_LIMIT:
        return bad("file-too-large", f"{name!r} is over {TEXT_LIMIT // MB} MB", "split or shorten it")
    data, _ = read_bytes(path, TEXT_LIMIT)
    reason = sniff.text_problem(data)
    if reason:
        return bad("bad-text", f"{name!r} {reason}", "save it as UTF-8 text")
    fmt = sniff.sniff(head)
    if expected == "captions" and fmt.name != "webvtt":
        return bad("bad-text", f"{name!r} is not WebVTT (it must start with the line WEBVTT)",
                   "export captions as .vtt (WebVTT); convert SRT with `ffmpeg -i in.srt out.vtt`")
    if fmt.name == "svg":
        return bad("unsupported-format", f"{name!r} is an SVG image, not a transcript",
                   "give the transcript as text, WebVTT or SRT")
    return []


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def _pixels(n: int) -> str:
    return f"{n / 1e6:.1f} megapixels" if n >= 100_000 else f"{n} pixels"


def _a_file(kind: str) -> str:
    return {"image": "an image file", "audio": "an audio file", "video": "a video file",
            "text": "a text file"}.get(kind, kind)


def _article(kind: str) -> str:
    return {"image": "an image", "audio": "audio", "video": "a video", "text": "a text",
            "captions": "WebVTT captions", "transcript": "a transcript"}.get(kind, kind)
