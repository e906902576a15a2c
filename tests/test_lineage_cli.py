"""`showcase credits`, `showcase tree` and `showcase serve` as a contributor runs them."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.conftest import FIXTURES, SHOWCASE, run_showcase


def minimal(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "archive"))


def test_credits_json_equals_the_published_credits_data(tmp_path):
    root = minimal(tmp_path)
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    published = json.loads(
        (root / "site" / "records" / "harbour-bells" / "credits.json").read_text()
    )
    result = run_showcase("credits", "harbour-bells", "--format", "json", cwd=root)
    assert result.code == 0 and json.loads(result.out) == published
    assert [p["handle"] for p in published["people"]] == [
        "ana",
        "ben",
    ]  # both made it; writer ranks first
    assert {r["id"] for p in published["people"] for r in p["records"]} == {
        "harbour-bells",
        "harbour-at-dawn",
        "night-poem",
    }


def test_credits_text_and_csv(tmp_path):
    root = minimal(tmp_path)
    text = run_showcase("credits", "harbour-bells", cwd=root)
    assert text.code == 0 and text.out.startswith(
        "HARBOUR BELLS\n\nWriter\n  Ana Lima  (night-poem)\n\n"
        "Editor\n  Ana Lima  (harbour-bells)\n\n"
        "Composer\n  Ben Okafor  (harbour-bells)\n"
    )
    csv_out = run_showcase("credits", "harbour-bells", "--format", "csv", cwd=root)
    assert csv_out.out.splitlines()[0] == "name,handle,roles,records"
    assert (
        "Ana Lima,ana,writer;editor;photographer,harbour-bells;harbour-at-dawn;night-poem"
        in csv_out.out
    )


def test_tree_and_unknown_ids(tmp_path):
    root = minimal(tmp_path)
    tree = run_showcase("tree", "harbour-at-dawn", cwd=root)
    assert tree.code == 0
    assert (
        tree.out.splitlines()[-1]
        == "    └── harbour-bells — Harbour bells (production, audio, CC-BY-4.0)"
    )
    missing = run_showcase("tree", "harbour-at-dusk", cwd=root)
    assert (
        missing.code == 2 and "did you mean 'harbour-at-dawn'?" in missing.err and missing.out == ""
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds: float = 120) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_reports_problems_and_keeps_serving(tmp_path):
    root = minimal(tmp_path)
    poem = root / "records" / "night-poem" / "record.yaml"
    poem.write_text(poem.read_text().replace("CC0-1.0", "CC-BY-4"))
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(SHOWCASE), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def page() -> str | None:
            try:
                return (
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                )
            except OSError:
                return None

        assert wait_for(lambda: page() is not None), log.read_text()
        assert "records/night-poem/record.yaml:6: license-not-allowed" in log.read_text()
        poem.write_text(
            poem.read_text().replace("CC-BY-4", "CC0-1.0")
        )  # fixed: rebuilt, no problem
        assert wait_for(lambda: "3 records checked: no problems." in log.read_text()), (
            log.read_text()
        )
        poem.write_text("title: [broken\n")  # broken again: reported, still serving
        assert wait_for(lambda: "yaml-syntax" in log.read_text()), log.read_text()
        assert server.poll() is None and page() is not None
    finally:
        server.terminate()
        server.wait(timeout=30)
