"""`showcase init`: a new studio's first commands, run as a new studio would run them."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml
from PIL import Image

from builder.init import archive_path, fill
from tests.conftest import ROOT, run_showcase

FLAGS = (
    "--name",
    "Harbour Studio",
    "--url",
    "https://studio.example.org",
    "--owner-email",
    "podcast@studio.example.org",
    "--licenses",
    "CC0-1.0,CC-BY-4.0,CC-BY-SA-4.0",
)


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as mkdocs reads it: `!ENV [NAME, default]` stands for its default here."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def _settings(root):
    return yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_Loader)


def _plugin(settings):
    return next(p["showcase"] for p in settings["plugins"] if isinstance(p, dict))


def _photo(path):
    """A real JPEG: a small gradient, so that the build makes real derivatives of it."""
    image = Image.new("RGB", (480, 320))
    image.putdata([(x // 2, y * 3 // 4, 120) for y in range(320) for x in range(480)])
    image.save(path, "JPEG", quality=90)
    return path


@pytest.mark.slow
def test_a_new_studio_inits_checks_builds_adds_a_photo_and_builds_again(tmp_path):
    made = run_showcase("init", "studio", *FLAGS, cwd=tmp_path)
    assert made.code == 0, made.err
    assert "Created a Showcase archive in studio/" in made.out
    assert "FILL ME" not in made.out
    root = tmp_path / "studio"

    checked = run_showcase("check", cwd=root)
    assert (checked.code, checked.out) == (0, "0 records checked: no problems.\n")
    built = run_showcase("build", cwd=root)
    assert built.code == 0, built.out + built.err
    site = root / "site"
    home = (site / "index.html").read_text("utf-8")
    assert "Harbour Studio" in home
    assert "Be the first" in home  # an empty archive invites the first record
    assert 'href="contribute.html"' in home
    assert (site / "contribute.html").is_file()
    assert (site / "people/example-person/index.html").is_file()
    assert (site / "collaborations/example-call/index.html").is_file()
    assert "https://studio.example.org/" in (site / "feed.xml").read_text("utf-8")
    assert "Pages are folders" not in built.out  # init's archive works from a folder

    photo = _photo(tmp_path / "Harbour at dawn.jpg")
    added = run_showcase(
        "new",
        str(photo),
        "--alt",
        "A gradient standing in for a harbour at dawn.",
        "--license",
        "CC-BY-4.0",
        "--handle",
        "ana",
        "--role",
        "photographer",
        "--name",
        "Ana Lima",
        cwd=root,
    )
    assert added.code == 0, added.err
    assert "Created records/harbour-at-dawn/" in added.out
    checked = run_showcase("check", cwd=root)
    assert (checked.code, checked.out) == (0, "1 record checked: no problems.\n")
    built = run_showcase("build", cwd=root)
    assert built.code == 0, built.out + built.err
    page = (site / "records/harbour-at-dawn/index.html").read_text("utf-8")
    assert "Harbour at dawn" in page and "Ana Lima" in page
    media = site / "records/harbour-at-dawn/media"
    assert {"image-400.webp", "preview.jpg"} <= {p.name for p in media.iterdir()}
    with Image.open(media / "preview.jpg") as preview:
        assert preview.size[0] > 0
    catalog = json.loads((site / "catalog.json").read_text("utf-8"))
    assert [r["id"] for r in catalog["records"]] == ["harbour-at-dawn"]


def test_flags_land_in_mkdocs_yml(tmp_path):
    assert run_showcase("init", "studio", *FLAGS, cwd=tmp_path).code == 0
    settings = _settings(tmp_path / "studio")
    assert settings["site_name"] == "Harbour Studio"
    assert settings["site_url"] == "https://studio.example.org/"
    assert settings["use_directory_urls"] is False
    plugin = _plugin(settings)
    assert plugin["licenses"] == ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0"]
    assert plugin["feeds"]["owner_email"] == "podcast@studio.example.org"
    assert plugin["feeds"]["author"] == "Harbour Studio"
    assert plugin["feeds"]["cover"] == "content/podcast-cover.png"
    with Image.open(tmp_path / "studio/content/podcast-cover.png") as cover:
        assert cover.size == (1400, 1400)  # the podcast's minimum


def test_without_flags_the_studio_only_values_are_marked_fill_me(tmp_path):
    made = run_showcase("init", "my-new_studio", cwd=tmp_path)
    assert made.code == 0, made.err
    assert "Still to fill in mkdocs.yml (marked FILL ME): feeds.owner_email" in made.out
    root = tmp_path / "my-new_studio"
    text = (root / "mkdocs.yml").read_text("utf-8")
    assert re.search(r"^ +owner_email: +# FILL ME: ", text, re.M)
    settings = _settings(root)
    assert settings["site_name"] == "My New Studio"  # from the folder's name
    assert settings["site_url"] == "http://127.0.0.1:8000/"  # the local preview's
    assert _plugin(settings)["licenses"] == [
        "CC0-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-4.0",
        "CC-BY-ND-4.0",
        "CC-BY-NC-ND-4.0",
    ]
    checked = run_showcase("check", cwd=root)
    assert checked.code == 0  # nothing needs the address yet: a note, not a problem
    line = text.splitlines().index(next(x for x in text.splitlines() if "owner_email" in x)) + 1
    assert checked.out.startswith(
        f"note: mkdocs.yml:{line}: `owner_email` is still marked FILL ME: the address podcast"
    )


def test_the_contribute_page_and_pr_template_are_this_repositorys_own(tmp_path):
    assert run_showcase("init", "studio", *FLAGS, cwd=tmp_path).code == 0
    root = tmp_path / "studio"
    for path in ("content/contribute.md", ".github/pull_request_template.md"):
        assert (root / path).read_bytes() == (ROOT / path).read_bytes(), path


def test_the_workflows_install_this_version_pinned_to_its_tag(tmp_path):
    assert run_showcase("init", "studio", *FLAGS, cwd=tmp_path).code == 0
    root = tmp_path / "studio"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    repo, version = project["urls"]["Repository"], project["version"]
    pin = f"showcase @ git+{repo}@v{version}"
    requirements = (root / "requirements.txt").read_text("utf-8").splitlines()
    assert [line for line in requirements if not line.startswith("#")] == [pin]
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["repo"] == repo and hooks["repos"][0]["rev"] == f"v{version}"
    assert hooks["repos"][0]["hooks"][0]["id"] in _hook_ids()
    for name in ("pull-request.yml", "deploy.yml"):
        workflow = yaml.safe_load((root / ".github/workflows" / name).read_text("utf-8"))
        steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
        runs = " ".join(s.get("run", "") for s in steps)
        assert "pip install -r requirements.txt" in runs, name
        assert "./dev" not in runs and ".venv" not in runs, name  # this repo's tools only
    pr = (root / ".github/workflows/pull-request.yml").read_text("utf-8")
    assert "showcase check --changed" in pr and "showcase build --format github" in pr
    deploy = (root / ".github/workflows/deploy.yml").read_text("utf-8")
    assert "SHOWCASE_SITE_URL" in deploy and "actions/deploy-pages" in deploy
    assert (root / ".gitignore").read_text("utf-8").count(".cache/") == 1


def _hook_ids():
    return {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "studio").mkdir()
    (tmp_path / "studio" / "notes.txt").write_text("mine\n")
    refused = run_showcase("init", "studio", cwd=tmp_path)
    assert refused.code == 2
    assert refused.err.startswith("showcase init: error: ")
    assert "is not empty (notes.txt)" in refused.err
    assert "Traceback" not in refused.err
    assert [p.name for p in (tmp_path / "studio").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["studio"]  # no staging left over


def test_an_empty_folder_or_a_fresh_git_repository_is_fine(tmp_path):
    (tmp_path / ".git").mkdir()
    made = run_showcase("init", *FLAGS, cwd=tmp_path)  # DIR defaults to the current folder
    assert made.code == 0, made.err
    assert (tmp_path / "mkdocs.yml").is_file() and (tmp_path / "records").is_dir()
    assert (tmp_path / ".git").is_dir()


@pytest.mark.parametrize(
    "flags, message",
    [
        (("--licenses", "CC-BY-4.0,MIT"), "--licenses: MIT"),
        (("--url", "studio.example.org"), "is not a site address"),
        (("--owner-email", "mailto:me@example.org"), "leave out the mailto:"),
        (("--name", "   "), "--name must not be empty"),
    ],
)
def test_bad_flags_are_refused_before_anything_is_written(tmp_path, flags, message):
    refused = run_showcase("init", "studio", *flags, cwd=tmp_path)
    assert refused.code == 2 and message in refused.err, refused.err
    assert list(tmp_path.iterdir()) == []


def test_init_never_prompts_without_a_terminal(tmp_path):
    # stdin is a pipe under subprocess.run: a prompt would hang until the timeout.
    made = run_showcase("init", "studio", cwd=tmp_path, timeout=60)
    assert made.code == 0 and "?" not in made.out


def test_starter_names_and_values():
    assert archive_path("dot-github/workflows/deploy.yml") == ".github/workflows/deploy.yml"
    assert archive_path("dot-gitignore") == ".gitignore"
    assert archive_path("content/index.md") == "content/index.md"
    assert fill("a %%X%% b %%Y%%", {"X": "1", "Y": "2"}) == "a 1 b 2"
    with pytest.raises(ValueError, match="Z"):
        fill("%%Z%%", {})
    with pytest.raises(ValueError, match="unpaired"):
        fill("100%% sure", {})


def test_a_name_that_would_break_yaml_is_written_safely(tmp_path):
    name = 'Studio: "quotes" # and a hash'
    assert run_showcase("init", "studio", "--name", name, cwd=tmp_path).code == 0
    settings = _settings(tmp_path / "studio")
    assert settings["site_name"] == name
    assert _plugin(settings)["feeds"]["owner_name"] == name
    assert (tmp_path / "studio/content/index.md").read_text("utf-8").startswith(f"# {name}\n")
