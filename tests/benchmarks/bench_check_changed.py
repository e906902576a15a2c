"""How fast is `showcase check --changed` on a large archive? (SPEC §3: "about a second").

Builds a synthetic, clean archive of N records (default 5,000) in a temporary folder: small
record.yaml files with contributors, licenses that honour their sources, tags, sources forming
lineages of varying depth (including several 200-deep chains), each with a tiny real media file
(Markdown, a 1×1 PNG, a short WAV). It commits that on `main`, then makes a branch that adds one
record (remixing the tip of a 200-deep chain) and modifies one (in the middle of another chain, so
the change reaches ~100 downstream remixes), and times the commands as CI runs them, as
subprocesses, against a baseline measured in the same run:

    .venv/bin/python tests/benchmarks/bench_check_changed.py [--records N] [--profile] [--keep]

Not collected by pytest (its name is bench_*.py). See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
SHOWCASE = PYTHON.parent / "showcase"

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c51a1c1c0c0c0c4c0c0c0c0c0000011aa016c79c676260000000049454e44ae426082"
)  # 2×2 RGB


def tiny_wav() -> bytes:
    frames = b"\x00\x00" * 800  # 0.1 s of silence, 8 kHz mono 16-bit
    fmt = (
        b"fmt "
        + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little")
        + (1).to_bytes(2, "little")
        + (8000).to_bytes(4, "little")
        + (16000).to_bytes(4, "little")
        + (2).to_bytes(2, "little")
        + (16).to_bytes(2, "little")
    )
    data = b"data" + len(frames).to_bytes(4, "little") + frames
    body = b"WAVE" + fmt + data
    return b"RIFF" + len(body).to_bytes(4, "little") + body


WORDS = (
    "night train river lantern harbor echo copper winter field glass orbit paper tide ember "
    "meadow signal quiet thunder velvet chalk"
).split()
ROLES = (
    "writer",
    "illustrator",
    "composer",
    "performer",
    "editor",
    "director",
    "animator",
    "voice",
    "photographer",
)
TAGS = (
    "field-recording",
    "ambient",
    "poem",
    "sketch",
    "loop",
    "collage",
    "portrait",
    "night",
    "city",
    "sea",
    "voice",
    "drums",
    "ink",
    "watercolor",
    "short",
)
ROOT_LICENSES = (
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
)
COLLABS = ("night-sounds", "river-stories", "winter-zine")


def elements(spdx: str) -> set[str]:
    return set() if spdx == "CC0-1.0" else set(spdx[3:-4].split("-"))


def remix_license(rng: random.Random, parents: list[str]) -> str | None:
    """A license that honours every parent's (so the archive checks clean), or None if none can."""
    sa = {p for p in parents if "SA" in elements(p)}
    nc = any("NC" in elements(p) for p in parents)
    if any("ND" in elements(p) for p in parents) or len(sa) > 1:
        return None
    if sa:
        (only,) = sa
        return only if (not nc or "NC" in elements(only)) else None
    if nc:
        return rng.choice(("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"))
    return rng.choice(("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0"))


def record_yaml(
    rid: str,
    rng: random.Random,
    rtype: str,
    file: str,
    license_: str,
    sources: list[str],
    title: str | None = None,
) -> str:
    title = title or " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))).capitalize()
    lines = [f"title: {title}", f"type: {rtype}", f"file: {file}"]
    if rng.random() < 0.05:
        lines.append("kind: production")
    lines.append("contributors:")
    for _ in range(rng.randint(1, 3)):
        lines.append(f"  - handle: person{rng.randrange(300):03d}")
        lines.append(f"    role: {rng.choice(ROLES)}")
        if rng.random() < 0.3:
            lines.append(
                f"    name: {rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()}"
            )
    lines.append(f"license: {license_}")
    lines.append(
        f"created: 20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    )
    if rtype in ("image", "video"):
        lines.append(f"alt: A {rng.choice(WORDS)} {rng.choice(WORDS)} in {rng.choice(WORDS)} light")
    if sources:
        lines.append("sources:")
        lines.extend(f"  - {s}" for s in sources)
    if rng.random() < 0.7:
        lines.append("tags: [" + ", ".join(rng.sample(TAGS, rng.randint(1, 4))) + "]")
    if rng.random() < 0.3:
        lines.append("description: |")
        lines.append(f"  Made from {rng.choice(WORDS)} and {rng.choice(WORDS)}.")
        lines.append(f"  Recorded on a *{rng.choice(WORDS)}* evening.")
    if rng.random() < 0.05:
        lines.append(f"collaboration: {rng.choice(COLLABS)}")
    return "\n".join(lines) + "\n"


MEDIA = {
    "text": ("piece.md", None),
    "image": ("picture.png", TINY_PNG),
    "audio": ("sound.wav", tiny_wav()),
}


def build_archive(root: Path, n: int, seed: int = 7) -> dict:
    """Writes the archive; returns facts the benchmark needs (ids of chains, licenses)."""
    rng = random.Random(seed)
    (root / "records").mkdir(parents=True)
    for sub in ("people", "collaborations"):
        (root / "content" / sub).mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\ndocs_dir: content\ntheme:\n  name: material\nplugins:\n  - showcase\n"
    )
    (root / "content" / "index.md").write_text("# Bench\n")
    for slug in COLLABS:
        (root / "content" / "collaborations" / f"{slug}.md").write_text(
            f"---\ntitle: {slug.replace('-', ' ').title()}\nstatus: open\n---\nMake something.\n"
        )
    for i in range(0, 300, 7):
        (root / "content" / "people" / f"person{i:03d}.md").write_text(
            f"---\nname: Person {i}\n---\nHello.\n"
        )

    ids = [f"{rng.choice(WORDS)}-{i:05d}" for i in range(n)]
    licenses: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    depth: dict[str, int] = {}
    n_chains = max(1, min(5, n // 1000))
    chain_len = min(200, max(2, n // 25))
    chains: list[list[str]] = []
    pos = 0
    for _ in range(n_chains):  # 200-deep chains: each record remixes the one before
        chain = ids[pos : pos + chain_len]
        pos += chain_len
        chains.append(chain)
        head_license = rng.choice(("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"))
        for j, rid in enumerate(chain):
            sources[rid] = [chain[j - 1]] if j else []
            licenses[rid] = (
                head_license
                if j == 0
                else remix_license(rng, [licenses[chain[j - 1]]]) or head_license
            )
            depth[rid] = j
    usable: list[str] = [rid for chain in chains for rid in chain]
    for rid in ids[pos:]:  # the rest: a forest of remixes of 0-3 earlier records, depth varies
        parents: list[str] = []
        if usable and rng.random() < 0.6:
            parents = list(dict.fromkeys(rng.choice(usable) for _ in range(rng.randint(1, 3))))
        lic = (
            remix_license(rng, [licenses[p] for p in parents])
            if parents
            else rng.choice(ROOT_LICENSES)
        )
        while lic is None:  # incompatible parents: keep the first only
            parents = parents[:1]
            lic = remix_license(rng, [licenses[p] for p in parents])
        sources[rid], licenses[rid] = parents, lic
        depth[rid] = 1 + max((depth[p] for p in parents), default=-1)
        if "ND" not in elements(lic):
            usable.append(rid)

    for rid in ids:
        rtype = rng.choices(("text", "image", "audio"), (5, 4, 1))[0]
        file, data = MEDIA[rtype]
        folder = root / "records" / rid
        folder.mkdir()
        (folder / "record.yaml").write_text(
            record_yaml(rid, rng, rtype, file, licenses[rid], sources[rid])
        )
        if data is None:
            (folder / file).write_text(f"# {rid}\n\nA few lines of text.\n")
        else:
            (folder / file).write_bytes(data)
    return {"ids": ids, "chains": chains, "licenses": licenses, "max_depth": max(depth.values())}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.org",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.org",
        },
    )


def make_branch(root: Path, facts: dict) -> tuple[str, str]:
    """On branch `change`: add one record remixing a chain's tip, retitle one mid-chain record."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "archive")
    git(root, "checkout", "-q", "-b", "change")
    tip = facts["chains"][0][-1]
    new_id = "a-new-remix-of-the-tip"
    folder = root / "records" / new_id
    folder.mkdir()
    (folder / "piece.md").write_text("# New\n\nA remix.\n")
    lic = facts["licenses"][tip]
    lic = remix_license(random.Random(1), [lic]) or lic
    (folder / "record.yaml").write_text(
        record_yaml(new_id, random.Random(1), "text", "piece.md", lic, [tip])
    )
    chain = facts["chains"][-1]
    middle = chain[len(chain) // 2]
    path = root / "records" / middle / "record.yaml"
    text = path.read_text().splitlines(keepends=True)
    text[0] = "title: A retitled record in the middle of a chain\n"
    path.write_text("".join(text))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")
    return new_id, middle


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Wall time (s), exit code, the child's own peak RSS (KiB) and its stdout's last line."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "GITHUB_BASE_REF"},
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
    return elapsed, proc.returncode, usage.ru_maxrss, (lines[-1] if lines else "")


def measure(label: str, cmd: list[str], cwd: Path, runs: int) -> dict:
    times, rss, code, last = [], 0, None, ""
    for _ in range(runs):
        elapsed, code, peak, last = run(cmd, cwd)
        times.append(elapsed)
        rss = max(rss, peak)
    return {
        "label": label,
        "median": statistics.median(times),
        "min": min(times),
        "runs": runs,
        "code": code,
        "rss": rss,
        "last": last,
    }


YAML_LOOP = textwrap.dedent("""
    import os, sys, time, yaml
    start = time.perf_counter()
    base = os.path.join(sys.argv[1], "records")
    n = 0
    for name in sorted(os.listdir(base)):
        with open(os.path.join(base, name, "record.yaml"), encoding="utf-8") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
        n += 1
    print(f"{n} files in {(time.perf_counter() - start) * 1000:.0f} ms in-process")
""")


BREAKDOWN = textwrap.dedent("""
    import sys, time
    t0 = time.perf_counter()
    from pathlib import Path
    import builder.cli
    from builder import check as C
    from builder.archive import changes as G, load as L
    from builder.core import rules as R
    t_import = time.perf_counter() - t0
    spent = {}
    def timed(mod, name, label):
        original = getattr(mod, name)
        def wrapper(*a, **k):
            s = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - s
        setattr(mod, name, wrapper)
    timed(L, "_read_text", "load: read record.yaml bytes + decode (_read_text)")
    timed(L, "parse_yaml", "load: parse_yaml (yamltree event loop)")
    timed(L, "read_record", "load: read_record (schema)")
    timed(L, "check_names", "load: check_names (inspected folders)")
    timed(L, "check_record_files", "load: check_record_files (inspected media)")
    timed(L, "_load_pages", "load: content/ pages")
    timed(C, "load_archive", "load_archive total (includes the load: lines)")
    timed(C, "check_references", "rules: check_references")
    timed(C, "check_cycles", "rules: check_cycles")
    timed(C, "check_licenses", "rules: check_licenses")
    timed(C, "_reached", "scope: _reached")
    timed(G, "changed_paths", "git: changed_paths (3 git calls)")
    root = Path(sys.argv[1])
    s = time.perf_counter()
    changes = G.classify(G.changed_paths(root, "main"), root)
    report, _ = C.check_archive(root, changes)
    total = time.perf_counter() - s
    print(f"{'import builder.cli':58} {t_import * 1000:7.0f} ms")
    for label, secs in spent.items():
        print(f"{label:58} {secs * 1000:7.0f} ms  {secs / (total + t_import):6.1%}")
    print(
        f"{'in-process total (import + changed_paths + check_archive)':58} "
        f"{(total + t_import) * 1000:7.0f} ms"
    )
""")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records", type=int, default=5000, help="records in the synthetic archive (default 5000)"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of `check --changed` (default 5; full: 3)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one `check --changed` run with cProfile and print the hot spots",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time the phases of one `check --changed` run in-process (no profiler overhead)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the archive and print where it is"
    )
    args = parser.parse_args()
    if not SHOWCASE.exists():
        print(
            f"no showcase command next to {PYTHON}: install the project (pip install -e .)",
            file=sys.stderr,
        )
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="showcase-bench-"))
    root = tmp / "archive"
    try:
        t0 = time.perf_counter()
        facts = build_archive(root, args.records)
        new_id, modified = make_branch(root, facts)
        print(
            f"archive: {args.records} records (+1 on the branch), "
            f"deepest lineage {facts['max_depth']}, "
            f"{len(facts['chains'])} chains of {len(facts['chains'][0])}; "
            f"branch adds {new_id}, modifies {modified}; "
            f"built in {time.perf_counter() - t0:.1f} s at {root}"
        )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")

        rows = [
            measure(
                'python -c "import builder.cli"', [str(PYTHON), "-c", "import builder.cli"], root, 5
            ),
            measure(
                f"yaml.safe_load loop ({args.records} files)",
                [str(PYTHON), "-c", YAML_LOOP, str(root)],
                root,
                5,
            ),
            measure(
                "showcase check --changed --base main",
                [str(SHOWCASE), "check", "--changed", "--base", "main"],
                root,
                args.runs,
            ),
            measure("showcase check (full)", [str(SHOWCASE), "check"], root, 3),
        ]
        startup, loop = rows[0]["median"], rows[1]["median"]
        print(
            f"{'command':42} {'median ms':>10} {'min ms':>8} {'runs':>4} "
            f"{'× startup':>10} {'× yaml loop':>11} {'peak RSS MB':>11} {'exit':>4}"
        )
        for r in rows:
            print(
                f"{r['label']:42} {r['median'] * 1000:10.0f} {r['min'] * 1000:8.0f} {r['runs']:4d} "
                f"{r['median'] / startup:10.1f} {r['median'] / loop:11.2f} "
                f"{r['rss'] / 1024:11.1f} {r['code']:4d}"
            )
        print()
        for r in rows[1:]:
            print(f"  {r['label']}: {r['last']}")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"\npeak RSS of the largest child process (getrusage RUSAGE_CHILDREN): "
            f"{children.ru_maxrss / 1024:.1f} MB"
        )
        changed = rows[2]["median"]
        verdict = "meets" if changed <= 1.2 else "misses"
        print(
            f"`check --changed` median {changed:.2f} s: {verdict} the ~1 s target "
            f"({changed / rows[3]['median']:.0%} of a full check)"
        )
        bad = [r for r in rows[2:] if r["code"] != 0]
        if bad:
            print(
                "WARNING: the synthetic archive should check clean; see the exit codes above",
                file=sys.stderr,
            )

        if args.breakdown:
            print(
                "\nWhere one `check --changed` run spends its time "
                "(wall clock, in-process, no profiler):"
            )
            subprocess.run([str(PYTHON), "-c", BREAKDOWN, str(root)], cwd=root)
        if args.profile:
            prof = tmp / "check-changed.prof"
            subprocess.run(
                [
                    str(PYTHON),
                    "-m",
                    "cProfile",
                    "-o",
                    str(prof),
                    "-m",
                    "builder.cli",
                    "check",
                    "--changed",
                    "--base",
                    "main",
                ],
                cwd=root,
                capture_output=True,
            )
            import pstats

            print(
                "\ncProfile of one `check --changed` run (top 25 by cumulative, then by own time):"
            )
            stats = pstats.Stats(str(prof))
            stats.strip_dirs().sort_stats("cumulative").print_stats(25)
            stats.sort_stats("tottime").print_stats(20)
        return 1 if bad else 0
    finally:
        if args.keep:
            print(f"\nkept: {root}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
