"""Runs media jobs: cache hits are reused, the rest run in parallel on every core.

Each job runs in a worker process with a wall-clock alarm, so a hostile file can
stall or exhaust at most one worker for a bounded time; its failure becomes a
problem on its record, never a crash of the build. Peak memory is one record per
worker, whatever the size of the archive.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Callable

from ..core.media_plan import MediaJob, MediaSettings
from ..core.problems import Problem, problem
from .cache import HASHES, FileHashes, MediaCache
from .results import MediaError, MediaInfo

if TYPE_CHECKING:
    from tqdm import tqdm  # imported late: only a terminal shows the bar

# recipe -> "module:function", imported in the worker that needs it
RECIPES = {
    "image": "builder.media.images:make_image",
    "video": "builder.media.video:make_video",
    "audio": "builder.media.audio:make_audio",
    "text": "builder.media.cards:make_text_card",
    "timeline": "builder.media.render:make_timeline",
}
NEEDS_FFMPEG = {"video", "audio", "timeline"}


@dataclass(frozen=True)
class MediaResult:
    job: MediaJob
    key: str
    folder: Path  # the cache folder holding the derivative files
    info: MediaInfo


@dataclass
class MediaRun:
    results: dict[str, MediaResult] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ran: int = 0  # jobs executed
    reused: int = 0  # cache hits
    seconds: float = 0.0


def run_media(
    root: Path,
    jobs: list[MediaJob],
    cache_dir: Path,
    settings: MediaSettings = MediaSettings(),
    workers: int | None = None,
    progress: bool | None = None,
) -> MediaRun:
    started = time.perf_counter()
    root = Path(root)
    cache = MediaCache(cache_dir)
    cache.sweep()
    run = MediaRun()
    todo: list[tuple[MediaJob, str]] = []
    versions = _tool_versions(jobs)
    hashes = FileHashes(cache.folder / HASHES)
    for job in jobs:
        key = cache.key(job, root, versions[job.recipe in NEEDS_FFMPEG], hashes)
        info = cache.lookup(key)
        if info is None:
            todo.append((job, key))
        else:
            run.results[job.record_id] = MediaResult(job, key, cache.path(key), info)
            run.reused += 1
    hashes.save()
    if todo:
        _execute(root, todo, cache, settings, workers, progress, run)
    run.seconds = time.perf_counter() - started
    return run


def _tool_versions(jobs: list[MediaJob]) -> dict[bool, str]:
    """{needs ffmpeg: the versions in its cache key}. Finding ffmpeg (once per process)
    raises ToolsError before any work starts: one clear error, not one per record."""
    import PIL

    pillow = f"pillow {PIL.__version__}"
    if not any(job.recipe in NEEDS_FFMPEG for job in jobs):
        return {False: pillow, True: pillow}
    from .tools import find_tools

    return {False: pillow, True: f"{pillow}; ffmpeg {find_tools().version}"}


def _execute(
    root: Path,
    todo: list[tuple[MediaJob, str]],
    cache: MediaCache,
    settings: MediaSettings,
    workers: int | None,
    progress: bool | None,
    run: MediaRun,
) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    bar = _progress(len(todo), progress)
    try:
        if workers == 1:
            outcomes = (
                _run_job(job, key, str(root), str(cache.folder), settings) for job, key in todo
            )
            for outcome in outcomes:
                _record(outcome, cache, run)
                bar.update(1)
            return
        # forkserver: workers start from a clean process, not a fork of one that may run
        # threads (mkdocs serve); the server imports the builder once for all of them.
        context = multiprocessing.get_context(
            "forkserver" if sys.platform.startswith("linux") else "spawn"
        )
        if context.get_start_method() == "forkserver":
            # Workers fork from a server that has already imported Pillow and the recipes.
            context.set_forkserver_preload(
                sorted({RECIPES[job.recipe].split(":")[0] for job, _ in todo})
            )
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(_run_job, job, key, str(root), str(cache.folder), settings)
                for job, key in todo
            ]
            for future in as_completed(futures):
                _record(future.result(), cache, run)
                bar.update(1)
    finally:
        bar.close()


def _record(outcome: tuple, cache: MediaCache, run: MediaRun) -> None:
    status, job, key, payload = outcome
    run.ran += 1
    if status == "ok":
        run.results[job.record_id] = MediaResult(
            job, key, cache.path(key), MediaInfo.from_json(payload)
        )
        return
    message, fix = payload
    run.problems.append(
        problem(
            "media-failed",
            f"records/{job.record_id}/record.yaml",
            job.line,
            message,
            fix,
            job.record_id,
        )
    )


def _run_job(job: MediaJob, key: str, root: str, cache_dir: str, settings: MediaSettings) -> tuple:
    """In a worker: run one recipe into a staging folder and commit it to the cache.

    Returns ("ok", job, key, manifest) or ("problem", job, key, (message, fix)).
    """
    cache = MediaCache(Path(cache_dir))
    staging = cache.staging()
    in_worker = multiprocessing.current_process().name != "MainProcess"
    try:
        recipe = _recipe(
            job.recipe
        )  # inside: even a recipe that fails to import is one record's problem
        if in_worker:
            signal.signal(signal.SIGALRM, _timeout)
            signal.alarm(job.time_limit(settings))
        info = recipe(job, Path(root), staging, settings)
        cache.commit(staging, key, info)
        return ("ok", job, key, info.to_json())
    except MediaError as exc:
        cache.discard(staging)
        return ("problem", job, key, (exc.message, exc.fix))
    except _JobTimeout:
        cache.discard(staging)
        return (
            "problem",
            job,
            key,
            (
                f"making the web versions of '{job.media.rsplit('/', 1)[-1]}' took "
                f"longer than {job.time_limit(settings)} s",
                "export a smaller or simpler file",
            ),
        )
    except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the build
        cache.discard(staging)
        name = job.media.rsplit("/", 1)[-1]
        return (
            "problem",
            job,
            key,
            (
                f"'{name}' could not be processed: {type(exc).__name__}: {exc}"[:300],
                "check that the file opens in a media player; export it again",
            ),
        )
    finally:
        if in_worker:
            signal.alarm(0)


class _JobTimeout(Exception):
    pass


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise _JobTimeout()


def _recipe(name: str) -> Callable[..., MediaInfo]:
    module, function = RECIPES[name].split(":")
    return getattr(importlib.import_module(module), function)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool | None) -> _NoBar | tqdm:
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="media", unit="record", file=sys.stderr, leave=False)
