"""Browser tests: Debian's Chromium driven by Python Playwright, on sites built for real.

Fixtures (built, served and launched once per session; a new browser context per test):

  browser        Playwright's chromium, launched from SHOWCASE_CHROMIUM or /usr/bin/chromium
  built_site     tests/fixtures/archives/minimal built with `showcase build`: its site folder
  served_site    that folder served on 127.0.0.1 (free port): the base URL, ending in "/"
  demo_site      the repository's own archive built the same way
  served_demo    its base URL
  page           a WatchedPage at desktop size (1280x800)
  phone_page     a WatchedPage at phone size (390x844, device_scale_factor 2, touch)
  new_page       a factory: new_page(phone=False, **context_options) -> WatchedPage

A WatchedPage is a Playwright Page (every Page method works on it) that also records
console errors, uncaught page errors, failed same-origin requests and every request to
another host, which is blocked: a page of the archive may ask nothing of the outside
world. `page.problems()` lists all of them; `page.open(url)` loads and lets it settle.

`./dev test` installs Debian's chromium and the pinned Python playwright; Playwright's own
browser download (`playwright install`) is never used. Without a Chromium the tests skip,
except when CI is set, where they fail.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXTURES, ROOT, run_showcase

CHROMIUM = os.environ.get("SHOWCASE_CHROMIUM") or "/usr/bin/chromium"
# Headless, as root (no sandbox), and nothing of Chromium's own talking to Google: on a
# closed network those connections are refused noisily.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# What the repository's own archive needs to build (not .git or site/).
DEMO_PARTS = ("mkdocs.yml", "content", "records", "theme")

# Hosts (host:port) the tests serve; a request to anything else is "another host".
_SERVED: set[str] = set()


# ------------------------------------------------------------------ the browser


def _missing(reason: str):
    """Skip on a developer's machine without a browser; in CI a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason} (CI is set: browser tests must run, `./dev test` installs them)",
            pytrace=False,
        )
    pytest.skip(f"{reason}; `./dev test` installs it")


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"no Chromium at {CHROMIUM} (Debian package `chromium`, or set SHOWCASE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package `playwright` is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# ------------------------------------------------------------------ sites, built and served


def _copy_minimal(root: Path) -> None:
    shutil.copytree(FIXTURES / "archives" / "minimal", root, symlinks=True)


def _copy_demo(root: Path) -> None:
    root.mkdir()
    for part in DEMO_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part, symlinks=True)
        else:
            shutil.copy2(src, root / part)
    # The media cache is content-addressed (input bytes, parameters, recipe version), so a
    # warm one from `./dev serve`/`./dev build` can only save time: 0.7 s instead of 6.
    cache = ROOT / ".cache" / "showcase"
    if cache.is_dir():
        shutil.copytree(cache, root / ".cache" / "showcase", symlinks=True)


def _make_lineage(root: Path) -> None:
    from tests.archive_factory import lineage_archive

    lineage_archive(root)


ARCHIVES = {"minimal": _copy_minimal, "demo": _copy_demo, "lineage": _make_lineage}
_BUILDS: dict[str, tuple[Path, threading.Thread, list]] = {}


def start_builds(tmp_path_factory, *names: str) -> None:
    """Start `showcase build` of these archives in the background, once per session.

    A build is subprocesses (mkdocs, ffmpeg), so builds started early overlap each other
    and the browser's start; a module whose tests need several sites calls this first.
    """
    for name in names:
        if name in _BUILDS:
            continue
        root = tmp_path_factory.mktemp(name) / "archive"
        ARCHIVES[name](root)
        result: list = []
        thread = threading.Thread(
            target=lambda r=root, out=result: out.append(run_showcase("build", cwd=r, timeout=600)),
            name=f"build {name}",
            daemon=True,
        )
        thread.start()
        _BUILDS[name] = (root, thread, result)


def _site(tmp_path_factory, name: str) -> Path:
    start_builds(tmp_path_factory, name)
    root, thread, result = _BUILDS[name]
    thread.join()
    if not result:
        pytest.fail(
            f"`showcase build` of the {name} archive did not finish (see the log)", pytrace=False
        )
    if result[0].code != 0:
        pytest.fail(
            f"`showcase build` failed in {root}:\n{result[0].out}{result[0].err}", pytrace=False
        )
    return root / "site"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """tests/fixtures/archives/minimal, built: its site folder."""
    return _site(tmp_path_factory, "minimal")


@pytest.fixture(scope="session")
def lineage_site(tmp_path_factory) -> Path:
    """tests/archive_factory.lineage_archive (a lineage of 40 records), built."""
    return _site(tmp_path_factory, "lineage")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The repository's own demo archive, built: its site folder."""
    return _site(tmp_path_factory, "demo")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early is not a test failure


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 with a free port, from a thread; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    host = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name=f"serve {host}", daemon=True)
    thread.start()
    _SERVED.add(host)
    try:
        yield f"http://{host}/"
    finally:
        _SERVED.discard(host)
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def served_site(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def served_demo(demo_site):
    with serve(demo_site) as url:
        yield url


# ------------------------------------------------------------------ pages that watch

_OVERFLOW_JS = """() => {
  const screenWidth = Math.min(window.innerWidth, screen.width);
  const width = document.scrollingElement.scrollWidth;
  if (width <= screenWidth) return null;
  const outermost = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > screenWidth + 1
        && !(el.parentElement
             && el.parentElement.getBoundingClientRect().right > screenWidth + 1)) {
      outermost.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' (right edge ' + Math.round(r.right) + ' px)');
      if (outermost.length >= 5) break;
    }
  }
  return {width, screenWidth, innerWidth: window.innerWidth, elements: outermost};
}"""


class WatchedPage:
    """A Playwright Page that records what went wrong while it was open."""

    def __init__(self, context, page):
        self.context = context
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_requests: list[str] = []
        self.external_requests: list[str] = []
        self._in_flight = 0
        page.on("request", lambda request: self._count(+1))
        page.on("requestfinished", lambda request: self._count(-1))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        context.route("**/*", self._route)

    def __getattr__(self, name):
        return getattr(self.page, name)

    @staticmethod
    def _local(url: str) -> bool:
        parts = urlsplit(url)
        # A site opened from a folder (file:///...) is local too: it has no host at all.
        return parts.netloc in _SERVED or (parts.scheme == "file" and not parts.netloc)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or self._local(url):
            route.continue_()
        else:
            self.external_requests.append(url)
            route.abort("blockedbyclient")

    def _console(self, message):
        if message.type != "error":
            return
        if "ERR_BLOCKED_BY_CLIENT" in message.text:
            return  # our own blocking of a request to another host: listed in external_requests
        if self._folder_sitemap(message):
            return
        where = (message.location or {}).get("url", "")
        self.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def _folder_sitemap(self, message) -> bool:
        """The one thing a browser always refuses a site opened from a folder: Material
        fetches the sitemap.xml beside each feed link (builder/site/feed_links.py), and a
        file:// page may fetch nothing. Material catches the refusal; Chromium logs it."""
        if not self.page.url.startswith("file:"):
            return False
        return ("sitemap.xml" in message.text and "CORS" in message.text) or (
            message.text == "Failed to load resource: net::ERR_FAILED"
            and (message.location or {}).get("url", "").endswith("/sitemap.xml")
        )

    def _count(self, change: int) -> None:
        self._in_flight += change

    def _request_failed(self, request):
        self._count(-1)
        if request.url.startswith("file:") and request.url.endswith("/sitemap.xml"):
            return  # see _folder_sitemap
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the page (a video still loading when the visitor moves on)
        if self._local(request.url):
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        if self._local(response.url) and response.status >= 400:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def open(self, url: str):
        """Load `url` and let it settle: the response."""
        response = self.page.goto(url, wait_until="load")
        self.settle()
        return response

    def settle(self, quiet_ms: int = 150, timeout_ms: int = 3000) -> None:
        """Wait until no request has been in flight for quiet_ms (at most timeout_ms).

        Like Playwright's "networkidle", which waits a fixed 500 ms: what a page loads
        after "load" (material's search worker and index) is in, and its errors recorded.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        quiet_since = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(25)
            if self._in_flight > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_ms / 1000:
                return

    def overflow(self) -> dict | None:
        """What sticks out to the right of the screen, or None when the page fits.

        Compared with the screen's width: a phone (is_mobile) zooms out to fit wide
        content, and then innerWidth grows with it.
        """
        return self.page.evaluate(_OVERFLOW_JS)

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"failed request: {e}" for e in self.failed_requests]
            + [f"request to another host: {e}" for e in self.external_requests]
        )


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(phone: bool = False, **options) -> WatchedPage:
        context = browser.new_context(**{**(PHONE if phone else DESKTOP), **options})
        contexts.append(context)
        return WatchedPage(context, context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> WatchedPage:
    return new_page()


@pytest.fixture
def phone_page(new_page) -> WatchedPage:
    return new_page(phone=True)
