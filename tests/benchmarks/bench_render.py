"""How close is rendering a timeline to just encoding its length of video? (issue 11)

Renders a 720p production (stills with a slow zoom, video clips, dissolves, a music bed, a
lower third, the end-credits roll) with the real recipe through the media runner, all media
generated here, and measures in the same run:
  - the floor: ffmpeg encoding the same length of 720p `testsrc2` (and a tone as AAC) with the
    render's own encoder settings;
  - the cold render, and the warm rebuild (which must run 0 jobs);
  - the peak memory (ru_maxrss of the render and its ffmpeg children) at 60 s and 240 s.
Targets: cold within 2x the floor, 0 renders warm, peak memory flat from 60 s to 240 s.

    .venv/bin/python tests/benchmarks/bench_render.py            # 60 s and 240 s
    .venv/bin/python tests/benchmarks/bench_render.py --quick    # 20 s and 60 s
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction as F
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from builder.core.media_plan import RENDER, MediaJob, MediaSettings  # noqa: E402
from builder.media.runner import run_media  # noqa: E402
from builder.media.tools import find_tools  # noqa: E402
from builder.timeline.model import (  # noqa: E402
    Clip,
    Dissolve,
    Edit,
    Roll,
    Track,
    Where,
    edit_to_json,
)

RATE = F(30)
SIZE = (1280, 720)
ROLL_SECONDS = 10
BLOCK = 15  # seconds: still (zoom), dissolve, clip, dissolve, still, clip
ROLL = [
    ["title", "A Benchmark Production"],
    ["space", ""],
    ["heading", "Director"],
    ["line", "Ana Lima"],
    *[["line", f"Contributor {i}"] for i in range(30)],
]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
    )


def make_media(root: Path, seconds: int) -> dict[str, tuple[str, str]]:
    """record id -> (type, archive path): photos, clips, a text and a music bed."""
    files: dict[str, tuple[str, str]] = {}

    def folder(rid: str) -> Path:
        path = root / "records" / rid
        path.mkdir(parents=True, exist_ok=True)
        return path

    for i in range(2):
        img = Image.new("RGB", (3000, 2000), (30 + 80 * i, 90, 160 - 60 * i))
        draw = ImageDraw.Draw(img)
        for k in range(0, 3000, 150):
            draw.line((k, 0, 3000 - k, 2000), fill=(240, 220 - 40 * i, 90), width=9)
        img.save(folder(f"photo-{i}") / "photo.jpg", quality=90)
        files[f"photo-{i}"] = ("image", f"records/photo-{i}/photo.jpg")
    for i in range(2):
        ffmpeg(
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s=1920x1080:r={30 if i else 25}:d=12",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            str(folder(f"clip-{i}") / "clip.mp4"),
        )
        files[f"clip-{i}"] = ("video", f"records/clip-{i}/clip.mp4")
    (folder("words") / "words.md").write_text("# Words\n\nA line of the poem\nand another one\n")
    files["words"] = ("text", "records/words/words.md")
    tones = "0.2*sin(220*2*PI*t)+0.1*sin(331*2*PI*t)"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"aevalsrc={tones}:s=48000:d={seconds}",
        "-ac",
        "2",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "192k",
        str(folder("music") / "bed.mp3"),
    )
    files["music"] = ("audio", "records/music/bed.mp3")
    return files


def production(seconds: int) -> Edit:
    """Blocks of 15 s until `seconds` (the roll included) are filled."""
    items: list = []
    t = F(0)
    half = F(1, 2)
    length = F(seconds - ROLL_SECONDS)
    n = 0

    def where() -> Where:
        return Where(1, len(items) + 1, "", 1)

    while t < length:
        plan = [
            ("photo-0", "still", F(4), 1.15),
            ("clip-0", "clip", F(4), 1.0),
            ("photo-1", "still", F(3), 1.1),
            ("clip-1", "clip", F(4), 1.0),
        ]
        for rid, style, dur, zoom in plan:
            dur = min(dur, length - t)
            if dur <= 1:
                break
            dissolve = bool(items) and style in ("clip", "still") and n % 2 == 1
            if dissolve:
                items.insert(len(items), Dissolve(where(), t, half, half))
                prev = items[-2]
                items[-2] = Clip(
                    prev.record_id,
                    prev.where,
                    prev.style,
                    prev.start,
                    prev.duration,
                    prev.source_start,
                    prev.head,
                    half,
                    zoom=prev.zoom,
                )
            items.append(
                Clip(rid, where(), style, t, dur, F(2), head=half if dissolve else F(0), zoom=zoom)
            )
            t += dur
            n += 1
        if length - t <= 1:
            break
    length = t
    video = Track("video", 1, "V1", tuple(items), length)
    third = Clip("words", Where(2, 1, "", 1), "lower-third", F(0), F(4), F(0))
    titles = Track("video", 2, "V2", (third,), F(4))
    music = Track(
        "audio",
        3,
        "A1",
        (Clip("music", Where(3, 1, "", 1), "sound", F(0), length, F(0), gain_db=-3.0),),
        length,
    )
    return Edit(RATE, (video, titles, music), length, Roll(True, F(ROLL_SECONDS)), "bench", *SIZE)


def job(root: Path, files: dict, edit: Edit) -> MediaJob:
    (root / "records" / "prod").mkdir(parents=True, exist_ok=True)
    (root / "records" / "prod" / "cut.otio").write_text(json.dumps(edit_to_json(edit)))
    used = list(edit.record_ids)
    s = MediaSettings()
    params = {
        "widths": list(s.widths),
        "preview_width": s.preview_width,
        "webp_quality": s.webp_quality,
        "jpeg_quality": s.jpeg_quality,
        "max_pixels": 50_000_000,
        "title": "Bench",
        "credit": "Ana",
        "type": "video",
        "edit": edit_to_json(edit),
        "render": dict(RENDER),
        "sources": [[r, files[r][0]] for r in used],
        "roll": ROLL,
        "seconds": float(edit.duration + edit.roll.seconds),
    }
    return MediaJob(
        "prod",
        "timeline",
        ("records/prod/cut.otio", *(files[r][1] for r in used)),
        tuple(sorted(params.items())),
    )


def floor(seconds: int, out: Path) -> tuple[float, float]:
    """testsrc2 720p and a tone, encoded as the render encodes: (wall, CPU) seconds."""
    before = os.times()
    started = time.perf_counter()
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=s=1280x720:r=30:d={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=f=440:d={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        RENDER["preset"],
        "-crf",
        str(RENDER["crf"]),
        "-threads:v",
        str(RENDER["threads"]),
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
        "-g",
        "60",
        "-c:a",
        "aac",
        "-b:a",
        RENDER["audio_bitrate"],
        "-ac",
        "2",
        "-ar",
        "48000",
        "-movflags",
        "+faststart",
        str(out),
    )
    after = os.times()
    return time.perf_counter() - started, (
        after.children_user - before.children_user + after.children_system - before.children_system
    )


def one(seconds: int, tmp: Path) -> dict:
    """In a child process: render cold, rebuild warm (the media is made beforehand, by the
    parent, so the child's figures are the render's); figures as JSON."""
    root, cache = tmp / "archive", tmp / "cache"
    files = json.loads((tmp / "files.json").read_text())
    edit = production(seconds)
    jobs = [job(root, files, edit)]
    started = time.perf_counter()
    cold = run_media(root, jobs, cache, workers=1, progress=False)
    cold_s = time.perf_counter() - started
    if cold.problems:
        raise SystemExit(f"render failed: {cold.problems}")
    started = time.perf_counter()
    warm = run_media(root, jobs, cache, workers=1, progress=False)
    warm_s = time.perf_counter() - started
    info = cold.results["prod"].info
    video = next(d for d in info.derivatives if d.role == "video")
    clips = sum(1 for c in edit.clips if c.style in ("clip", "still"))
    return {
        "seconds": seconds,
        "cold": cold_s,
        "warm": warm_s,
        "warm_ran": warm.ran,
        "duration": info.duration,
        "frames": info.extra.get("frames"),
        "clips": clips,
        "mbytes": video.bytes / 1e6,
    }


def measured(seconds: int) -> tuple[dict, float, float]:
    """`one(seconds)` in a child: its figures, its CPU seconds and peak RSS (MB) with its
    ffmpeg children (wait4: ru_maxrss is the largest of the child and what it reaped)."""
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        files = make_media(Path(tmp) / "archive", seconds)
        (Path(tmp) / "files.json").write_text(json.dumps(files))
        proc = subprocess.Popen(
            [sys.executable, __file__, "--one", str(seconds), "--dir", tmp], stdout=subprocess.PIPE
        )
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"the {seconds} s render failed")
    return json.loads(out), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="20 s and 60 s instead of 60 s and 240 s"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.dir)))
        return 0
    short, long = (20, 60) if args.quick else (60, 240)
    print(
        f"ffmpeg {find_tools().version}, {os.cpu_count()} cores; 720p at {RATE} fps, "
        f"x264 {RENDER['preset']} crf {RENDER['crf']} threads {RENDER['threads']}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        floor_s, floor_cpu = floor(short, Path(tmp) / "floor.mp4")
    runs = [measured(short), measured(long)]
    first, first_cpu, peak_short = runs[0]
    print(f"\nfloor: {short} s of 720p testsrc2 encoded in {floor_s:.2f} s ({floor_cpu:.2f} s CPU)")
    print(
        f"{'length':>7} {'clips':>5} {'frames':>6} {'cold s':>7} {'x floor':>7} {'CPU s':>7} "
        f"{'x floor':>7} {'warm s':>6} {'warm runs':>9} {'peak MB':>7} {'MB out':>6}"
    )
    for figures, cpu, peak in runs:
        scale = figures["seconds"] / short
        print(
            f"{figures['seconds']:>6}s {figures['clips']:>5} {figures['frames']:>6} "
            f"{figures['cold']:>7.2f} {figures['cold'] / (floor_s * scale):>6.2f}x {cpu:>7.2f} "
            f"{cpu / (floor_cpu * scale):>6.2f}x {figures['warm']:>6.2f} "
            f"{figures['warm_ran']:>9} "
            f"{peak:>7.0f} {figures['mbytes']:>6.1f}"
        )
    peak_long = runs[1][2]
    # Judged on CPU time too: on a shared machine the wall-clock floor and render see
    # different loads; CPU seconds do not.
    cold_ok = first["cold"] <= 2 * floor_s or first_cpu <= 2 * floor_cpu
    warm_ok = all(f["warm_ran"] == 0 for f, _, _ in runs)
    memory_ok = peak_long <= 1.25 * peak_short
    print(
        f"\ncold {short} s within 2x the floor: {'yes' if cold_ok else 'NO'} "
        f"({first['cold'] / floor_s:.2f}x wall, {first_cpu / floor_cpu:.2f}x CPU); "
        f"warm rebuild renders nothing: {'yes' if warm_ok else 'NO'}; peak memory flat "
        f"({peak_short:.0f} -> {peak_long:.0f} MB): {'yes' if memory_ok else 'NO'}"
    )
    return 0 if cold_ok and warm_ok and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
