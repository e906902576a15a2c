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
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from types import FrameType

import markdown
import nh3

from ..errors import FixableError

MAX_CHARS = 200_000
MAX_NESTING = 10
MAX_OPEN_BRACKETS = 500
BUDGET_SECONDS = 2.0

_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))+")


class MarkupLimit(FixableError):
    """The text cannot be rendered safely; `message` and `fix` say why and what to do."""


def render_markdown(text: str) -> str:
    """Sanitized HTML for a record's Markdown. Headings start at h2 (the page has the h1).

    A pure function of the text. The same text is rendered by the check, the page, the
    search index and the feeds: short texts (nearly all) are parsed once per process, and
    a build renders through its Renderer (memo/renders.py), which keeps renders between
    builds."""
    return _render_memo(text) if len(text) <= _MEMO_CHARS else _render(text)


# Bump when this module changes what it renders or refuses in a way the rest of the
# render version (limits, allow-lists, package versions) does not show.
RULES = 1


@functools.cache
def render_version() -> str:
    """What a render depends on besides its text: a stored render of another version is not used."""
    limits = (
        MAX_CHARS,
        MAX_NESTING,
        MAX_OPEN_BRACKETS,
        sorted(_TAGS),
        sorted((tag, sorted(names)) for tag, names in _ATTRIBUTES.items()),
    )
    return f"rules {RULES} {limits}; markdown {markdown.__version__}; nh3 {version('nh3')}"


def render_key(text: str) -> str:
    """The content address of the text's render: sha256 of the render version and the text."""
    data = render_version() + "\0" + text
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


_MEMO_CHARS = 8192  # with at most 2048 entries: a few tens of MB at worst


@functools.lru_cache(maxsize=2048)
def _render_memo(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    measure(text)
    with _budget(BUDGET_SECONDS):
        html = _convert(text)
    return sanitize(re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", html))


def sanitize(html: str) -> str:
    """HTML through the allow-list; idempotent on what render_markdown returns."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


_parsers = threading.local()  # one Markdown per thread: mkdocs serve rebuilds in another one


def _convert(text: str) -> str:
    """markdown.markdown(text, ...) without building a parser for every text (that is half
    the time): one parser per thread, reset before each text."""
    md = getattr(_parsers, "md", None)
    if md is None:
        md = _parsers.md = markdown.Markdown(
            extensions=["tables", "sane_lists"], output_format="html"
        )
    try:
        return md.reset().convert(text)
    except BaseException:
        _parsers.md = (
            None  # stopped half-way (by the time budget, say): its state is not to be trusted
        )
        raise


def measure(text: str) -> None:
    """Refuse, before parsing, what would make the parser recurse or crawl."""
    if len(text) > MAX_CHARS:
        raise MarkupLimit(
            f"the text is {len(text):,} characters, over the limit of {MAX_CHARS:,}",
            "split it into several records",
        )
    for number, line in enumerate(text.splitlines(), 1):
        prefix = _PREFIX.match(line)
        if not prefix:
            continue  # indentation alone is a code block or verse, not nesting
        depth = len(re.findall(r">|[-*+]|\d+[.)]", prefix[0]))
        indent = (
            len(line) - len(line.lstrip(" \t"))
        ) // 4  # nested lists are indented list markers
        if depth + indent > MAX_NESTING:
            raise MarkupLimit(
                f"its line {number} nests lists or quotes {depth + indent} levels deep, "
                f"over the limit of {MAX_NESTING}",
                "flatten the lists and quotes",
            )
    if (
        text.count("[") - text.count("]") > MAX_OPEN_BRACKETS
        or text.count("[") > 20 * MAX_OPEN_BRACKETS
    ):
        raise MarkupLimit(
            "the text has thousands of `[` brackets, which Markdown cannot render in "
            "reasonable time",
            "escape literal brackets as \\[ or remove them",
        )


class _Timeout(Exception):
    pass


@contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """A wall-clock limit for pure-Python work, where signals can deliver it (the main
    thread); elsewhere (mkdocs serve's rebuild thread) the measurements above must do."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise MarkupLimit(
            f"the Markdown took more than {seconds:g} s to render",
            "simplify the formatting (fewer nested or unclosed marks)",
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
