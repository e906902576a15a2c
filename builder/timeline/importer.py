"""`showcase timeline import FILE --id ID`: an editor's timeline becomes a production record.

    showcase timeline import FILE --id ID [--rate FPS] [--title TITLE]

Editors export timelines whose clips point at local media files: the contributor edited
local copies of the records' files. This reads the export (OpenTimelineIO JSON from
Kdenlive or Resolve, a CMX 3600 EDL, FCP 7 XML from Premiere or Resolve), finds the record
behind each clip (by the sha256 of the file's bytes, else by its file name), re-points every
clip at `showcase:<record-id>` and writes `records/<ID>/` with the timeline and a record.yaml
whose `sources` are the records used. A clip that matches no record is listed with its track,
name and time, and nothing is written.

Importing is a local step: the EDL and FCP XML adapters are loaded here, by module, only
while a file is read; a build never imports them. No media linker and no plugin discovery
run: what an adapter is depends on the file's content, never on what is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from ..archive.load import load_archive
from ..core.record_yaml import Draft, id_problem, readback_problem, render_record_yaml, text_problem
from ..errors import CommandError
from ..new_record import create_folder, records_folder, refuse_existing
from .model import RATES, seconds

if TYPE_CHECKING:
    import opentimelineio as otio

MAX_BYTES = 50 * 1024 * 1024  # a timeline export is text: far larger is not one
SCHEME = "showcase:"
# EDL events: "001  REEL  V  C  src-in src-out rec-in rec-out" (the reel and channels vary).
_EDL_EVENT = re.compile(r"^\s*\d{1,6}\s+\S+\s+\S+\s+(C|D|W\d{3}|K\s?B?)\b", re.MULTILINE)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


# --- the command line -------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `timeline` command group (its first subcommand: `import`) to the CLI."""
    group = sub.add_parser(
        "timeline",
        parents=[common],
        help="timelines: import an editor's export",
        description="Work with productions made as timelines.",
    )
    commands = group.add_subparsers(dest="timeline_command", metavar="SUBCOMMAND", required=True)
    imp = commands.add_parser(
        "import",
        parents=[common],
        help="make a production record from an editor's timeline",
        description="Read FILE (OpenTimelineIO .otio, CMX 3600 EDL or FCP 7 XML), match each "
        "clip's media file to a record (by its bytes, else its file name) and write "
        "records/ID/ with the timeline and a record.yaml. Lists the clips that match "
        "no record and writes nothing (exit 1). Never overwrites.",
    )
    imp.add_argument("file", metavar="FILE", help="the timeline the editor exported")
    imp.add_argument("--id", required=True, help="the new record's id, its permanent address")
    imp.add_argument(
        "--rate",
        metavar="FPS",
        help="an EDL's frame rate (EDLs do not say it): 24, 25, 29.97, 30000/1001, ...",
    )
    imp.add_argument("--title", help="the production's title (default: FILL ME)")
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, root: Path) -> int:
    if why := id_problem(args.id):
        raise CommandError(f"--id {args.id!r}: {why}")
    if args.title is not None and (why := text_problem("title", args.title)):
        raise CommandError(f"--title: {why}")
    records_dir = records_folder(root)
    refuse_existing(records_dir, args.id)  # before any reading or hashing
    source = Path(args.file)
    timeline = read_timeline(source, _parse_rate(args.rate))
    clips = list(clip_refs(timeline, source.resolve().parent))
    if not clips:
        raise CommandError(f"{args.file}: the timeline holds no clips")
    loaded = load_archive(root, inspect=lambda _: False)
    index = RecordIndex(
        tuple(
            RecordFile(r.id, r.file, root / "records" / r.id / r.file)
            for r in loaded.archive.records.values()
            if r.file and not r.withdrawn
        )
    )
    matches = [match_clip(ref, index) for ref in clips]
    if any(m.record_id is None for m in matches):
        print(unmatched_report(args.file, clips, matches))
        return 1
    repoint(timeline, clips, matches)
    draft = Draft(
        id=args.id,
        type=production_type(timeline),
        file=f"{args.id}.otio",
        created=dt.date.today(),
        title=args.title,
    )
    used = records_used(clips, matches)
    yaml_text = production_yaml(draft, used, loaded.config.licenses)
    if why := readback_problem(args.id, yaml_text):
        raise CommandError(why)
    otio_text = timeline.to_json_string(indent=4) + "\n"  # OpenTimelineIO's own serializer

    def fill(folder: Path) -> None:
        (folder / draft.file).write_text(otio_text, encoding="utf-8")
        (folder / "record.yaml").write_text(yaml_text, encoding="utf-8")

    folder = create_folder(records_dir, args.id, fill)
    print(created_report(folder.relative_to(root).as_posix(), draft, clips, matches, used))
    return 0


def _parse_rate(value: str | None) -> Fraction | None:
    """--rate as one of the frame rates a timeline may use (29.97 means 30000/1001)."""
    if value is None:
        return None
    try:
        given = Fraction(value)
    except (ValueError, ZeroDivisionError):
        given = None
    near = [r for r in RATES if given is not None and abs(r - given) < Fraction(1, 100)]
    if not near:
        shown = ", ".join(f"{float(r):g}" for r in RATES)
        raise CommandError(f"--rate {value!r} is not a frame rate a timeline may use: {shown}")
    return near[0]


# --- reading the editor's file (the edge: the adapters live only here) ------------------------


def sniff_timeline(text: str) -> str | None:
    """Which reader a file needs, from its content: "otio_json", "fcp_xml", "cmx_3600" or None."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("{") and "OTIO_SCHEMA" in head:
        return "otio_json"
    if head.startswith("<") and "<xmeml" in head:
        return "fcp_xml"
    if _EDL_EVENT.search(text[:65536]) or head.startswith("TITLE:"):
        return "cmx_3600"
    return None


def read_timeline(path: Path, rate: Fraction | None) -> otio.schema.Timeline:
    """The editor's timeline as OpenTimelineIO objects; CommandError (one line) if it cannot be."""
    import opentimelineio as otio

    text = _read_text(path)
    kind = sniff_timeline(text)
    if kind is None:
        raise CommandError(f"{path}: not an OpenTimelineIO (.otio), CMX 3600 EDL or FCP 7 XML file")
    if kind == "cmx_3600" and rate is None:
        raise CommandError(
            f"{path}: an EDL does not say its frame rate: give it with --rate (e.g. 25)"
        )
    try:
        if kind == "otio_json":
            result = otio.adapters.otio_json.read_from_string(text)
        elif kind == "cmx_3600":
            result = _adapter("otio_cmx3600_adapter", "cmx_3600").read_from_string(
                text, rate=float(rate)
            )
        else:
            result = _adapter("otio_fcp_adapter", "fcp_xml").read_from_string(text)
    except CommandError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's, told in one line
        raise CommandError(
            f"{path}: could not read it as {_LABELS[kind]}: {type(exc).__name__}: "
            f"{_first_line(exc)}"
        ) from None
    if isinstance(result, otio.schema.SerializableCollection):  # FCP XML may hold several
        timelines = list(result.find_children(descended_from_type=otio.schema.Timeline))
        result = timelines[0] if len(timelines) == 1 else result
    if not isinstance(result, otio.schema.Timeline):
        raise CommandError(
            f"{path}: holds a {type(result).__name__}, not one timeline: export a single sequence"
        )
    return result


_LABELS = {"otio_json": "OpenTimelineIO JSON", "cmx_3600": "a CMX 3600 EDL", "fcp_xml": "FCP 7 XML"}


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def _read_text(path: Path) -> str:
    try:
        if not path.is_file():
            raise CommandError(f"{path}: " + ("not a file" if path.exists() else "no such file"))
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES >> 20} MB: not a timeline export")
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older EDLs: every byte is some character


def _adapter(package: str, module: str) -> Any:
    """An adapter module loaded by name from its package's folder, as OpenTimelineIO's own
    plugin loader does (fcp_xml imports `from .. import core`, so it runs as a submodule of
    opentimelineio.adapters), but without reading any plugin manifest from the environment."""
    name = f"opentimelineio.adapters.{module}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(
            f"the {package} package is missing: install the `editors` extra "
            "(pip install -c constraints.txt -e '.[editors]')"
        )
    location = Path(next(iter(spec.submodule_search_locations))) / f"{module}.py"
    module_spec = importlib.util.spec_from_file_location(name, location)
    loaded = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = loaded  # as an import would: loaded once, and visible as loaded
    try:
        module_spec.loader.exec_module(loaded)
    except BaseException:
        del sys.modules[name]
        raise
    return loaded


# --- the clips and where their media is -------------------------------------------------------


@dataclass(frozen=True)
class ClipRef:
    """One clip of the editor's timeline, with what it says about its media."""

    clip: Any  # the opentimelineio.schema.Clip, re-pointed in place once everything matched
    track: str  # as an editor labels it: V1, V2, A1, ...
    index: int  # 1-based position in its track (clips, gaps and transitions)
    name: str
    start: Fraction  # on the production's clock, in seconds
    timecode: str  # the same time as the editor shows it ("" when it has no timecode)
    url: str | None  # the media reference as the editor wrote it
    path: Path | None  # that file on this machine, if the reference names one here
    names: tuple[str, ...]  # file names to match by when the bytes do not decide


def clip_refs(timeline: otio.schema.Timeline, base: Path) -> Iterator[ClipRef]:
    """Every clip of every track, in file order; relative paths are relative to `base`."""
    import opentimelineio as otio

    start = timeline.global_start_time
    counts = {"Video": 0, "Audio": 0}
    for track in timeline.tracks:
        counts[track.kind] = counts.get(track.kind, 0) + 1
        label = f"{track.kind[:1]}{counts[track.kind]}"
        for index, item in enumerate(track, 1):
            nested = item.find_clips() if isinstance(item, otio.core.Composition) else ()
            for clip in [item] if isinstance(item, otio.schema.Clip) else nested:
                yield _clip_ref(clip, track, label, index, start, base)


def _clip_ref(clip: Any, track: Any, label: str, index: int, start: Any, base: Path) -> ClipRef:
    at = clip.transformed_time_range(clip.trimmed_range(), track).start_time
    url = _reference_url(clip)
    path = local_path(url, base) if url else None
    # Without a path (an EDL clip with no `FROM CLIP:`), its names are the file's.
    names = (
        (file_name(url),) if url else tuple(n for n in (clip.media_reference.name, clip.name) if n)
    )
    seconds_in = Fraction(at.to_seconds()).limit_denominator(10**6)
    return ClipRef(
        clip,
        label,
        index,
        clip.name,
        seconds_in,
        _timecode(at if start is None else at + start),
        url,
        path,
        names,
    )


def _reference_url(clip: Any) -> str | None:
    """The media the clip points at. For an EDL clip that a dissolve brings in, its `TO CLIP:`
    comment: the EDL adapter gives that clip the event's `FROM CLIP:`, the outgoing clip's file."""
    for comment in clip.metadata.get("cmx_3600", {}).get("comments", ()):
        if isinstance(comment, str) and comment.startswith("TO CLIP:"):
            return comment[len("TO CLIP:") :].strip() or None
    return getattr(clip.media_reference, "target_url", None) or None


def _timecode(time: Any) -> str:
    import opentimelineio as otio

    try:
        return otio.opentime.to_timecode(time, time.rate)
    except Exception:  # noqa: BLE001 - a rate timecode cannot show: the seconds still do
        return ""


def local_path(url: str, base: Path) -> Path | None:
    """The file `url` names on this machine, or None (another machine's drive, a web address)."""
    if url.startswith(SCHEME):
        return None
    if url.lower().startswith("file:"):
        parsed = urlparse(url)
        if parsed.netloc not in ("", "localhost"):
            return None
        text = url2pathname(unquote(parsed.path))
    elif _WINDOWS_PATH.match(url) or _URL_SCHEME.match(url):
        return None
    else:
        text = url
    path = Path(text)
    return path if path.is_absolute() else base / path


def file_name(url: str) -> str:
    """The last part of a path or URL, whichever slashes it uses ("C:\\cuts\\a.mp4" -> "a.mp4")."""
    text = urlparse(url).path if _URL_SCHEME.match(url) and not _WINDOWS_PATH.match(url) else url
    return unquote(text).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


# --- matching clips to records ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordFile:
    record_id: str
    name: str  # the record's `file`
    path: Path


@dataclass
class RecordIndex:
    """The archive's live records' files, each hashed at most once and only when a clip's
    file has the same size (equal bytes need equal sizes)."""

    files: tuple[RecordFile, ...]

    def __post_init__(self) -> None:
        self._digests: dict[Path, str | None] = {}
        self._sizes: dict[Path, int | None] | None = None

    def digest(self, path: Path) -> str | None:
        if path not in self._digests:
            self._digests[path] = sha256_of(path)
        return self._digests[path]

    def by_content(self, path: Path) -> list[str]:
        size = _size(path)
        if size is None:
            return []
        if self._sizes is None:  # looked up once, for the first clip whose file is here
            self._sizes = {f.path: _size(f.path) for f in self.files}
        same_size = [f for f in self.files if self._sizes[f.path] == size]
        wanted = self.digest(path) if same_size else None
        return [f.record_id for f in same_size if wanted and self.digest(f.path) == wanted]

    def ids(self) -> set[str]:
        return {f.record_id for f in self.files}


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Match:
    record_id: str | None
    how: str  # "content", "name" or "id"; for no match, why not


def match_clip(ref: ClipRef, index: RecordIndex) -> Match:
    """The record behind a clip: by its file's bytes, else by its file name."""
    if ref.url and ref.url.startswith(SCHEME):  # already points at a record
        rid = ref.url[len(SCHEME) :]
        return Match(rid, "id") if rid in index.ids() else Match(None, f"no live record {rid!r}")
    by_content = index.by_content(ref.path) if ref.path else []
    by_name = match_name(ref.names, index.files)
    if len(by_content) == 1:
        return Match(by_content[0], "content")
    if by_content:  # identical files in several records: the name decides between them
        among = [rid for rid in by_name if rid in by_content]
        return (
            Match(among[0], "content")
            if len(among) == 1
            else Match(None, "the same bytes are in several records: " + ", ".join(by_content))
        )
    if len(by_name) == 1:
        return Match(by_name[0], "name")
    if by_name:
        return Match(None, "its name fits several records: " + ", ".join(by_name))
    shown = ref.url or (ref.names[0] if ref.names else "(no media)")
    return Match(None, f"{shown} matches no record by content or by name")


def match_name(names: Iterable[str], files: Iterable[RecordFile]) -> list[str]:
    """Records whose file has this name, or whose id is its stem (letter case aside)."""
    files = tuple(files)
    for name in names:
        key, stem = name.casefold(), PurePath(name).stem.casefold()
        found = sorted(
            {f.record_id for f in files if f.name.casefold() == key or f.record_id == stem}
        )
        if found:
            return found
    return []


# --- the record ------------------------------------------------------------------------------


def repoint(timeline: otio.schema.Timeline, clips: list[ClipRef], matches: list[Match]) -> None:
    """Every clip now points at `showcase:<id>`, on the record's own clock (starting at 0), and
    no metadata keeps a path of the contributor's machine."""
    import opentimelineio as otio

    local = {t for ref in clips for t in (ref.url, str(ref.path) if ref.path else None) if t}
    for ref, found in zip(clips, matches):
        old = ref.clip.media_reference
        available = getattr(old, "available_range", None)
        offset = available.start_time if available is not None else None
        if offset is not None and ref.clip.source_range is not None:
            kept = ref.clip.source_range
            ref.clip.source_range = otio.opentime.TimeRange(kept.start_time - offset, kept.duration)
        if available is not None:
            available = otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, offset.rate), available.duration
            )
        ref.clip.media_reference = otio.schema.ExternalReference(
            target_url=f"{SCHEME}{found.record_id}", available_range=available
        )
        ref.clip.media_reference.name = getattr(old, "name", "") or ""
    for obj in _with_metadata(timeline):
        _scrub(obj.metadata, local)
    _one_rate_markers(timeline)


def _one_rate_markers(timeline: Any) -> None:
    """Markers' lengths on their start's rate: the EDL adapter leaves a point marker's length
    at 0 frames of rate 1, which is no frame rate a production may use."""
    import opentimelineio as otio

    for item in [timeline.tracks, *timeline.tracks.find_children()]:
        for marker in getattr(item, "markers", ()):
            start, length = marker.marked_range.start_time, marker.marked_range.duration
            if length.rate != start.rate:
                frames = length.value_rescaled_to(start.rate)
                length = otio.opentime.RationalTime(frames, start.rate)
                marker.marked_range = otio.opentime.TimeRange(start, length)


def _with_metadata(timeline: Any) -> Iterator[Any]:
    yield timeline
    yield timeline.tracks
    for item in timeline.tracks.find_children():
        yield item
        yield from getattr(item, "markers", ())
        yield from getattr(item, "effects", ())


def _scrub(metadata: Any, local: set[str]) -> None:
    """Drop every metadata text that holds a local path (EDL comments repeat them)."""
    for key in list(metadata.keys()):
        cleaned = _without_paths(metadata[key], local)
        if cleaned is _DROP:
            del metadata[key]
        elif cleaned is not metadata[key]:
            metadata[key] = cleaned


_DROP = object()


def _without_paths(value: Any, local: set[str]) -> Any:
    if isinstance(value, str):
        return _DROP if any(p in value for p in local) else value
    if hasattr(value, "keys"):
        pairs = {k: _without_paths(value[k], local) for k in value.keys()}
        if all(v is value[k] for k, v in pairs.items()):
            return value
        return {k: v for k, v in pairs.items() if v is not _DROP}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        items = [_without_paths(v, local) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return [v for v in items if v is not _DROP]
    return value


def production_type(timeline: otio.schema.Timeline) -> str:
    """video when a video track holds a clip, else audio (a mix)."""
    return (
        "video"
        if any(track.kind == "Video" and track.find_clips() for track in timeline.tracks)
        else "audio"
    )


def records_used(clips: list[ClipRef], matches: list[Match]) -> list[str]:
    """The matched records in order of first appearance on the production's clock."""
    first: dict[str, Fraction] = {}
    for ref, found in zip(clips, matches):
        first[found.record_id] = min(first.get(found.record_id, ref.start), ref.start)
    return sorted(first, key=lambda rid: (first[rid], rid))


def production_yaml(draft: Draft, sources: list[str], licenses: tuple[str, ...]) -> str:
    """record.yaml as `showcase new` writes it, plus what makes it a production of its sources."""
    lines = render_record_yaml(draft, licenses).splitlines()
    lines[0] = lines[0].replace("`showcase new`", "`showcase timeline import`")
    at = next(i for i, line in enumerate(lines) if line.startswith("file:")) + 1
    lines[at:at] = ["kind: production"]
    lines += [
        "# Every record the timeline uses (their licenses must allow this production's):",
        "sources:",
        *(f"  - {rid}" for rid in sources),
    ]
    return "\n".join(lines) + "\n"


# --- telling the contributor -----------------------------------------------------------------


def _at(ref: ClipRef) -> str:
    secs = f"{seconds(ref.start):g} s"
    return f"{ref.timecode} ({secs})" if ref.timecode else secs


def unmatched_report(shown: str, clips: list[ClipRef], matches: list[Match]) -> str:
    missing = [(ref, m) for ref, m in zip(clips, matches) if m.record_id is None]
    noun = "clip matches" if len(missing) == 1 else "clips match"
    lines = [f"{shown}: {len(missing)} {noun} no record; nothing was written:"]
    lines += [
        f"  {ref.track} item {ref.index} {ref.name!r} at {_at(ref)}: {m.how}" for ref, m in missing
    ]
    lines.append(
        "Add each missing file as a record first (showcase new FILE), or edit with the "
        "records' own files, then import again."
    )
    return "\n".join(lines)


def created_report(
    folder: str, draft: Draft, clips: list[ClipRef], matches: list[Match], used: list[str]
) -> str:
    lines = [
        f"Created {folder}/",
        f"  {folder}/{draft.file}  (the timeline: {len(clips)} clips of {len(used)} records)",
        f"  {folder}/record.yaml  (sources: {', '.join(used)})",
    ]
    by_name = sorted({m.record_id for m in matches if m.how == "name"})
    if by_name:
        lines.append(
            "Matched by file name only, not by content (check these are the right "
            "records): " + ", ".join(by_name)
        )
    if left := draft.unfilled():
        lines.append(f"Still to fill in {folder}/record.yaml (marked FILL ME): " + ", ".join(left))
    lines.append("Then run: showcase check")
    return "\n".join(lines)
