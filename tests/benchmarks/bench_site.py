"""How long does a warm site build take, against plain `mkdocs build` of as many plain pages?
(issue: 1.5x).

Builds synthetic archives of 250, 500 and 1,000 records (or `--records N ...`) with real small
media: JPEG and PNG images drawn with Pillow, MP3/Ogg/FLAC/WAV audio and H.264 MP4/VP8 WebM
video made with ffmpeg's test sources, Markdown and plain texts; contributors drawn from ~100
handles (a few prolific, many occasional; some with profile pages and avatars), tags, sources
forming remix lineages (and a few outside works), productions, withdrawn tombstones, captions,
transcripts, posters and three collaborations. The records are generated once into a cache
folder outside the repo (~/.cache/showcase-bench-site, or $SHOWCASE_BENCH_SITE_CACHE), the first
N of one fixed sequence for each size, and all sizes share one media cache, warmed by an untimed
first build. Then, for each size, it times warm builds as subprocesses, interleaved:

  floor N     plain `mkdocs build` of a mkdocs-material project (kept in the cache) with N plain
              pages, a heading and a paragraph each (plus a home and a contribute page), with the
              same theme settings, Markdown extensions, `use_directory_urls` and search plugin as
              the archive (all taken from the repository's mkdocs.yml at run time);
  floor P     the same with as many pages as the Showcase site really writes (P > N: people,
              tags, credits, lists, collaborations);
  showcase    `showcase build` of the archive (check, media cache lookups, then mkdocs);
  mkdocs      plain `mkdocs build` of the archive (the plugin does the same work).

The floor's pages are left out of the navigation (`not_in_nav`, nav omitted), which is the fair
floor: Material renders the whole navigation into every page, so N pages listed in the nav
cost O(N^2) (the issue measured 1,000 listed pages at 15 s, unlisted at 1.5 s). Showcase keeps
its record, person, tag and credits pages out of the nav for that reason; a floor with the pages
listed would be ten times slower and hide any cost of ours behind Material's. The floor keeps
what every build pays: Python and mkdocs start-up, Material's theme, the search index, copying
the assets. "floor N" is the issue's definition (as many pages as records); "floor P" compares
page for page.

It prints the median and minimum wall time, the median CPU time (user + system) and the peak RSS
of each command (os.wait4), the ratio to each floor, the time per record, and whether the build
scales linearly (the marginal cost per record between sizes, on medians and on minimums: on a
shared machine other load only adds time, so the minimums are steadier). The verdict against the
1.5x target is the median of each round's own ratio of `showcase build` to floor N: the two run
back to back, so the machine's drift between rounds cancels out. A timed `showcase build` that
runs media jobs (the cache was invalidated meanwhile) is dropped and run again. With --profile it
also times the phases of one build of the largest size in-process (check, media, plugin events,
Markdown, templates, copying, the swap) and profiles one with cProfile.

    .venv/bin/python tests/benchmarks/bench_site.py                 # 250, 500, 1000 records
    .venv/bin/python tests/benchmarks/bench_site.py --records 2000  # one size
    .venv/bin/python tests/benchmarks/bench_site.py --profile       # + breakdown and cProfile

Not collected by pytest (its name is bench_*.py). See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

# The same license rules as the check benchmark (both run as scripts from this folder).
from bench_check_changed import elements, remix_license  # noqa: E402
from installed import compile_builder  # noqa: E402 - beside this script

REPO = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
SHOWCASE = PYTHON.parent / "showcase"
MKDOCS = PYTHON.parent / "mkdocs"
CACHE = Path(
    os.environ.get("SHOWCASE_BENCH_SITE_CACHE", Path.home() / ".cache" / "showcase-bench-site")
)
GENERATOR = 1  # bump when the generated records change: the pool is made again
SEED = 20240611
TARGET = 1.5
SITE_URL = "https://bench.example.org/"

# --- the records, as data (prefix-stable: the first N records never depend on how many follow) ----

FIRST = (
    "ana alba bo cyrus dana eli farah gus hana ivo jun kai lea milo nia omar pia quin rosa sami "
    "tomas uma vera wen xavi yara zeno"
).split()
LAST = "lima berg okafor tanaka novak silva moreau haddad kowalski reyes".split()
WORDS = (
    "night train river lantern harbor echo copper winter field glass orbit paper tide ember meadow "
    "signal quiet thunder velvet chalk salt morning hollow ferry static moss cinder loom ash kite"
).split()
TAGS = (
    "field-recording ambient poem sketch loop collage portrait night city sea voice drums ink "
    "watercolor short remix chime drone piano tape lofi zine typography photo film noise choir "
    "bass synth rain birds street archive letter story map dream winter summer studio"
).split()
ROLES = {
    "text": ("writer", "writer", "editor", "translator"),
    "image": ("illustrator", "photographer", "designer", "illustrator"),
    "audio": ("composer", "performer", "sound-designer", "voice", "producer"),
    "video": ("director", "animator", "editor", "camera"),
}
ROOT_LICENSES = (
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
)
OUTSIDE_LICENSES = ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0")
COLLABS = {
    "night-sounds": ("Night Sounds", "open", "2027-03-01"),
    "river-stories": ("River Stories", "closed", None),
    "winter-zine": ("Winter Zine", "open", None),
}
HANDLES = tuple(
    f"{FIRST[i % len(FIRST)]}-{LAST[(i * 7) % len(LAST)]}" + (f"{i // 50}" if i >= 50 else "")
    for i in range(100)
)
HANDLE_WEIGHTS = tuple(
    1 / (k + 1) ** 0.9 for k in range(len(HANDLES))
)  # a few prolific, many occasional
PROFILES = HANDLES[:30:2] + HANDLES[40:100:12]  # people with a content/people/<handle>.md
TAG_WEIGHTS = tuple(1 / (k + 1) ** 0.7 for k in range(len(TAGS)))


def display_name(handle: str) -> str:
    return " ".join(w.capitalize() for w in re.sub(r"\d+$", "", handle).split("-"))


def plan_records(n: int, seed: int = SEED) -> list[dict]:
    """Specs of n records. Record i's sources are records < i: any prefix is a whole archive."""
    rng = random.Random(seed)
    specs: list[dict] = []
    usable: list[int] = []  # may be remixed (not ND, not withdrawn)
    for i in range(n):
        production = i >= 20 and rng.random() < 0.06
        withdrawn = not production and i >= 10 and rng.random() < 0.01
        rtype = rng.choices(
            ("text", "image", "audio", "video"), (2, 2, 4, 2) if production else (30, 38, 24, 8)
        )[0]
        rid = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i:04d}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize()
        spec: dict = {
            "id": rid,
            "i": i,
            "type": rtype,
            "title": title,
            "kind": "production" if production else None,
            "seed": rng.randrange(1 << 30),
        }
        # Sources: remixes of recent records (lineages) or of anything, sometimes an outside work.
        parents: list[int] = []
        if usable and (production or rng.random() < 0.55):
            for _ in range(
                rng.randint(2, 5) if production else rng.choices((1, 2, 3), (6, 3, 1))[0]
            ):
                pool = usable[-30:] if rng.random() < 0.6 else usable
                parents.append(rng.choice(pool))
            parents = list(dict.fromkeys(parents))
        outside = None
        if rng.random() < 0.06:
            outside = {
                "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}",
                "author": display_name(rng.choice(HANDLES)) + " (elsewhere)",
                "url": f"https://example.org/works/{rng.randrange(10**6)}",
                "license": rng.choice(OUTSIDE_LICENSES),
            }
        parent_lics = [specs[p]["license"] for p in parents] + (
            [outside["license"]] if outside else []
        )
        lic = remix_license(rng, parent_lics) if parent_lics else rng.choice(ROOT_LICENSES)
        while lic is None:  # incompatible sources: keep the first only
            parents, outside = parents[:1], None
            lic = remix_license(rng, [specs[p]["license"] for p in parents])
        spec["license"] = lic
        spec["sources"] = [specs[p]["id"] for p in parents] + ([outside] if outside else [])
        spec["depth"] = 1 + max((specs[p]["depth"] for p in parents), default=-1)
        # People: 1-3 contributors, production crews larger.
        people = []
        for _ in range(rng.randint(2, 4) if production else rng.choices((1, 2, 3), (6, 3, 1))[0]):
            handle = rng.choices(HANDLES, HANDLE_WEIGHTS)[0]
            people.append((handle, rng.choice(ROLES[rtype]), rng.random() < 0.5))
        spec["contributors"] = list({(h, r): (h, r, nm) for h, r, nm in people}.values())
        year = 2019 + min(7, i // 150)  # later records are newer
        spec["created"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        spec["tags"] = (
            list(dict.fromkeys(rng.choices(TAGS, TAG_WEIGHTS, k=rng.randint(1, 4))))
            if rng.random() < 0.8
            else []
        )
        spec["collaboration"] = rng.choice(sorted(COLLABS)) if rng.random() < 0.08 else None
        spec["description"] = None
        if rng.random() < 0.4 or production:
            spec["description"] = (
                f"Made from *{rng.choice(WORDS)}* and {rng.choice(WORDS)}, on a "
                f"{rng.choice(WORDS)} evening.\n\n- take {rng.randint(1, 9)}\n- "
                f"mixed at [the studio](https://example.org/studio)\n"
            )
        # Media: the file, a poster, captions, a transcript.
        spec["withdrawn"] = (
            {"date": f"{year}-12-30", "reason": "Taken back by its contributor."}
            if withdrawn
            else None
        )
        spec["file"] = spec["poster"] = spec["captions"] = spec["transcript"] = spec["alt"] = None
        spec["media"] = None
        if not withdrawn:
            if rtype == "text":
                ext = ".md" if rng.random() < 0.85 else ".txt"
                spec["file"], spec["media"] = (
                    f"{rng.choice(WORDS)}{ext}",
                    {"lines": rng.randint(4, 24)},
                )
            elif rtype == "image":
                ext = ".jpg" if rng.random() < 0.7 else ".png"
                w, h = rng.choice(
                    (
                        (480, 360),
                        (640, 480),
                        (800, 600),
                        (1024, 768),
                        (1200, 900),
                        (600, 800),
                        (900, 1200),
                        (1000, 1000),
                    )
                )
                spec["file"], spec["media"] = f"{rng.choice(WORDS)}{ext}", {"size": (w, h)}
            elif rtype == "audio":
                ext = rng.choices((".mp3", ".ogg", ".flac", ".wav"), (35, 25, 15, 25))[0]
                spec["file"] = f"{rng.choice(WORDS)}{ext}"
                spec["media"] = {
                    "seconds": round(rng.uniform(1.5, 6.0), 1),
                    "freq": rng.randint(110, 1200),
                    "stereo": rng.random() < 0.5,
                }
                if rng.random() < 0.12 or (production and rng.random() < 0.5):
                    spec["poster"] = "cover.jpg"
                if rng.random() < 0.1:
                    spec["transcript"] = "transcript.vtt"
            else:
                ext = ".mp4" if rng.random() < 0.8 else ".webm"
                spec["file"] = f"{rng.choice(WORDS)}{ext}"
                spec["media"] = {
                    "seconds": rng.choice((1, 1, 2)),
                    "hue": rng.randint(0, 359),
                    "freq": rng.randint(110, 1200),
                }
                if rng.random() < 0.25:
                    spec["captions"] = "captions.vtt"
                if rng.random() < 0.1:
                    spec["poster"] = "poster.jpg"
            if rtype in ("image", "video") or spec["poster"]:
                spec["alt"] = (
                    f"A {rng.choice(WORDS)} {rng.choice(WORDS)} in {rng.choice(WORDS)} light"
                )
        spec["explicit"] = False if production and rtype in ("audio", "video") else None
        specs.append(spec)
        if "ND" not in elements(lic) and not withdrawn:
            usable.append(i)
    return specs


def record_yaml(spec: dict) -> str:
    """The record.yaml of a spec, written the way people write them (block style, plain values)."""
    lines = [f"title: {spec['title']}", f"type: {spec['type']}"]
    if spec["file"]:
        lines.append(f"file: {spec['file']}")
    if spec["kind"]:
        lines.append(f"kind: {spec['kind']}")
    lines.append("contributors:")
    for handle, role, named in spec["contributors"]:
        lines.append(f"  - handle: {handle}")
        lines.append(f"    role: {role}")
        if named:
            lines.append(f"    name: {display_name(handle)}")
    lines += [f"license: {spec['license']}", f"created: {spec['created']}"]
    lines += [
        f"{key}: {spec[key]}" for key in ("alt", "poster", "captions", "transcript") if spec[key]
    ]
    if spec["sources"]:
        lines.append("sources:")
        for source in spec["sources"]:
            if isinstance(source, str):
                lines.append(f"  - {source}")
            else:
                lines.append(f"  - title: {source['title']}")
                lines += [f"    {k}: {source[k]}" for k in ("author", "url", "license")]
    if spec["tags"]:
        lines.append("tags: [" + ", ".join(spec["tags"]) + "]")
    if spec["collaboration"]:
        lines.append(f"collaboration: {spec['collaboration']}")
    if spec["description"]:
        lines.append("description: |")
        lines += [f"  {ln}" if ln else "" for ln in spec["description"].rstrip("\n").split("\n")]
    if spec["explicit"] is not None:
        lines.append(f"explicit: {'true' if spec['explicit'] else 'false'}")
    if spec["withdrawn"]:
        lines += [
            "withdrawn:",
            f"  date: {spec['withdrawn']['date']}",
            f"  reason: {spec['withdrawn']['reason']}",
        ]
    return "\n".join(lines) + "\n"


# --- the media ------------------------------------------------------------------------------------


def ffmpeg(*args: str) -> None:
    from builder.media.tools import find_tools

    subprocess.run(
        [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=120,
    )


def draw_image(path: Path, size: tuple[int, int], seed: int, photo: bool) -> None:
    """A distinct picture: a tinted gradient, shapes, and (for 'photos') fine grain, so JPEGs
    weigh what small photos weigh."""
    from PIL import Image, ImageDraw, ImageOps

    rng = random.Random(seed)
    w, h = size
    colour = lambda: tuple(rng.randrange(256) for _ in range(3))  # noqa: E731
    base = ImageOps.colorize(
        Image.linear_gradient("L").rotate(rng.randrange(360)).resize((w, h)), colour(), colour()
    )
    draw = ImageDraw.Draw(base)
    for _ in range(rng.randint(6, 30)):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randint(10, max(11, min(w, h) // 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(
            (x - r, y - r, x + r, y + r), fill=colour()
        )
    if photo:
        grain = Image.frombytes(
            "RGB", (w // 3, h // 3), rng.randbytes((w // 3) * (h // 3) * 3)
        ).resize((w, h))
        base = Image.blend(base, grain, 0.12)
        base.save(path, "JPEG", quality=88)
    else:
        base.save(path, "PNG", optimize=False)


def make_media(folder: Path, spec: dict) -> None:
    kind, m, seed = spec["type"], spec["media"], spec["seed"]
    rng = random.Random(seed)
    if spec["withdrawn"]:
        return
    out = folder / spec["file"]
    if kind == "text":
        lines = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(m["lines"])
        ]
        if out.suffix == ".md":
            body = f"# {spec['title']}\n\n" + "\n".join(
                (f"*{ln}*" if k % 5 == 4 else ln) + ("\n" if k % 4 == 3 else "  ")
                for k, ln in enumerate(lines)
            )
        else:
            body = spec["title"] + "\n\n" + "\n".join(lines)
        out.write_text(body + "\n", encoding="utf-8")
    elif kind == "image":
        draw_image(out, m["size"], seed, out.suffix == ".jpg")
    elif kind == "audio":
        d, f = m["seconds"], m["freq"]
        args = [
            "-f",
            "lavfi",
            "-i",
            f"sine=f={f}:sample_rate=44100:d={d}",
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=d={d}:c=pink:a=0.04:seed={seed % 100000}:r=44100",
            "-filter_complex",
            "[0:a][1:a]amix=inputs=2:normalize=0"
            + (",aformat=channel_layouts=stereo" if m["stereo"] else ""),
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
        ]
        codec = {
            ".mp3": ["-c:a", "libmp3lame", "-b:a", "96k"],
            ".ogg": ["-c:a", "libvorbis", "-q:a", "3"],
            ".flac": ["-c:a", "flac"],
            ".wav": ["-c:a", "pcm_s16le"],
        }[out.suffix]
        ffmpeg(*args, *codec, str(out))
    else:
        d, hue, f = m["seconds"], m["hue"], m["freq"]
        args = [
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s=192x144:r=24:d={d}",
            "-f",
            "lavfi",
            "-i",
            f"sine=f={f}:d={d}",
            "-vf",
            f"hue=h={hue}",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-shortest",
        ]
        if out.suffix == ".mp4":
            codec = [
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-movflags",
                "+faststart",
            ]
        else:
            codec = [
                "-c:v",
                "libvpx",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "200k",
                "-c:a",
                "libvorbis",
                "-q:a",
                "2",
            ]
        ffmpeg(*args, *codec, str(out))
    if spec["poster"]:
        draw_image(folder / spec["poster"], (480, 480), seed + 1, True)
    for name in (spec["captions"], spec["transcript"]):
        if name:
            cues = "\n".join(
                f"00:00:{k:02d}.000 --> 00:00:{k + 1:02d}.000\n"
                f"{rng.choice(WORDS)} {rng.choice(WORDS)}\n"
                for k in range(3)
            )
            (folder / name).write_text(f"WEBVTT\n\n{cues}", encoding="utf-8")


def make_pool(pool: Path, n: int) -> list[dict]:
    """records/ of n records under `pool` (reused when a previous run made at least as many)."""
    stamp = pool / "pool.json"
    specs = plan_records(n)
    if stamp.is_file():
        made = json.loads(stamp.read_text())
        if (
            made.get("generator") == GENERATOR
            and made.get("seed") == SEED
            and made.get("n", 0) >= n
        ):
            return specs
    shutil.rmtree(pool, ignore_errors=True)
    (pool / "records").mkdir(parents=True)
    print(f"generating {n} records with media into {pool} (once) ...", flush=True)
    t0 = time.perf_counter()

    def one(spec: dict) -> None:
        folder = pool / "records" / spec["id"]
        folder.mkdir()
        make_media(folder, spec)
        (folder / "record.yaml").write_text(record_yaml(spec), encoding="utf-8")

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        list(ex.map(one, specs))
    stamp.write_text(json.dumps({"generator": GENERATOR, "seed": SEED, "n": n}))
    print(f"  made in {time.perf_counter() - t0:.0f} s", flush=True)
    return specs


# --- the two projects: the archive and the plain-pages floor --------------------------------------


class _EnvLoader(yaml.SafeLoader):
    pass


_EnvLoader.add_constructor(
    "!ENV",
    lambda loader, node: (
        loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None
    ),
)


def repo_settings() -> dict:
    """The repository's theme, Markdown extensions, URL style and plugin options, read now:
    the benchmark measures the site as it is configured today."""
    cfg = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=_EnvLoader)
    theme = dict(cfg.get("theme") or {"name": "material"})
    theme.pop("custom_dir", None)  # the plugin adds the builder's own theme folder itself
    search, showcase = {}, {}
    for item in cfg.get("plugins") or []:
        name, opts = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if name == "search":
            search = opts or {}
        elif name == "showcase":
            showcase = dict(opts or {})
    return {
        "theme": theme,
        "markdown_extensions": cfg.get("markdown_extensions") or [],
        "use_directory_urls": cfg.get("use_directory_urls", True),
        "search": search,
        "showcase": showcase,
    }


def _common(settings: dict, name: str, docs: str) -> dict:
    return {
        "site_name": name,
        "site_description": "A synthetic archive for benchmarks.",
        "site_url": SITE_URL,
        "docs_dir": docs,
        "site_dir": "site",
        "use_directory_urls": settings["use_directory_urls"],
        "theme": settings["theme"],
    }


def make_archive(
    root: Path, specs: list[dict], pool: Path, settings: dict, media_cache: Path
) -> None:
    """The archive of the first len(specs) records of the pool; reused when already made."""
    stamp = root / "archive.json"
    want = {"generator": GENERATOR, "seed": SEED, "n": len(specs)}
    if not (stamp.is_file() and json.loads(stamp.read_text()) == want):
        shutil.rmtree(root, ignore_errors=True)
        (root / "records").mkdir(parents=True)
        for spec in specs:
            shutil.copytree(pool / "records" / spec["id"], root / "records" / spec["id"])
        content = root / "content"
        for sub in ("people", "collaborations"):
            (content / sub).mkdir(parents=True)
        (content / "index.md").write_text(
            "# Bench archive\n\nA synthetic archive for the site benchmark.\n"
        )
        (content / "contribute.md").write_text(
            "# Contribute\n\nOpen a pull request with a record.\n"
        )
        for slug, (title, status, deadline) in COLLABS.items():
            front = f"title: {title}\nstatus: {status}\n" + (
                f"deadline: {deadline}\n" if deadline else ""
            )
            (content / "collaborations" / f"{slug}.md").write_text(
                f"---\n{front}---\n\nMake something about *{title.lower()}*. Remixes welcome.\n"
            )
        for k, handle in enumerate(PROFILES):
            avatar = f"{handle}.png" if k % 3 == 0 else None
            if avatar:
                draw_image(content / "people" / avatar, (96, 96), k, False)
            (content / "people" / f"{handle}.md").write_text(
                f"---\nname: {display_name(handle)}\nlinks:\n  - https://example.org/{handle}\n"
                + (f"avatar: {avatar}\n" if avatar else "")
                + "---\n\n"
                f"Works with {random.Random(k).choice(WORDS)} "
                f"and {random.Random(k + 1).choice(WORDS)}. "
                "Based somewhere *quiet*.\n"
            )
        stamp.write_text(json.dumps(want))
    showcase = {**settings["showcase"], "cache_dir": str(media_cache)}
    feeds = _feeds(dict(showcase.get("feeds") or {}))
    if feeds:
        showcase["feeds"] = feeds
        cover = root / feeds["cover"] if feeds.get("cover") else None
        if cover is not None and not cover.is_file():  # the podcast's artwork, 1400 px square
            cover.parent.mkdir(parents=True, exist_ok=True)
            draw_image(cover, (1400, 1400), 1400, cover.suffix.lower() in (".jpg", ".jpeg"))
    config = _common(settings, "Bench archive", "content")
    config["plugins"] = [
        {"search": settings["search"]} if settings["search"] else "search",
        {"showcase": showcase},
    ]
    config["markdown_extensions"] = settings["markdown_extensions"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def _feeds(feeds: dict) -> dict:
    """The repository's feeds settings; when the builder publishes a podcast (the archive has
    audio and video productions) and they lack its owner or cover, ours."""
    try:
        from builder.feeds.settings import FeedsConfig

        keys = {key for key, _ in FeedsConfig._schema}
    except (ImportError, AttributeError):
        return feeds
    if "owner_email" in keys and not feeds.get("owner_email"):
        feeds["owner_email"] = "podcast@bench.example.org"
    if "cover" in keys and not feeds.get("cover"):
        feeds["cover"] = "content/podcast-cover.png"
    if feeds.get("cover") and Path(feeds["cover"]).suffix.lower() not in (".png", ".jpg", ".jpeg"):
        feeds["cover"] = "content/podcast-cover.png"
    return feeds


PARAGRAPH = (
    "The {w1} {w2} came in with the {w3}, and nobody on the {w4} said a word about it. "
    "We kept the recording running through the {w5} and the {w6}, then cut it down to what "
    "mattered: a few seconds of {w7}, a {w8} held a little too long, the {w9} at the end."
)


def make_floor(root: Path, pages: int, settings: dict) -> None:
    """A plain mkdocs-material project: a home, a contribute page (in the nav, like the archive's)
    and `pages` plain pages left out of the nav."""
    if (root / "floor.json").is_file() and json.loads((root / "floor.json").read_text()) == {
        "pages": pages
    }:
        return
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    (docs / "pages").mkdir(parents=True)
    (docs / "index.md").write_text("# Floor\n\nPlain pages.\n")
    (docs / "contribute.md").write_text("# Contribute\n\nOpen a pull request with a record.\n")
    rng = random.Random(pages)
    for k in range(pages):
        words = {f"w{j}": rng.choice(WORDS) for j in range(1, 10)}
        title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
        (docs / "pages" / f"page-{k:05d}.md").write_text(
            f"# {title}\n\n{PARAGRAPH.format(**words)}\n"
        )
    config = _common(settings, "Floor", "docs")
    config["not_in_nav"] = "/pages/"
    config["plugins"] = [{"search": settings["search"]} if settings["search"] else "search"]
    config["markdown_extensions"] = settings["markdown_extensions"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "floor.json").write_text(json.dumps({"pages": pages}))


# --- measuring ------------------------------------------------------------------------------------


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int, str, float]:
    """Wall time (s), exit code, the child's own peak RSS (KiB), its output and its CPU time
    (user + system, s, its own subprocesses included)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return (
        elapsed,
        os.waitstatus_to_exitcode(status),
        usage.ru_maxrss,
        text,
        usage.ru_utime + usage.ru_stime,
    )


def run_ok(
    label: str, cmd: list[str], cwd: Path, retries: int = 3
) -> tuple[float, int, str, float]:
    """run(), retried after a minute when it fails (the builder may be mid-edit)."""
    for attempt in range(retries + 1):
        elapsed, code, rss, text, cpu = run(cmd, cwd)
        if code == 0:
            return elapsed, rss, text, cpu
        tail = "\n    ".join(text.strip().splitlines()[-6:])
        if attempt == retries:
            raise SystemExit(f"{label} failed (exit {code}) {retries + 1} times:\n    {tail}")
        print(f"  {label} failed (exit {code}); retrying in 60 s:\n    {tail}", flush=True)
        time.sleep(60)
    raise AssertionError


def media_line(text: str) -> str:
    return next(
        (ln.strip() for ln in text.splitlines() if ln.strip().startswith("media:")), "no media line"
    )


def count_pages(site: Path) -> int:
    return sum(1 for p in site.rglob("*.html") if p.name != "404.html")


def measure_size(n: int, specs: list[dict], args: argparse.Namespace, settings: dict) -> dict:
    arch = CACHE / f"archive-{n}"
    make_archive(arch, specs[:n], CACHE / "pool", settings, CACHE / "media-cache")
    showcase_cmd = [str(SHOWCASE), "build", "--site-dir", str(arch / "site-showcase")]
    mkdocs_cmd = [str(MKDOCS), "build", "-q", "-d", str(arch / "site-mkdocs")]
    # Warm-up, untimed: makes any missing media (the first time), compiles .pyc, fills the OS cache.
    t0 = time.perf_counter()
    _, _, text, _ = run_ok(f"showcase build ({n})", showcase_cmd, arch)
    print(
        f"{n} records: warm-up build in {time.perf_counter() - t0:.1f} s ({media_line(text)})",
        flush=True,
    )
    pages = count_pages(arch / "site-showcase")
    floors = {}
    for label, count in ((f"floor N ({n} pages)", n), (f"floor P ({pages} pages)", pages - 2)):
        root = CACHE / f"floor-{count}"
        make_floor(root, count, settings)
        floors[label] = root
        run_ok(label, [str(MKDOCS), "build", "-q"], root)  # warm-up
    commands = {
        **{label: ([str(MKDOCS), "build", "-q"], root) for label, root in floors.items()},
        "showcase build": (showcase_cmd, arch),
        "mkdocs build (archive)": (mkdocs_cmd, arch),
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    rss: dict[str, int] = dict.fromkeys(commands, 0)
    notes = []
    for _ in range(args.runs):  # interleaved, so drift on a shared machine hits all alike
        for label, (cmd, cwd) in commands.items():
            elapsed, peak, text, cpu = run_ok(label, cmd, cwd)
            line = media_line(text) if label == "showcase build" else ""
            if line and not line.startswith("media: 0 jobs run"):
                # The media cache was invalidated (a recipe or tool version changed): not a warm
                # build. Drop the sample; this build has warmed the cache again.
                notes.append(
                    f"dropped a showcase build that ran media jobs ({line}) and ran it again"
                )
                elapsed, peak, text, cpu = run_ok(label, cmd, cwd)
            times[label].append(elapsed)
            cpus[label].append(cpu)
            rss[label] = max(rss[label], peak)
    rows = {
        label: {
            "median": statistics.median(t),
            "min": min(t),
            "rss": rss[label],
            "cpu": statistics.median(cpus[label]),
        }
        for label, t in times.items()
    }
    # Each round times floor N and showcase build back to back: the ratio within a round is
    # untouched by the machine's drift between rounds, so its median is the steadiest figure.
    floor_n = next(iter(floors))
    paired = statistics.median(s / f for s, f in zip(times["showcase build"], times[floor_n]))
    return {
        "n": n,
        "pages": pages,
        "rows": rows,
        "floors": list(floors),
        "notes": notes,
        "paired": paired,
    }


def report(results: list[dict], runs: int) -> bool:
    print(f"\nmedian of {runs} warm builds each, interleaved; peak RSS of the process (os.wait4)")
    print(
        f"{'records':>7} {'pages':>6}  {'command':26} {'median s':>9} {'min s':>7} "
        f"{'ms/record':>9} {'x floor N':>9} {'x floor P':>9} {'peak RSS MB':>11} "
        f"{'CPU s':>6} {'CPU x N':>7}"
    )
    met = True
    for res in results:
        rows, (fn, fp) = res["rows"], res["floors"]
        for label, row in rows.items():
            per = row["median"] / res["n"] * 1000
            print(
                f"{res['n']:7d} {res['pages']:6d}  {label:26} "
                f"{row['median']:9.2f} {row['min']:7.2f} {per:9.2f} "
                f"{row['median'] / rows[fn]['median']:9.2f} "
                f"{row['median'] / rows[fp]['median']:9.2f} "
                f"{row['rss'] / 1024:11.0f} {row['cpu']:6.2f} {row['cpu'] / rows[fn]['cpu']:7.2f}"
            )
        print()
    for res in results:
        rows, (fn, fp) = res["rows"], res["floors"]
        ratio = rows["showcase build"]["median"] / rows[fn]["median"]
        ok = res["paired"] <= TARGET
        met &= ok
        sb = rows["showcase build"]
        print(
            f"{res['n']:5d} records: showcase build {sb['median']:.2f} s = {ratio:.2f}x floor N "
            f"({rows[fn]['median']:.2f} s), {sb['median'] / rows[fp]['median']:.2f}x floor P "
            f"({rows[fp]['median']:.2f} s); minimums {sb['min'] / rows[fn]['min']:.2f}x and "
            f"{sb['min'] / rows[fp]['min']:.2f}x; "
            f"CPU time {sb['cpu']:.2f} s = {sb['cpu'] / rows[fn]['cpu']:.2f}x floor N's\n"
            f"      median of the rounds' own ratios to floor N {res['paired']:.2f}x: "
            f"{'MEETS' if ok else 'MISSES'} the {TARGET}x target"
        )
        for note in res["notes"]:
            print(f"  NOTE: {note}")
    if len(results) > 1:
        print(
            "\nScaling: marginal seconds per 100 records between sizes "
            "(linear when they stay level), and a least-squares line; on the medians, "
            "then on the minimums (other load only adds time, so on a shared machine "
            "the minimum is the steadier figure)"
        )
        for stat in ("median", "min"):
            for name in ("showcase build", "mkdocs build (archive)", "floor N", "floor P"):
                xs = [r["n"] for r in results]
                ys = [_stat(r, name, stat) for r in results]
                steps = [
                    (xs[k], xs[k + 1], (ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k]) * 100)
                    for k in range(len(xs) - 1)
                ]
                slope, intercept = _fit(xs, ys)
                worst = max(abs(y - (slope * x + intercept)) / y for x, y in zip(xs, ys))
                print(
                    f"  {stat:6} {name:24} "
                    + "  ".join(f"{a}->{b}: {s:5.2f} s" for a, b, s in steps)
                    + f"   fit {intercept:5.2f} s + {slope * 1000:5.2f} ms/record, "
                    f"worst deviation {worst:.1%}"
                )
        for stat in ("median", "min"):
            per = [
                (_stat(b, "showcase build", stat) - _stat(a, "showcase build", stat))
                / (b["n"] - a["n"])
                for a, b in zip(results, results[1:])
            ]
            if len(per) > 1 and min(per) > 0:
                verdict = (
                    "linear"
                    if max(per) / min(per) <= 1.3
                    else "super-linear"
                    if per[-1] == max(per)
                    else "sub-linear (fixed costs weigh on the small sizes)"
                )
                print(
                    f"  showcase build ({stat}s): the marginal cost per record varies "
                    f"{max(per) / min(per):.2f}x across sizes: {verdict} (linear when <= 1.3x)"
                )
    return met


def _stat(res: dict, name: str, stat: str = "median") -> float:
    """A command's median or min; "floor N" and "floor P" name the size's floors."""
    if name in ("floor N", "floor P"):
        name = res["floors"][0 if name == "floor N" else 1]
    return res["rows"][name][stat]


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
    return slope, my - slope * mx


# --- where the time goes (--profile) --------------------------------------------------------------

BREAKDOWN = textwrap.dedent("""
    import collections, sys, time
    t0 = time.perf_counter()
    import builder.cli as cli
    import builder.pipeline as P
    import builder.plugin as PL
    import jinja2, mkdocs.plugins
    from mkdocs.commands import build as B
    from mkdocs.structure.files import Files
    t_import = time.perf_counter() - t0
    spent = collections.defaultdict(float)
    calls = collections.Counter()
    def timed(owner, name, label):
        original = getattr(owner, name, None)
        if original is None:
            return
        def wrapper(*a, **k):
            s = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[label] += time.perf_counter() - s
                calls[label] += 1
        setattr(owner, name, wrapper)
    # (depth, label, owner, attribute): each line is part of the nearest shallower line above
    PHASES = [
        (0, "cli: check_archive (load records + rules)", cli, "check_archive"),
        (0, "cli: prepare (the check reused; media)", P, "prepare"),
        (1, "run_media (hash inputs, read manifests)", P, "run_media"),
        (0, "cli: _mkdocs_config (mkdocs.yml, plugins, theme)", cli, "_mkdocs_config"),
        (0, "mkdocs build()", B, "build"),
        (1, "showcase on_files: feeds", PL, "feed_files"),
        (1, "showcase on_files: catalog.json", PL, "catalog"),
        (1, "showcase on_files: credits_of (credits.json)", PL, "credits_of"),
        (1, "showcase on_files: site_pages (the page list)", PL, "site_pages"),
        (1, "get_navigation", B, "get_navigation"),
        (1, "_populate_page (read, Markdown, page events)", B, "_populate_page"),
        (1, "_build_page (context, page events, template, write)", B, "_build_page"),
        (2, "get_context", B, "get_context"),
        (1, "_build_theme_template (404.html, sitemap.xml)", B, "_build_theme_template"),
        (1, "Files.copy_static_files (theme assets, media)", Files, "copy_static_files"),
        (0, "cli: _swap (replace the previous site)", cli, "_swap"),
    ]
    try:
        from builder.staging import StagedSite
        PHASES.insert(
            -1, (1, "StagedSite.commit (swap in, remove the previous site)", StagedSite, "commit")
        )
    except ImportError:
        pass
    for _, label, owner, attr in PHASES:
        timed(owner, attr, label)
    original_render = jinja2.Template.render
    def render(self, *a, **k):
        s = time.perf_counter()
        try:
            return original_render(self, *a, **k)
        finally:
            label = "template " + str(self.name)
            spent[label] += time.perf_counter() - s
            calls[label] += 1
    jinja2.Template.render = render
    def run_event(self, name, item=None, **kwargs):
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            s = time.perf_counter()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            label = f"event {self._current_plugin}.on_{name}"
            spent[label] += time.perf_counter() - s
            calls[label] += 1
            if result is not None:
                item = result
        self._current_plugin = None
        return item
    mkdocs.plugins.PluginCollection.run_event = run_event
    s = time.perf_counter()
    code = cli.main(["build", "--site-dir", sys.argv[1]])
    total = time.perf_counter() - s + t_import
    def line(label, secs, n, depth=0):
        name = "  " * depth + label
        print(f"{name[:66]:66} {secs * 1000:8.0f} ms {secs / total:6.1%} {n:6d} calls")
    print("phases (each indented line is part of the line above it):")
    line("import builder.cli, mkdocs.commands.build, jinja2", t_import, 1)
    for depth, label, _, _ in PHASES:
        if calls[label]:  # a phase the builder no longer has (or not here) is left out
            line(label, spent.pop(label, 0.0), calls[label], depth)
    line(f"in-process total (exit {code})", total, 1)
    for title, prefix in (
        ("plugin events (each is part of a phase above)", "event "),
        ("templates rendered (part of _build_page / _build_theme_template)", "template "),
    ):
        print(title + ":")
        for label, secs in sorted(spent.items(), key=lambda kv: -kv[1]):
            if label.startswith(prefix) and secs >= 0.002:
                line(label[len(prefix):], secs, calls[label], 1)
""")


def profile(n: int) -> None:
    import pstats

    arch = CACHE / f"archive-{n}"
    out = Path(tempfile.mkdtemp(prefix="showcase-bench-site-"))
    try:
        print(
            f"\nWhere one warm `showcase build` of {n} records spends its time "
            "(in-process, timed by wrappers, no profiler; it replaces a site, as in the table):"
        )
        for site in ("site-a", "site-b"):  # the measured builds replace a site, as in the table
            run([str(SHOWCASE), "build", "--site-dir", str(out / site)], arch)
        subprocess.run([str(PYTHON), "-c", BREAKDOWN, str(out / "site-a")], cwd=arch, check=False)
        prof = out / "build.prof"
        for attempt in range(4):  # cProfile exits 0 whatever the build did: look for its last line
            done = subprocess.run(
                [
                    str(PYTHON),
                    "-m",
                    "cProfile",
                    "-o",
                    str(prof),
                    "-m",
                    "builder.cli",
                    "build",
                    "--site-dir",
                    str(out / "site-b"),
                ],
                cwd=arch,
                capture_output=True,
                text=True,
            )
            if "Site written to" in done.stdout:
                break
            tail = "\n    ".join((done.stdout + done.stderr).strip().splitlines()[-4:])
            print(
                f"  the profiled build failed{'; retrying in 60 s' if attempt < 3 else ''}:"
                f"\n    {tail}"
            )
            if attempt == 3:
                return
            time.sleep(60)
        stats = pstats.Stats(str(prof))
        entries = []
        for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            entries.append((_where(file, line, func), nc, tt, ct))
        total = max(ct for *_, ct in entries)
        groups = (
            ("builder/ (ours)", lambda w: w.startswith("builder/")),
            ("mkdocs/ and material/", lambda w: w.startswith(("mkdocs/", "material/"))),
            ("everything (by own time)", lambda w: True),
        )
        for title, keep in groups:
            chosen = [e for e in entries if keep(e[0])]
            key = (lambda e: e[2]) if "own" in title else (lambda e: e[3])
            chosen.sort(key=key, reverse=True)
            print(
                f"\ncProfile, {title}: top 20 by {'own' if 'own' in title else 'cumulative'} time "
                f"(profiled total {total:.2f} s; profiling inflates Python-heavy code)"
            )
            print(f"{'function':72} {'calls':>8} {'own s':>7} {'cum s':>7} {'cum %':>6}")
            for where, nc, tt, ct in chosen[:20]:
                print(f"{where[:72]:72} {nc:8d} {tt:7.2f} {ct:7.2f} {ct / total:6.1%}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _where(file: str, line: int, func: str) -> str:
    if file == "~":
        return f"<built-in> {func}"
    for marker in ("/site-packages/", str(REPO) + "/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}({func})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records",
        type=int,
        nargs="+",
        default=[250, 500, 1000],
        help="archive sizes to measure (default 250 500 1000)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="timed warm builds of each command per size (default 3)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also break down and cProfile one warm build of the largest size",
    )
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="only the breakdown and cProfile of the largest size (no timed builds)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="generate the records and the media cache again"
    )
    args = parser.parse_args()
    for tool in (SHOWCASE, MKDOCS):
        if not tool.exists():
            print(
                f"no {tool.name} command next to {PYTHON}: install the project (pip install -e .)",
                file=sys.stderr,
            )
            return 2
    sys.path.insert(0, str(REPO))
    if args.fresh:
        shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.records))
    specs = make_pool(CACHE / "pool", sizes[-1])
    settings = repo_settings()
    big = specs[: sizes[-1]]
    kinds = {t: sum(1 for s in big if s["type"] == t) for t in ("text", "image", "audio", "video")}
    print(
        f"archive of {len(big)}: "
        + ", ".join(f"{v} {k}" for k, v in kinds.items())
        + f"; {sum(1 for s in big if s['kind'])} productions, "
        f"{sum(1 for s in big if s['withdrawn'])} withdrawn, "
        f"{len({h for s in big for h, _, _ in s['contributors']})} contributors, "
        f"{len({t for s in big for t in s['tags']})} tags, "
        f"{sum(1 for s in big if s['sources'])} remixes "
        f"(deepest lineage {max(s['depth'] for s in big)}), "
        f"{sum(1 for s in big if s['collaboration'])} "
        f"answers to {len(COLLABS)} collaborations"
    )
    print(
        f"cache: {CACHE}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(compile_builder())
    print(
        f"theme {settings['theme'].get('name')} "
        f"(features: {', '.join(settings['theme'].get('features', []))}), "
        f"use_directory_urls: {settings['use_directory_urls']}\n",
        flush=True,
    )
    # Every archive must check clean, or the timings measure a refusal.
    for n in sizes:
        make_archive(
            CACHE / f"archive-{n}", specs[:n], CACHE / "pool", settings, CACHE / "media-cache"
        )
    elapsed, code, _, text, _ = run([str(SHOWCASE), "check"], CACHE / f"archive-{sizes[-1]}")
    if code != 0:
        print(
            f"`showcase check` finds problems in the synthetic archive (exit {code}):\n"
            f"{text[-3000:]}",
            file=sys.stderr,
        )
        return 1
    print(f"showcase check of {sizes[-1]} records: clean in {elapsed:.2f} s\n", flush=True)
    if args.profile_only:
        profile(sizes[-1])
        return 0
    results = [measure_size(n, specs, args, settings) for n in sizes]
    met = report(results, args.runs)
    if args.profile:
        profile(sizes[-1])
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
