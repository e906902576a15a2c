"""How fast is the media build on real photographs, against the decode-only floor? (issue 3).

Builds a realistic archive in a temporary folder: 40 distinct real camera photographs from
Debian's wallpaper packages (a mix of baseline and progressive JPEGs, 1.8 to 20 megapixels;
downloaded once with `apt-get download` into a cache outside the repo, and unpacked in Python),
a few videos and audio files made with ffmpeg's test sources, and a few texts. Then measures,
each in a fresh subprocess of this script so that peak memory is per phase, on all cores:

  floor      the same photos only decoded by Pillow at full size, over the same number of
             worker processes (a warmed-up pool: the floor is strict);
  cold       `run_media` on an empty cache: the image jobs alone (ms per photo, ratio to
             the floor, target <= 1.5x), then the whole archive;
  warm       `run_media` again on the same cache: must run 0 jobs;
  changed    one photo re-saved at another quality: must run exactly 1 job;
  memory     peak RSS of the cold image build at N photos and at 2N photos (each photo
             again under a new id, its bytes made different): must stay flat.

    .venv/bin/python tests/benchmarks/bench_media.py [--runs N] [--workers N] [--profile] [--keep]

With --phones (issue 16), instead: the peak memory and time of the image recipe (what
`showcase build` does per photo) and of check's decode stage on a 108 MP (12000x9000)
baseline JPEG, against a 12 MP one and the largest image the strict limit admits decoded in
full (a 50 MP progressive JPEG), each made here and measured in a fresh process
(resource.getrusage maxrss), in the same run.

Not collected by pytest (its name is bench_*.py). See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PYTHON = Path(sys.executable)
SHOWCASE = PYTHON.parent / "showcase"
PHOTO_CACHE = Path(
    os.environ.get("SHOWCASE_BENCH_CACHE", Path.home() / ".cache" / "showcase-bench")
)

# Debian (bookworm) packages whose files are used, and the real photographs chosen from them:
# camera photos only (wallpaper packages also ship rendered artwork and illustrations, left
# out by looking at every candidate). Download sizes: 15.8 + 11.4 + 25.8 + 46.6 + 94.0 MB.
PACKAGES = (
    "lomiri-wallpapers-16.04",
    "lomiri-wallpapers-20.04",
    "lxqt-themes",
    "mate-backgrounds",
    "plasma-workspace-wallpapers",
)
_LOMIRI = "usr/share/backgrounds/"
_MATE = "usr/share/backgrounds/mate/nature/"
_LXQT = "usr/share/lxqt/wallpapers/"
_PLASMA = "usr/share/wallpapers/{}/contents/images/2560x1600.jpg"
PHOTOS: tuple[tuple[str, str], ...] = (
    *(
        ("lomiri-wallpapers-16.04", _LOMIRI + name)
        for name in (
            "Bridge_by_Sander_Klootwijk.jpg",
            "Dragonfly_by_Bolly.jpg",
            "Picture_0B_by_freespace.jpg",
            "Wine_by_Jakkub_Mede.jpg",
            "aitzgorri_by_Aitzol_Berasategi.jpg",
            "analogpattern_by_Peter_Nerlich.jpg",
            "free_by_Peter_Nerlich.jpg",
            "friends_by_Aitzol_Berasategi.jpg",
            "greentock_by_Peter_Nerlich.jpg",
            "life_by_Aitzol_Berasategi.jpg",
            "picosdeeuropa_by_Aitzol_Berasategi.jpg",
            "seeding_by_Clements_Engelhardt.jpg",
            "sunset_by_Aitzol_Berasategi.jpg",
        )
    ),
    ("lomiri-wallpapers-20.04", _LOMIRI + "Kleiber_by_Lukas_Baubkus.jpg"),
    *(
        ("lxqt-themes", _LXQT + name)
        for name in (
            "after-the-rain.jpg",
            "fog.jpg",
            "this-is-not-windows.jpg",
            "Butterfly-Kenneth-Wimer.jpg",
        )
    ),
    *(
        ("mate-backgrounds", _MATE + name)
        for name in (
            "Aqua.jpg",
            "Garden.jpg",
            "LadyBird.jpg",
            "TwoWings.jpg",
            "Wood.jpg",
            "YellowFlower.jpg",
            "Blinds.jpg",
            "Storm.jpg",
            "RainDrops.jpg",
            "Dune.jpg",
            "FreshFlower.jpg",
        )
    ),
    *(
        ("plasma-workspace-wallpapers", _PLASMA.format(name))
        for name in (
            "BytheWater",
            "ColdRipple",
            "ColorfulCups",
            "DarkestHour",
            "EveningGlow",
            "FallenLeaf",
            "Grey",
            "Kite",
            "OneStandsOut",
            "Path",
            "summer_1am",
        )
    ),
)
MIN_PIXELS = 1_500_000


# --- the photographs ------------------------------------------------------------------------------


class NoPhotos(Exception):
    pass


def ensure_photos(cache: Path) -> list[Path]:
    """The photos' paths under `cache`, downloading and unpacking the packages when missing."""
    paths = [cache / "extracted" / pkg / rel for pkg, rel in PHOTOS]
    missing = sorted({pkg for (pkg, _), p in zip(PHOTOS, paths) if not p.is_file()})
    if missing:
        _download(cache, missing)
    lost = [str(p) for p in paths if not p.is_file()]
    if lost:
        raise NoPhotos(
            "these photos are not in their packages any more (another Debian release?): "
            + ", ".join(lost[:5])
        )
    return paths


def _download(cache: Path, packages: list[str]) -> None:
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for pkg in packages:
        have = sorted(debs.glob(f"{pkg}_*.deb"))
        if not have:
            if not shutil.which("apt-get"):
                raise NoPhotos(
                    "the photos come from Debian packages and apt-get is not here: "
                    f"put the .deb files of {', '.join(packages)} (Debian bookworm) in {debs} "
                    "and run again"
                )
            print(f"downloading {pkg} into {debs} (once) ...", flush=True)
            got = _apt_download(pkg, debs)
            if (
                got.returncode != 0 and os.geteuid() == 0
            ):  # stale or empty package lists: refresh, retry
                subprocess.run(["apt-get", "update"], check=False, capture_output=True)
                got = _apt_download(pkg, debs)
            if got.returncode != 0:
                raise NoPhotos(
                    f"`apt-get download {pkg}` failed: "
                    f"{' '.join(got.stderr.strip().splitlines()[-1:])} "
                    "(run `apt-get update` as root first?)"
                )
            have = sorted(debs.glob(f"{pkg}_*.deb"))
        wanted = {rel for p, rel in PHOTOS if p == pkg}
        extract_deb(have[-1], cache / "extracted" / pkg, wanted)


def extract_deb(deb: Path, target: Path, wanted: set[str]) -> None:
    """Unpacks the `wanted` files of a .deb (an ar archive holding data.tar.*) without dpkg-deb."""
    import io
    import tarfile

    data = deb.read_bytes()
    if not data.startswith(b"!<arch>\n"):
        raise NoPhotos(f"{deb} is not a Debian package")
    pos = 8
    while pos + 60 <= len(data):
        name = data[pos : pos + 16].decode().strip().rstrip("/")
        size = int(data[pos + 48 : pos + 58].decode().strip())
        body = data[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size & 1)
        if not name.startswith("data.tar"):
            continue
        with tarfile.open(fileobj=io.BytesIO(body)) as tar:
            for member in tar:
                rel = member.name.removeprefix("./")
                if rel in wanted and member.isfile():
                    out = target / rel
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(tar.extractfile(member).read())
        return
    raise NoPhotos(f"{deb} has no data.tar member")


def _apt_download(pkg: str, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["apt-get", "download", pkg], check=False, cwd=folder, capture_output=True, text=True
    )


def describe_photos(paths: list[Path]) -> list[dict]:
    """Checks with Pillow that each is a distinct JPEG photo; returns facts about each."""
    from PIL import Image

    facts, hashes, looks = [], set(), set()
    for p in paths:
        with Image.open(p) as im:
            if im.format != "JPEG":
                raise NoPhotos(f"{p} is {im.format}, not JPEG")
            w, h = im.size
            if w * h < MIN_PIXELS:
                raise NoPhotos(f"{p} has only {w * h / 1e6:.1f} MP")
            exif = im.getexif()
            camera = " ".join(str(exif.get(t, "")).strip() for t in (0x010F, 0x0110)).strip()
            progressive = bool(im.info.get("progressive") or im.info.get("progression"))
            im.draft("L", (64, 64))
            look = im.convert("L").resize((8, 8)).tobytes()
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest in hashes or look in looks:
            raise NoPhotos(f"{p} is the same photo as another in the set")
        hashes.add(digest)
        looks.add(look)
        facts.append(
            {
                "path": str(p),
                "w": w,
                "h": h,
                "mp": w * h / 1e6,
                "progressive": progressive,
                "mode": im.mode,
                "camera": camera,
                "bytes": p.stat().st_size,
            }
        )
    return facts


# --- the archive ----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def _photo_id(path: Path) -> str:
    if path.name == "2560x1600.jpg":  # plasma: the wallpaper's name is the folder above contents/
        return "photo-" + _slug(path.parents[2].name)
    return "photo-" + _slug(path.stem.split("_by_")[0])[:40]


def _author(path: Path) -> str:
    return _slug(path.stem.split("_by_")[1])[:39] if "_by_" in path.stem else "debian-artwork"


def _yaml(
    title: str,
    rtype: str,
    file: str,
    handle: str,
    role: str,
    alt: str | None = None,
    extra: str = "",
) -> str:
    text = textwrap.dedent(f"""\
        title: {title}
        type: {rtype}
        file: {file}
        contributors:
          - {{handle: {handle}, role: {role}}}
        license: CC-BY-SA-4.0
        created: 2024-05-01
        """)
    if alt:
        text += f"alt: {alt}\n"
    return text + extra


def without_gps(data: bytes) -> bytes:
    """The JPEG without location: the GPS block dropped from EXIF, an XMP packet naming GPS
    coordinates dropped; the image data untouched. `showcase check` rejects photos that
    carry a location, and one of the wallpapers does.
    """
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        exif_payload = None
        if 0x8825 in exif:
            del exif[0x8825]
            exif_payload = b"Exif\x00\x00" + exif.tobytes()
    if exif_payload is None and b"GPSLatitude" not in data and b"GPSLongitude" not in data:
        return data
    out, pos = [data[:2]], 2
    while (
        pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] != 0xDA
    ):  # segments before the scan
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segment, body = data[pos : pos + 2 + length], data[pos + 4 : pos + 2 + length]
        if data[pos + 1] == 0xE1 and body.startswith(b"Exif\x00\x00") and exif_payload is not None:
            segment = b"\xff\xe1" + (len(exif_payload) + 2).to_bytes(2, "big") + exif_payload
        elif (
            data[pos + 1] == 0xE1
            and body.startswith(b"http://ns.adobe.com/xap/")
            and (b"GPSLatitude" in body or b"GPSLongitude" in body)
        ):
            segment = b""
        out.append(segment)
        pos += 2 + length
    out.append(data[pos:])
    return b"".join(out)


def add_photo(root: Path, rid: str, data: bytes, source: Path) -> None:
    folder = root / "records" / rid
    folder.mkdir(parents=True)
    (folder / "photo.jpg").write_bytes(without_gps(data))
    (folder / "record.yaml").write_text(
        _yaml(
            rid.removeprefix("photo-").replace("-", " ").capitalize(),
            "image",
            "photo.jpg",
            _author(source),
            "photographer",
            alt=f"A photograph ({source.name})",
        )
    )


def find_ffmpeg() -> str:
    try:
        from builder.media.tools import find_tools
    except ImportError:
        found = shutil.which("ffmpeg")
        if not found:
            raise SystemExit(
                "no ffmpeg: install it (apt-get install ffmpeg) to make the audio and video records"
            )
        return found
    return find_tools().ffmpeg


def _ffmpeg(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


# Audio and video from ffmpeg's test sources:
# (id, file, ffmpeg output arguments, needs a transcode?)
VIDEOS = (
    (
        "video-testcard-mp4",
        "clip.mp4",
        "1280x720",
        8,
        [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
        ],
    ),
    (
        "video-fade-in-mp4",
        "fade.mp4",
        "1280x720",
        6,
        [
            "-vf",
            "fade=in:0:45",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
        ],
    ),
    (
        "video-testcard-mkv",
        "clip.mkv",
        "960x540",
        6,
        ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "libvorbis"],
    ),
)
AUDIOS = (
    ("audio-sine-wav", "tone.wav", 30, ["-c:a", "pcm_s16le"], False),
    ("audio-sine-flac", "tone.flac", 60, ["-c:a", "flac"], False),
    ("audio-sine-mp3", "tone.mp3", 60, ["-c:a", "libmp3lame", "-b:a", "128k"], False),
    ("audio-with-cover-ogg", "tone.ogg", 30, ["-c:a", "libvorbis"], True),
)
TEXTS = (
    "a-lantern-at-the-harbor",
    "copper-winter",
    "the-quiet-signal",
    "paper-tide",
    "ember-meadow",
)


def build_archive(root: Path, photos: list[Path], ffmpeg: str | None) -> dict:
    (root / "records").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("# Media bench\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Media bench\ndocs_dir: content\ntheme:\n  name: material\n"
        "plugins:\n  - showcase\n"
    )
    ids = []
    for p in photos:
        rid = _photo_id(p)
        assert rid not in ids, rid
        ids.append(rid)
        add_photo(root, rid, p.read_bytes(), p)
    for rid in TEXTS:
        folder = root / "records" / rid
        folder.mkdir()
        lines = "\n".join(
            f"Line {i} of {rid.replace('-', ' ')}, about the river and the night train."
            for i in range(1, 13)
        )
        (folder / "poem.md").write_text(f"# {rid.replace('-', ' ').title()}\n\n{lines}\n")
        (folder / "record.yaml").write_text(
            _yaml(rid.replace("-", " ").capitalize(), "text", "poem.md", "ana", "writer")
        )
    others = list(TEXTS)
    if ffmpeg:
        for rid, file, size, seconds, codec in VIDEOS:
            folder = root / "records" / rid
            folder.mkdir()
            _ffmpeg(
                ffmpeg,
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={size}:rate=30:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-shortest",
                *codec,
                str(folder / file),
            )
            (folder / "record.yaml").write_text(
                _yaml(
                    rid.replace("-", " ").capitalize(),
                    "video",
                    file,
                    "cy",
                    "director",
                    alt="ffmpeg's moving test card",
                )
            )
            others.append(rid)
        cover = photos[0]
        for rid, file, seconds, codec, with_cover in AUDIOS:
            folder = root / "records" / rid
            folder.mkdir()
            _ffmpeg(
                ffmpeg,
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=330:beep_factor=4:duration={seconds}",
                "-ac",
                "2",
                "-ar",
                "44100",
                *codec,
                str(folder / file),
            )
            extra = ""
            if with_cover:
                from PIL import Image

                with Image.open(cover) as im:
                    im.draft("RGB", (1600, 1600))
                    im.convert("RGB").save(folder / "cover.jpg", quality=88)
                extra = "poster: cover.jpg\n"
            (folder / "record.yaml").write_text(
                _yaml(
                    rid.replace("-", " ").capitalize(),
                    "audio",
                    file,
                    "dee",
                    "composer",
                    extra=extra,
                )
            )
            others.append(rid)
    return {"photos": ids, "others": others}


def with_comment(data: bytes, note: str) -> bytes:
    """The same JPEG with a comment segment after SOI: other bytes, the very same pixels."""
    assert data[:2] == b"\xff\xd8"
    payload = note.encode()
    return data[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def build_double(src: Path, dst: Path, facts: dict, photos: list[Path]) -> None:
    """The archive again, plus every photo under a new id with different bytes
    (same decode cost)."""
    shutil.copytree(src, dst)
    for rid, p in zip(facts["photos"], photos):
        data = (src / "records" / rid / "photo.jpg").read_bytes()
        add_photo(dst, rid.replace("photo-", "again-", 1), with_comment(data, f"copy of {rid}"), p)


def showcase_check(root: Path) -> None:
    got = subprocess.run(
        [str(SHOWCASE), "check", "--root", str(root)], check=False, capture_output=True, text=True
    )
    if got.returncode != 0:
        print(got.stdout[-3000:], got.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(
            f"the bench archive does not pass `showcase check` (exit {got.returncode}): see above"
        )


# --- the phases (each in a fresh process) ---------------------------------------------------------


class TreeRss:
    """Samples the summed RSS of this process and all its descendants (every 20 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _children(self, pid: int) -> list[int]:
        out = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
        return out

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                return int(fh.read().split()[1]) * self._page
        except (OSError, ValueError, IndexError):
            return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            total, todo = 0, [os.getpid()]
            while todo:
                pid = todo.pop()
                total += self._rss(pid)
                todo.extend(self._children(pid))
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)


def _decode(path: str) -> int:
    from PIL import Image

    with Image.open(path) as im:
        im.load()
        return im.size[0] * im.size[1]


def phase_floor(args: argparse.Namespace) -> dict:
    paths = [str(p) for p in sorted((Path(args.root) / "records").glob("*/photo.jpg"))]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for _ in pool.map(
            _decode, paths[: args.workers]
        ):  # start the workers, import Pillow: not timed
            pass
        start = time.perf_counter()
        pixels = sum(pool.map(_decode, paths, chunksize=1))
        wall = time.perf_counter() - start
    return {"wall": wall, "n": len(paths), "pixels": pixels}


def phase_build(args: argparse.Namespace) -> dict:
    from builder.archive.load import load_archive
    from builder.core.media_plan import MediaSettings, plan_media
    from builder.media.runner import run_media

    root = Path(args.root)
    t0 = time.perf_counter()
    settings = MediaSettings()
    jobs = plan_media(load_archive(root).archive, settings)
    if args.images_only:
        jobs = [j for j in jobs if j.recipe == "image"]
    planned = time.perf_counter() - t0
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with TreeRss() as tree:
        start = time.perf_counter()
        run = run_media(
            root, jobs, Path(args.cache), settings, workers=args.workers, progress=False
        )
        wall = time.perf_counter() - start
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile_out)
    by_recipe: dict[str, int] = {}
    out_bytes = 0
    derivatives = 0
    for result in run.results.values():
        by_recipe[result.job.recipe] = by_recipe.get(result.job.recipe, 0) + 1
        derivatives += len(result.info.derivatives)
        out_bytes += sum(d.bytes for d in result.info.derivatives)
    self_ = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "wall": wall,
        "plan": planned,
        "jobs": len(jobs),
        "ran": run.ran,
        "reused": run.reused,
        "seconds": run.seconds,
        "problems": [str(p) for p in run.problems][:20],
        "n_problems": len(run.problems),
        "by_recipe": by_recipe,
        "derivatives": derivatives,
        "out_bytes": out_bytes,
        "rss_self_kb": self_,
        "rss_child_kb": children,
        "rss_tree_sampled": tree.peak,
    }


def run_phase(
    name: str, root: Path, cache: Path | None, workers: int, *extra: str, required: bool = True
) -> dict:
    """Runs one phase in a fresh process; its figures, or {"error": output tail} if it failed."""
    cmd = [
        str(PYTHON),
        str(Path(__file__).resolve()),
        "--phase",
        name,
        "--root",
        str(root),
        "--workers",
        str(workers),
        *extra,
    ]
    if cache is not None:
        cmd += ["--cache", str(cache)]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    lines = [line for line in text.splitlines() if line.startswith("RESULT ")]
    if code != 0 or not lines:
        print(text[-4000:], file=sys.stderr)
        if required:
            raise SystemExit(f"phase {name} {' '.join(extra)} failed (exit {code})")
        return {"error": f"exit {code}: " + (text.strip().splitlines() or ["no output"])[-1][:300]}
    result = json.loads(lines[-1][len("RESULT ") :])
    result["rss_phase_kb"] = usage.ru_maxrss  # the phase process itself (os.wait4)
    return result


# --- phones (issue 16): a 108 MP JPEG against a 12 MP one --------------------------------------

PHONE_PHOTOS = (  # name, size, progressive: what each stands for
    ("12mp.jpg", (4000, 3000), False),  # a phone's usual photo
    ("108mp.jpg", (12000, 9000), False),  # a large-sensor phone's: over the strict limit
    ("50mp-progressive.jpg", (8160, 6120), True),  # the most the strict limit decodes in full
)


def make_phone_photo(path: Path, size: tuple[int, int], progressive: bool) -> None:
    """A photo-like JPEG: smooth noise (detail at several scales, unlike a flat colour that
    decodes unrealistically fast) over colour gradients."""
    from PIL import Image

    w, h = size
    detail = Image.effect_noise((w // 6, h // 6), 70).resize(size, Image.Resampling.BICUBIC)
    ramp = Image.linear_gradient("L").resize(size)
    im = Image.merge("RGB", (detail, ramp, ramp.transpose(Image.Transpose.ROTATE_90).resize(size)))
    im.save(path, quality=88, progressive=progressive, optimize=progressive)


def phase_phone(args: argparse.Namespace) -> dict:
    """One photo through the image recipe ("build") or check's decode stage ("check")."""
    from builder.archive.decode import decode_media
    from builder.archive.identify import Facts, Limits
    from builder.core import sniff
    from builder.core.media_plan import MediaJob, MediaSettings
    from builder.media.images import make_image

    path = Path(args.root)
    limits = Limits(1 << 40, 50_000_000, max_jpeg_pixels=250_000_000)
    settings = MediaSettings()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Python, Pillow, builder
    start = time.perf_counter()
    if args.images_only:  # check: the decode stage, without the verdict memo
        facts = Facts(sniff.FORMATS["jpeg"], path.stat().st_size)
        found = decode_media(path, path.name, facts, limits)
        ok = isinstance(found, Facts)
    else:
        params = (("max_jpeg_pixels", limits.max_jpeg_pixels), ("max_pixels", limits.max_pixels))
        job = MediaJob("phone", "image", (path.name,), params)
        info = make_image(job, path.parent, Path(args.cache), settings)
        ok = bool(info.derivatives)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"wall": wall, "ok": ok, "rss_before_kb": before, "rss_kb": peak}


def phones_main(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="showcase-phone-bench-"))
    try:
        print(f"Pillow {pil_version()}; {settings_line()}; {args.runs} runs each, median shown")
        print(
            f"{'photo':<22} {'MB':>6} {'stage':<6} {'time s':>7} {'peak RSS MB':>12} "
            f"{'over imports':>13}"
        )
        for name, size, progressive in PHONE_PHOTOS:
            path = tmp / name
            # Made in a process of its own: a child's maxrss starts from its parent's RSS
            # at fork (Linux keeps it across exec), so this process must stay small.
            made = subprocess.run(
                [str(PYTHON), str(Path(__file__).resolve()), "--make-phone-photo", str(path)]
                + [str(size[0]), str(size[1]), str(int(progressive))],
                cwd=REPO,
            )
            if made.returncode != 0:
                return 1
            for stage, extra in (("check", ("--images-only",)), ("build", ())):
                runs = [
                    run_phase("phone", path, tmp / f"out-{name}-{stage}-{i}", 1, *extra)
                    for i in range(args.runs)
                ]
                if not all(r["ok"] for r in runs):
                    print(f"{name}: the {stage} stage refused it", file=sys.stderr)
                    return 1
                wall = statistics.median(r["wall"] for r in runs)
                peak = max(r["rss_kb"] for r in runs)
                extra_kb = max(r["rss_kb"] - r["rss_before_kb"] for r in runs)
                print(
                    f"{name:<22} {path.stat().st_size / 2**20:>6.1f} {stage:<6} {wall:>7.2f} "
                    f"{mb(peak):>12} {mb(extra_kb):>13}"
                )
        print(
            "peak RSS: the phase process's maxrss (getrusage); over imports: minus its maxrss "
            "after importing Python, Pillow and the builder, before the photo is read"
        )
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept: {tmp}")
    return 0


# --- the report -----------------------------------------------------------------------------------


def settings_line() -> str:
    """What decides the cost of the image derivatives, as the pipeline has it now."""
    from builder.core.media_plan import MediaSettings
    from builder.media import images

    s = MediaSettings()
    knobs = ", ".join(
        f"{name}={getattr(getattr(images, name), 'name', getattr(images, name))}"
        for name in ("WEBP_METHOD", "RESAMPLE", "REDUCING_GAP")
        if hasattr(images, name)
    )
    return (
        f"WebP widths {list(s.widths)} q{s.webp_quality}, "
        f"preview JPEG {s.preview_width} px q{s.jpeg_quality}"
        + (f"; images.py {knobs}" if knobs else "")
    )


def pil_version() -> str:
    import PIL

    return PIL.__version__


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of the floor, the cold image build and the warm "
        "rebuild (default 3; median and min are shown)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile the image recipe in-process (workers=1) with cProfile: hot spots",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the archives and caches and print where they are"
    )
    parser.add_argument(
        "--phones",
        action="store_true",
        help="instead: a 108 MP JPEG against a 12 MP one (peak memory and time, issue 16)",
    )
    parser.add_argument("--make-phone-photo", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--images-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        phases = {"floor": phase_floor, "build": phase_build, "phone": phase_phone}
        result = phases[args.phase](args)
        print("RESULT " + json.dumps(result), flush=True)
        return 0
    if args.make_phone_photo:
        dest, w, h, progressive = args.make_phone_photo
        make_phone_photo(Path(dest), (int(w), int(h)), progressive == "1")
        return 0
    if args.phones:
        return phones_main(args)

    if not SHOWCASE.exists():
        print(
            f"no showcase command next to {PYTHON}: install the project (pip install -e .)",
            file=sys.stderr,
        )
        return 2
    try:
        photos = ensure_photos(PHOTO_CACHE)
        facts = describe_photos(photos)
    except NoPhotos as exc:
        print(f"bench_media: {exc}", file=sys.stderr)
        return 2
    workers = args.workers
    tmp = Path(tempfile.mkdtemp(prefix="showcase-media-bench-"))
    root, root2 = tmp / "archive", tmp / "archive-2x"
    try:
        t0 = time.perf_counter()
        ffmpeg = find_ffmpeg()
        archive = build_archive(root, photos, ffmpeg)
        build_double(root, root2, archive, photos)
        showcase_check(root)
        showcase_check(root2)
        for p in (root / "records").glob("*/*"):  # same page-cache state for every phase
            p.read_bytes()
        n = len(archive["photos"])
        prog = sum(f["progressive"] for f in facts)
        mps = [f["mp"] for f in facts]
        cams = sum(bool(f["camera"]) for f in facts)
        print(
            f"photos: {n} distinct JPEGs from {len(PACKAGES)} Debian packages ({prog} progressive, "
            f"{n - prog} baseline; {min(mps):.1f}-{max(mps):.1f} MP, "
            f"median {statistics.median(mps):.1f}, total {sum(mps):.0f} MP, "
            f"{sum(f['bytes'] for f in facts) / 1e6:.0f} MB; {cams} with a camera "
            f"model in EXIF) in {PHOTO_CACHE}"
        )
        print(
            f"archive: {n} photos + {len(archive['others'])} others "
            "(texts, ffmpeg test-source audio/video); "
            f"2N archive: {2 * n} photos; "
            f"built and checked in {time.perf_counter() - t0:.1f} s at {tmp}"
        )
        print(
            f"python {sys.version.split()[0]}, Pillow {pil_version()}, {os.cpu_count()} CPUs, "
            f"{workers} workers, load average {os.getloadavg()[0]:.2f} before the runs"
        )
        print(f"settings: {settings_line()}\n")

        # Floor and cold runs alternate, so that a load that comes and goes touches both alike.
        floors, colds = [], []
        for i in range(args.runs):
            floors.append(run_phase("floor", root, None, workers))
            colds.append(
                run_phase("build", root, tmp / f"cache-images-{i}", workers, "--images-only")
            )
        cold_all = run_phase("build", root, tmp / "cache-all", workers, required=False)
        # The warm and changed rebuilds use the whole archive's cache; if the whole archive could
        # not be built (a recipe failing outside its job), they use the image-only cache instead.
        scope = (
            ("whole archive", tmp / "cache-all", ())
            if "error" not in cold_all
            else ("image jobs only", tmp / "cache-images-0", ("--images-only",))
        )
        warms = [run_phase("build", root, scope[1], workers, *scope[2]) for _ in range(args.runs)]
        # one record changed: one photo re-saved at another quality
        from PIL import Image

        changed = root / "records" / archive["photos"][n // 2] / "photo.jpg"
        with Image.open(changed) as im:
            im.save(
                changed.with_suffix(".tmp.jpg"), "JPEG", quality=83, exif=im.getexif().tobytes()
            )
        os.replace(changed.with_suffix(".tmp.jpg"), changed)
        after_change = run_phase("build", root, scope[1], workers, *scope[2])
        double = run_phase("build", root2, tmp / "cache-2x", workers, "--images-only")

        floor_ms = statistics.median(f["wall"] for f in floors) * 1000 / n
        floor_min = min(f["wall"] for f in floors) * 1000 / n
        cold_ms = statistics.median(c["wall"] for c in colds) * 1000 / n
        cold_min = min(c["wall"] for c in colds) * 1000 / n
        c0 = colds[0]
        print(
            f"{'measurement':52} {'median':>9} {'min':>9} {'unit':11} {'ran':>4} {'reused':>6} "
            f"{'peak tree RSS MB':>16}"
        )

        def row(label: str, med: float, low: float, unit: str, r: dict | None) -> None:
            extra = (
                f"{r['ran']:4d} {r['reused']:6d} {mb(r['rss_tree_sampled'] / 1024):>16}"
                if r
                else ""
            )
            print(f"{label:52} {med:9.1f} {low:9.1f} {unit:11} {extra}")

        row(
            f"decode floor: Image.open().load(), {workers} procs",
            floor_ms,
            floor_min,
            "ms/photo",
            None,
        )
        row("cold: image jobs only, empty cache", cold_ms, cold_min, "ms/photo", c0)
        if "error" in cold_all:
            print(f"{'cold: whole archive, empty cache':52} FAILED: {cold_all['error']}")
        else:
            row(
                "cold: whole archive, empty cache",
                cold_all["wall"] * 1000,
                cold_all["wall"] * 1000,
                "ms total",
                cold_all,
            )
        warm_ms = [w["wall"] * 1000 for w in warms]
        row(
            f"warm rebuild, same cache ({scope[0]})",
            statistics.median(warm_ms),
            min(warm_ms),
            "ms total",
            warms[0],
        )
        row(
            f"one photo changed, same cache ({scope[0]})",
            after_change["wall"] * 1000,
            after_change["wall"] * 1000,
            "ms total",
            after_change,
        )
        row(
            f"cold: image jobs only, 2N = {2 * n} photos",
            double["wall"] * 1000 / (2 * n),
            double["wall"] * 1000 / (2 * n),
            "ms/photo",
            double,
        )
        print()
        print(
            f"  cold image build: {c0['derivatives']} derivatives from {c0['ran']} jobs, "
            f"{c0['out_bytes'] / 1e6:.1f} MB written; "
            f"load+plan {c0['plan'] * 1000:.0f} ms (not in the figures)"
        )
        if "error" not in cold_all:
            print(
                f"  whole archive: jobs by recipe {cold_all['by_recipe']}, "
                f"{cold_all['derivatives']} derivatives, "
                f"{cold_all['out_bytes'] / 1e6:.1f} MB; problems: {cold_all['n_problems']}"
            )
            for p in cold_all["problems"]:
                print(f"    {p}")
        print(
            "  peak tree RSS: the summed RSS of the phase process and all its descendants "
            "(forkserver, workers, ffmpeg), sampled every 20 ms from /proc; shared pages count "
            "once per process, so it is an upper bound. getrusage(RUSAGE_CHILDREN) cannot see "
            "the workers: they are the forkserver's children, not ours"
        )
        print(
            f"  phase process itself (os.wait4 maxrss): N {mb(c0['rss_phase_kb'])} MB, "
            f"2N {mb(double['rss_phase_kb'])} MB; RUSAGE_SELF + RUSAGE_CHILDREN maxrss: "
            f"N {mb(c0['rss_self_kb'] + c0['rss_child_kb'])} MB, "
            f"2N {mb(double['rss_self_kb'] + double['rss_child_kb'])} MB"
        )
        print()
        ratio = cold_ms / floor_ms
        verdicts = [
            (
                "cold image build within 1.5x of the decode floor",
                ratio <= 1.5,
                f"{cold_ms:.1f} / {floor_ms:.1f} ms per photo = {ratio:.2f}x",
            ),
            (
                "warm rebuild runs no media job",
                all(w["ran"] == 0 for w in warms),
                (
                    f"ran {[w['ran'] for w in warms]}, "
                    f"reused {warms[0]['reused']} of {warms[0]['jobs']}, "
                    f"{statistics.median(warm_ms):.0f} ms"
                ),
            ),
            (
                "one photo changed reruns exactly that job",
                after_change["ran"] == 1,
                f"ran {after_change['ran']}, reused {after_change['reused']}",
            ),
            (
                "peak memory flat from N to 2N photos",
                double["rss_tree_sampled"] <= 1.15 * c0["rss_tree_sampled"] + 20 * 2**20,
                (
                    f"peak tree RSS {mb(c0['rss_tree_sampled'] / 1024)} MB at {n} photos, "
                    f"{mb(double['rss_tree_sampled'] / 1024)} MB at {2 * n}"
                ),
            ),
            (
                "cold builds run and report no problem",
                cold_all.get("n_problems", 1) == 0 and all(c["n_problems"] == 0 for c in colds),
                cold_all.get("error")
                or f"{cold_all['n_problems']} in the whole archive, "
                f"{sum(c['n_problems'] for c in colds)} in the image builds",
            ),
        ]
        for label, ok, detail in verdicts:
            print(f"{'MEETS ' if ok else 'MISSES'} {label}: {detail}")

        if args.profile:
            prof = tmp / "images.prof"
            run_phase(
                "build", root, tmp / "cache-profile", 1, "--images-only", "--profile-out", str(prof)
            )
            import pstats

            print(
                f"\ncProfile of the {n} image jobs in-process "
                "(workers=1; top 15 by own time, then cumulative):"
            )
            stats = pstats.Stats(str(prof))
            stats.strip_dirs().sort_stats("tottime").print_stats(15)
            stats.sort_stats("cumulative").print_stats(15)
        return 0 if all(ok for _, ok, _ in verdicts) else 1
    finally:
        if args.keep:
            print(f"\nkept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
