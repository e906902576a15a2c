"""Portable file names: what must hold for a name to work on every OS, in git and in URLs."""

from __future__ import annotations

import unicodedata

_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_WINDOWS_FORBIDDEN = set('<>:"\\|?*')
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unportable_reason(name: str) -> str | None:
    """Why `name` is not portable, or None when it is fine."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):  # os.listdir's escape for undecodable bytes
        return "is not valid UTF-8"
    if name.startswith("-"):
        return "starts with `-`, which command-line tools read as an option"
    for ch in name:
        if unicodedata.category(ch) == "Cc":
            return f"contains the control character U+{ord(ch):04X}"
        if ch in _BIDI or unicodedata.category(ch) == "Cf":
            return f"contains the invisible formatting character U+{ord(ch):04X}"
        if ch in _WINDOWS_FORBIDDEN:
            return f"contains `{ch}`, which Windows does not allow in names"
    if unicodedata.normalize("NFC", name) != name:
        return "is not in Unicode NFC form (accents stored as separate characters)"
    if name.split(".")[0].lower().rstrip(" ") in _WINDOWS_RESERVED:
        return f"uses the name `{name.split('.')[0]}`, which Windows reserves for devices"
    if name.endswith((".", " ")) or name.startswith(" "):
        return "starts or ends with a space or ends with a dot, which Windows drops"
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        return "is longer than 255 bytes"
    return None


def case_collisions(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of names that differ only in case (macOS and Windows see one file)."""
    seen: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for name in sorted(names):
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            pairs.append((seen[key], name))
        else:
            seen[key] = name
    return pairs
