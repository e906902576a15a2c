"""Problems are values: every check returns them, the CLI and the plugin print them.

Each problem code is stable (contributors, docs and CI annotations rely on it) and
documented in ``CODES``; ``problem()`` refuses a code that is not in the catalog so
that the documentation cannot drift from the checks.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> one-line summary, the reference table in README/contribute page.
CODES: dict[str, str] = {
    # record.yaml and front matter as YAML
    "yaml-syntax": "The file is not valid YAML (or not UTF-8 text).",
    "yaml-not-mapping": "The file must hold exactly one YAML document: a mapping of fields.",
    "yaml-duplicate-key": "A field appears twice in the same mapping.",
    "yaml-tag": "YAML tags such as `!!python/object` are not allowed.",
    "yaml-alias": "YAML anchors and aliases (`&a`, `*a`) are not allowed.",
    "yaml-too-large": "The YAML is too large or too deeply nested.",
    # fields
    "unknown-field": "A field the format does not know (often a typo).",
    "missing-field": "A required field is missing.",
    "wrong-type": "A field has the wrong kind of value (text, list, mapping, true/false).",
    "invalid-value": "A field's value is not one of the allowed values or forms.",
    "too-long": "A value is longer than its limit, or a list has too many items.",
    "bad-date": "A date is not a real date in the form YYYY-MM-DD.",
    "missing-alt": "An image or video has no `alt` text describing what is seen.",
    # names and files
    "invalid-id": "A record folder name is not a valid record id.",
    "invalid-handle": "A profile or collaboration file name is not a valid handle or slug.",
    "unportable-name": "A file or folder name that breaks on some systems or hides characters.",
    "case-collision": "Two names in one folder differ only in upper/lower case.",
    "missing-record-yaml": "A record folder has no record.yaml.",
    "missing-file": "A file named in record.yaml, or a profile's avatar, does not exist.",
    "not-a-file": "A named path is a folder or a special file, not a regular file.",
    "symlink": "A record folder or file is a symbolic link.",
    "path-escape": "A file name points outside the record's own folder.",
    "extra-file": "A file in a record folder that record.yaml does not name.",
    # media content
    "wrong-media-type": "A file's content is not of the type the record declares.",
    "unsupported-format": "A file's format is not accepted (SVG, HEIC, PDF, ...).",
    "extension-mismatch": "A file's extension does not match its content.",
    "lfs-pointer": "A Git LFS pointer was committed instead of the media itself.",
    "empty-file": "A file is empty.",
    "file-too-large": "A file is larger than the archive's size limit.",
    "too-many-pixels": "An image, or a video's frame, has more pixels than the archive's limit.",
    "corrupt-media": (
        "A media file cannot be decoded (its header, its pixels or its first seconds)."
    ),
    "location-metadata": "Media carries location data (GPS in photos, location atoms in videos).",
    "bad-text": "A text, caption or transcript file is not UTF-8 text of the right form.",
    "markdown-limit": (
        "A description or text cannot be rendered safely (too long, too deeply nested, too slow)."
    ),
    # references and the remix graph
    "unknown-source": "A source names a record id that does not exist.",
    "deleted-record": "A record was deleted while other records still use it.",
    "duplicate-source": "The same source is listed twice.",
    "remix-cycle": "Records use each other in a loop.",
    "unknown-collaboration": "A collaboration slug with no page in content/collaborations/.",
    # licenses
    "license-not-allowed": "The license is not one this archive accepts.",
    "unknown-license": "An outside source's license is not a known Creative Commons license.",
    "license-nd-source": "A record adapts a NoDerivatives (ND) work.",
    "license-sa-mismatch": "A ShareAlike (SA) source requires the same license.",
    "license-nc-required": "A NonCommercial (NC) source requires an NC license.",
    "license-by-required": "A source requires attribution, so the remix cannot be public domain.",
    "license-conflict": "Two sources whose licenses cannot both be honoured.",
    # timelines (a production made in the archive: records/<id>/<name>.otio)
    "timeline-limit": "A timeline is too large, too deep, too long, or has too many clips/tracks.",
    "timeline-invalid": (
        "A timeline is not OpenTimelineIO JSON, or a number, rate or setting in it is wrong."
    ),
    "timeline-unsupported": (
        "A timeline holds something a production cannot render (an effect, a nested stack, a wipe)."
    ),
    "timeline-reference": (
        "A timeline clip points at a path, a URL, a missing or withdrawn record "
        "or one its track cannot use."
    ),
    "timeline-trim": (
        "A timeline clip (with its dissolve handles) reaches outside its record's "
        "real length or lines."
    ),
    "timeline-source": "A timeline uses a record that is not in the production's `sources`.",
    # building the media
    "media-failed": (
        "The web versions of a media file could not be made (corrupt, truncated, unplayable)."
    ),
    # archive configuration
    "config": "The showcase settings in mkdocs.yml are invalid.",
    "committed-cache": (
        "The build cache (.cache/showcase/) is committed to git: "
        "builds would publish its files unchecked."
    ),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, at one place, with how to fix it."""

    path: str  # relative to the archive root, with forward slashes
    line: int  # 1-based
    code: str
    message: str
    fix: str
    record: str | None = None  # the record id it concerns, for grouping and --changed

    def render(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message} — {self.fix}"


def visible(text: str) -> str:
    """Control, formatting and undecodable characters escaped, so that a hostile file name
    can neither reorder or hide the rest of a terminal line or annotation (Trojan
    Source) nor make printing fail. Applied once, when a problem is made."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in text)


def problem(
    code: str, path: str, line: int, message: str, fix: str, record: str | None = None
) -> Problem:
    if code not in CODES:
        raise ValueError(f"undocumented problem code {code!r}")
    return Problem(
        visible(path),
        max(1, line),
        code,
        visible(message),
        visible(fix),
        visible(record) if record is not None else None,
    )


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Group by record (then by file and line), so a contributor reads one record at a time."""
    unique = set(problems)
    return sorted(unique, key=lambda p: (p.record or "", p.path, p.line, p.code, p.message))
