"""catalog.json: every record with its metadata, published files, lineage and credits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, run_showcase


def test_catalog_describes_every_record_and_its_published_files(tmp_path):
    root = Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "a"))
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    site = root / "site"
    doc = json.loads((site / "catalog.json").read_text())
    assert doc["version"] == 1
    records = {r["id"]: r for r in doc["records"]}
    assert sorted(records) == ["harbour-at-dawn", "harbour-bells", "night-poem"]
    bells = records["harbour-bells"]
    assert bells["kind"] == "production" and bells["license"]["url"].endswith("/by/4.0/")
    assert [s["id"] for s in bells["sources"]] == ["harbour-at-dawn", "night-poem"]
    assert records["harbour-at-dawn"]["remixes"] == ["harbour-bells"]
    assert bells["media"]["duration"] > 0
    for record in records.values():
        assert (site / record["url"]).is_file()
        for d in record["media"]["derivatives"]:
            path = site / d["url"]
            assert path.stat().st_size == d["bytes"], d["url"]
    credits = run_showcase("credits", "harbour-bells", "--format", "json", cwd=root)
    assert json.loads(credits.out) == bells["credits"]
