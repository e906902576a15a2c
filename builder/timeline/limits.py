"""What an untrusted .otio file may be, checked on its bytes before OpenTimelineIO sees it.

OpenTimelineIO's C++ reader crashes the whole process on JSON nested tens of thousands of
levels deep, and Python's json recurses, so the nesting depth is measured first by a linear
scanner that knows strings and escapes. Only then is the text parsed (by Python's json, with
non-finite numbers and repeated keys refused) and its size in items, tracks, time and frame
rates measured on plain data. Pure: bytes in, a tree or one problem out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterator

from .model import RATES

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ITEMS = 2000  # clips, gaps and transitions
MAX_TRACKS = 16
MAX_SECONDS = 3600  # the longest track, the roll not included
MAX_INTEGER = 2**53  # beyond it a JSON integer no longer reads the same as a C++ double
RATE_TOLERANCE = 0.001  # 23.976 and 29.97 are the NTSC rates, written as floats

# Everything up to the next bracket outside a string (strings whole, escapes included; an
# unterminated one runs to the end), then that bracket, or the end of the text. Possessive:
# the scan never backtracks, and each match is one bracket, so Python loops per bracket.
_TOKEN = re.compile(
    rb'(?:[^"{}\[\]]++|"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z))*+([{}\[\]]|\Z)', re.DOTALL
)
_RATES = tuple((float(rate), rate) for rate in RATES)
_ITEM_SCHEMAS = ("Clip", "Gap", "Transition")


@dataclass(frozen=True)
class Limit:
    """Why a file was refused: a problem code ("timeline-limit" or "timeline-invalid")."""

    code: str
    line: int
    message: str
    fix: str


class JsonObject(dict):
    """A JSON object that remembers the line where it starts (for problems)."""

    line: int = 1


def check_and_parse(data: bytes) -> tuple[Any, Limit | None]:
    """The parsed JSON tree of a timeline within every limit, or the first limit it breaks."""
    if len(data) > MAX_BYTES:
        return None, Limit(
            "timeline-limit",
            1,
            f"the file is {len(data) // 1024} KiB, over the "
            f"limit of {MAX_BYTES // 1024 // 1024} MiB",
            "split the production into shorter ones",
        )
    lines, deep = scan(data)
    if deep is not None:
        return None, Limit(
            "timeline-limit",
            deep,
            f"the JSON is nested more than {MAX_DEPTH} levels deep",
            "export the timeline again from your editor",
        )
    tree, limit = parse(data, lines)
    if limit is not None:
        return None, limit
    limit = measure(tree)
    return (None, limit) if limit is not None else (tree, None)


def scan(data: bytes) -> tuple[list[int], int | None]:
    """The start lines of the JSON objects in the order they close (the order in which json
    builds them), and the line where the nesting first exceeds MAX_DEPTH (None: it does not).

    Linear: strings are skipped whole, brackets are counted; never recursive."""
    depth = 0
    line, counted = 1, 0
    opened: list[int] = []
    closed: list[int] = []
    for match in _TOKEN.finditer(data):
        at = match.start(1)
        if at == len(data):
            break
        char = data[at]
        line += data.count(b"\n", counted, at)
        counted = at
        if char in (0x7B, 0x5B):  # { [
            depth += 1
            if depth > MAX_DEPTH:
                return closed, line
            opened.append(line if char == 0x7B else 0)
        elif depth:
            depth -= 1
            start = opened.pop()
            if char == 0x7D and start:
                closed.append(start)
    return closed, None


def parse(data: bytes, lines: list[int]) -> tuple[Any, Limit | None]:
    """Python's json over text already known to be shallow: no NaN or Infinity, no number
    too large to be finite (1e400 reads as inf), no key given twice (which value a reader
    keeps is up to the reader)."""
    import json  # noqa: PLC0415 - the one parser, here only

    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        return None, _invalid(
            data,
            exc.start,
            "the file is not UTF-8 text",
            "save the timeline as OpenTimelineIO JSON (.otio)",
        )
    order = iter(lines)

    def on_object(pairs: list[tuple[str, Any]]) -> JsonObject:
        obj = JsonObject()
        for key, value in pairs:
            if key in obj:
                raise _Refused(f"the key {key!r} appears twice in one object")
            obj[key] = value
        obj.line = next(order, 1)
        return obj

    def on_constant(name: str) -> float:
        raise _Refused(f"{name} is not a number a timeline may hold")

    def on_float(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise _Refused(f"the number {text[:40]} is too large")
        return value

    def on_int(text: str) -> int:
        if len(text) > 20 or abs(int(text)) > MAX_INTEGER:
            raise _Refused(f"the number {text[:40]} is too large")
        return int(text)

    try:
        tree = json.loads(
            text,
            object_pairs_hook=on_object,
            parse_constant=on_constant,
            parse_float=on_float,
            parse_int=on_int,
        )
    except _Refused as exc:
        return None, Limit(
            "timeline-invalid", 1, str(exc), "export the timeline again from your editor"
        )
    except json.JSONDecodeError as exc:
        return None, Limit(
            "timeline-invalid",
            exc.lineno,
            f"the file is not JSON ({exc.msg})",
            "save the timeline as OpenTimelineIO JSON (.otio)",
        )
    except (ValueError, RecursionError) as exc:
        return None, Limit(
            "timeline-invalid",
            1,
            f"the file is not JSON ({exc})",
            "save the timeline as OpenTimelineIO JSON (.otio)",
        )
    return tree, None


class _Refused(ValueError):
    pass


def _invalid(data: bytes, offset: int, message: str, fix: str) -> Limit:
    return Limit("timeline-invalid", data.count(b"\n", 0, offset) + 1, message, fix)


def measure(tree: Any) -> Limit | None:
    """The size of a parsed timeline: items, tracks, each track's length, every time's rate."""
    if not isinstance(tree, dict) or not str(tree.get("OTIO_SCHEMA", "")).startswith("Timeline."):
        return Limit(
            "timeline-invalid",
            1,
            "the file is not an OpenTimelineIO timeline (its "
            'outermost object must have "OTIO_SCHEMA": "Timeline.1")',
            "export the timeline from your editor as OpenTimelineIO (.otio)",
        )
    found: dict[str, list[dict]] = {"RationalTime": [], "Track": [], "Item": []}
    for obj in objects(tree):
        schema = schema_name(obj)
        key = "Item" if schema in _ITEM_SCHEMAS else schema
        if key in found:
            found[key].append(obj)
    for obj in found["RationalTime"]:  # every time first: the lengths below divide by rates
        limit = check_time(obj)
        if limit is not None:
            return limit
    items = tracks = 0
    for obj in found["Item"] + found["Track"]:
        schema = schema_name(obj)
        if schema in _ITEM_SCHEMAS:
            items += 1
            if items > MAX_ITEMS:
                return Limit(
                    "timeline-limit",
                    _line(obj),
                    f"the timeline has more than {MAX_ITEMS} clips, gaps and transitions",
                    "split the production into shorter ones",
                )
        elif schema == "Track":
            tracks += 1
            if tracks > MAX_TRACKS:
                return Limit(
                    "timeline-limit",
                    _line(obj),
                    f"the timeline has more than {MAX_TRACKS} tracks",
                    "merge tracks, or split the production",
                )
            length = track_seconds(obj)
            if length is not None and length > MAX_SECONDS:
                return Limit(
                    "timeline-limit",
                    _line(obj),
                    f"a track is {length / 60:.0f} "
                    f"minutes long, over the limit of {MAX_SECONDS // 60} minutes",
                    "split the production into shorter ones",
                )
    return None


def objects(tree: Any) -> Iterator[dict]:
    """Every JSON object in the tree, in document order (iterative: no recursion)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def schema_name(obj: dict) -> str:
    """ "Clip" for {"OTIO_SCHEMA": "Clip.2"}; "" for an object without a schema."""
    schema = obj.get("OTIO_SCHEMA")
    return schema.split(".", 1)[0] if isinstance(schema, str) else ""


def track_seconds(track: dict) -> float | None:
    """The sum of a track's clip and gap lengths as written (an upper bound of its duration:
    transitions overlap, they add nothing). None when they cannot be read here: OpenTimelineIO
    then measures it, and read.py checks that against the same limit."""
    total = 0.0
    children = track.get("children")
    if not isinstance(children, list):
        return None
    for child in children:
        if not isinstance(child, dict) or schema_name(child) not in ("Clip", "Gap"):
            continue
        span = child.get("source_range")
        if not isinstance(span, dict):
            continue
        seconds = time_seconds(span.get("duration"))
        if seconds is not None:
            total += abs(seconds)
    return total


def time_seconds(value: Any) -> float | None:
    if not isinstance(value, dict):
        return None
    number, rate = value.get("value"), value.get("rate")
    if not _is_number(number) or not _is_number(rate) or rate <= 0:
        return None
    return number / rate


def check_time(obj: dict) -> Limit | None:
    number, rate = obj.get("value"), obj.get("rate")
    if not _is_number(number) or not _is_number(rate):
        return Limit(
            "timeline-invalid",
            _line(obj),
            "a time has no numeric value and rate",
            "export the timeline again from your editor",
        )
    if match_rate(rate) is None:
        known = ", ".join(f"{float(r):.3f}".rstrip("0").rstrip(".") for r in RATES)
        return Limit(
            "timeline-invalid",
            _line(obj),
            f"the frame rate {rate:g} is not one a production may use ({known})",
            "set the project's frame rate to one of "
            "these in your editor and export the timeline again",
        )
    if abs(number / rate) > MAX_SECONDS * 24:
        return Limit(
            "timeline-limit",
            _line(obj),
            f"a time of {number / rate:.0f} seconds is out of range",
            "export the timeline again from your editor",
        )
    return None


def match_rate(rate: float) -> Fraction | None:
    """The known rate a written one stands for (23.976 -> 24000/1001), or None."""
    for number, known in _RATES:
        if abs(rate - number) <= RATE_TOLERANCE:
            return known
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _line(obj: dict) -> int:
    return getattr(obj, "line", 1)
