"""Record Markdown -> safe HTML, with bounds.

Python-Markdown recurses once per nesting level (deep lists raise RecursionError)
and is quadratic on some inputs (20,000 `[` take about a minute), and it passes
raw HTML through. So untrusted Markdown is measured before it is parsed, parsed
under a time budget, and the HTML is sanitized by an allow-list (nh3) afterwards:
no script, event handler, style, iframe, image or `javascript:` URL survives, and
nothing in it can make the page fetch from another host.
"""

from __future__ import annotations

import functools
import hashlib
import re
import signal
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from importlib.metadata import version

import markdown
import nh3

MAX_CHARS = 200_000
MAX_NESTING = 10
MAX_OPEN_BRACKETS = 500
BUDGET_SECONDS = 2.0

_TAGS = {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
         "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub"}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))+")


class MarkupLimit(Exception):
    """The text cannot be rendered safely; `message` and `fix` say why and what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def render_markdown(text: str) -> str:
    """Sanitized HTML for a record's Markdown. Headings start at h2 (the page has the h1).

    A pure function of the text, and the same text is rendered by the check, the page,
    the search index and the feeds: short texts (nearly all) are rendered once, and a
    build that keeps a RenderMemo (see `use_memo`) renders a text only once for all builds."""
    memo = _memo
    if memo is None:
        return _render_once(text)
    key = render_key(text)
    html = memo.used.get(key)  # rendered, or taken from the store, earlier in this build
    if html is not None:
        return html
    html = memo.known.get(key)
    if html is None:
        html = _render_once(text)  # a MarkupLimit leaves the memo as it was
    else:
        # Sanitized again on the way in (about 15 µs): the store is a file in a folder a pull
        # request could write to, and only an allow-list stands between it and the page.
        html = _sanitize(html)
    memo.used[key] = html
    return html


# Bump when this module changes what it renders or refuses in a way the rest of the
# render version (limits, allow-lists, package versions) does not show.
RULES = 1


@functools.cache
def render_version() -> str:
    """What a render depends on besides its text: a stored render of another version is not used."""
    limits = (MAX_CHARS, MAX_NESTING, MAX_OPEN_BRACKETS, sorted(_TAGS),
              sorted((tag, sorted(names)) for tag, names in _ATTRIBUTES.items()))
    return f"rules {RULES} {limits}; markdown {markdown.__version__}; nh3 {version('nh3')}"


def render_key(text: str) -> str:
    """The content address of the text's render: sha256 of the render version and the text."""
    data = render_version() + "\0" + text
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


class RenderMemo:
    """Renders known to be good (render_key -> sanitized HTML), e.g. kept from an earlier
    build, and those used since: what is worth keeping for the next build. A text that
    cannot be rendered is never in it. Reading and writing it is the caller's business."""

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self.known: dict[str, str] = dict(known or {})
        self.used: dict[str, str] = {}


_memo: RenderMemo | None = None


def use_memo(memo: RenderMemo | None) -> RenderMemo | None:
    """Make render_markdown consult and fill `memo` (None: no memo); returns the previous one."""
    global _memo
    previous, _memo = _memo, memo
    return previous


_MEMO_CHARS = 8192  # with at most 2048 entries: a few tens of MB at worst


def _render_once(text: str) -> str:
    return _render_memo(text) if len(text) <= _MEMO_CHARS else _render(text)


@functools.lru_cache(maxsize=2048)
def _render_memo(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    measure(text)
    with _budget(BUDGET_SECONDS):
        html = _convert(text)
    return _sanitize(re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", html))


def _sanitize(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="nofollow noopener ugc", strip_comments=True)


_parsers = threading.local()  # one Markdown per thread: mkdocs serve rebuilds in another one


def _convert(text: str) -> str:
    """markdown.markdown(text, ...) without building a parser for every text (that is half
    the time): one parser per thread, reset before each text."""
    md = getattr(_parsers, "md", None)
    if md is None:
        md = _parsers.md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    try:
        return md.reset().convert(text)
    except BaseException:
        _parsers.md = None  # stopped half-way (by the time budget, say): its state is not to be trusted
        raise


def measure(text: str) -> None:
    """Refuse, before parsing, what would make the parser recurse or crawl."""
    if len(text) > MAX_CHARS:
        raise MarkupLimit(f"the text is {len(text):,} characters, over the limit of {MAX_CHARS:,}",
                          "split it into several records")
    for number, line in enumerate(text.splitlines(), 1):
        prefix = _PREFIX.match(line)
        if not prefix:
            continue  # indentation alone is a code block or verse, not nesting
        depth = len(re.findall(r">|[-*+]|\d+[.)]", prefix[0]))
        indent = (len(line) - len(line.lstrip(" \t"))) // 4  # nested lists are indented list markers
        if depth + indent > MAX_NESTING:
            raise MarkupLimit(f"its line {number} nests lists or quotes {depth + indent} levels deep, "
                              f"over the limit of {MAX_NESTING}", "flatten the lists and quotes")
    if text.count("[") - text.count("]") > MAX_OPEN_BRACKETS or text.count("[") > 20 * MAX_OPEN_BRACKETS:
        raise MarkupLimit("the text has thousands of `[` brackets, which Markdown cannot render in "
                          "reasonable time", "escape literal brackets as \\[ or remove them")


class _Timeout(Exception):
    pass


@contextmanager
def _budget(seconds: float):
    """A wall-clock limit for pure-Python work, where signals can deliver it (the main
    thread); elsewhere (mkdocs serve's rebuild thread) the measurements above must do."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):  # noqa: ANN001
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise MarkupLimit(f"the Markdown took more than {seconds:g} s to render",
                          "simplify the formatting (fewer nested or unclosed marks)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
