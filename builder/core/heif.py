"""HEIF containers (HEIC, AVIF) read as ISO-BMFF boxes: the primary image's size, and the
items that hold metadata (Exif, XMP) with where their bytes lie.

Pure: bytes in, data out. The header stage reads the primary image's size from its `ispe`
property (core/sniff.py: the pixel limit before any decoder runs); the location check reads
the Exif and XMP items (archive/inspect.py); the metadata-free original blanks those items
in place (media/images.py), so that every offset in the file stays valid and the coded
image is copied byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_BOXES = 10_000  # a hostile file may be millions of empty boxes
MAX_EXTENTS = 100_000  # extents may take no bytes at all (0-byte offsets and lengths)
XMP_MIME = "application/rdf+xml"
# An Exif item with no tags: its 4-byte offset to the TIFF header (0), then a big-endian
# TIFF header whose first IFD has no entries and no next IFD.
EMPTY_EXIF = b"\0\0\0\0" + b"MM\0*" + (8).to_bytes(4, "big") + b"\0\0" + b"\0\0\0\0"


class NotHeif(ValueError):
    """The bytes are not a HEIF container this reader understands."""


@dataclass(frozen=True)
class Item:
    id: int
    type: str  # "hvc1", "av01", "grid", "Exif", "mime", ...
    content_type: str = ""  # of a "mime" item: application/rdf+xml is XMP
    extents: tuple[tuple[int, int], ...] = ()  # (offset in the file, length)

    @property
    def is_metadata(self) -> bool:
        return self.type == "Exif" or (self.type == "mime" and self.content_type == XMP_MIME)


@dataclass(frozen=True)
class Meta:
    primary: int | None
    size: tuple[int, int] | None  # the primary image's stored size (before irot/imir)
    items: tuple[Item, ...]


def primary_size(head: bytes) -> tuple[int, int] | None:
    """The primary image's (width, height) from its `ispe` property, or None."""
    try:
        return read_meta(head, locations=False).size
    except NotHeif:
        return None


def metadata_items(buf: bytes) -> list[Item]:
    """The Exif and XMP items of a HEIF file, with where their bytes are."""
    return [item for item in read_meta(buf).items if item.is_metadata]


def item_bytes(buf: bytes, item: Item) -> bytes:
    return b"".join(bytes(buf[start : start + length]) for start, length in item.extents)


def blank_metadata(data: bytes) -> bytes:
    """`data` with its Exif items emptied (a TIFF block with no tags) and its XMP items
    turned to spaces, in place: nothing moves, so every offset stays valid. Raises
    NotHeif when an item's bytes cannot be found."""
    out = bytearray(data)
    for item in metadata_items(data):
        length = sum(n for _, n in item.extents)
        if item.type == "Exif":
            fill = EMPTY_EXIF[:length] + b"\0" * max(0, length - len(EMPTY_EXIF))
        else:
            fill = b" " * length  # XMP allows whitespace padding; an all-blank packet says nothing
        pos = 0
        for start, n in item.extents:
            out[start : start + n] = fill[pos : pos + n]
            pos += n
    return bytes(out)


# --- boxes ----------------------------------------------------------------------------------


def _boxes(
    buf: bytes, start: int, end: int, *, head: bool = False
) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box in buf[start:end]. With `head`, buf is the
    start of a file: a box running past it (the coded image, `mdat`) is passed over."""
    pos, seen = start, 0
    while pos + 8 <= end and seen < MAX_BOXES:
        size = int.from_bytes(buf[pos : pos + 4], "big")
        kind = bytes(buf[pos + 4 : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise NotHeif("truncated box header")
            size, header = int.from_bytes(buf[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise NotHeif(f"box {kind!r} is shorter than its header")
        if pos + size > end:
            if not head:
                raise NotHeif(f"box {kind!r} overruns its parent")
            return
        yield kind, pos + header, pos + size
        pos += size
        seen += 1


def _child(buf: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _boxes(buf, start, end) if k == kind), None)


def _uint(buf: bytes, pos: int, n: int, end: int) -> int:
    if pos + n > end:
        raise NotHeif("truncated box")
    return int.from_bytes(buf[pos : pos + n], "big")


def read_meta(buf: bytes, *, locations: bool = True) -> Meta:
    """The primary item, its size and the items (with their extents when `locations`)."""
    try:
        return _read_meta(buf, locations)
    except IndexError:
        raise NotHeif("truncated box") from None


def _read_meta(buf: bytes, locations: bool) -> Meta:
    top = next(((s, e) for k, s, e in _boxes(buf, 0, len(buf), head=True) if k == b"meta"), None)
    if top is None:
        raise NotHeif("no meta box")
    start, end = top[0] + 4, top[1]  # meta is a full box: version and flags first
    primary = _pitm(buf, _child(buf, start, end, b"pitm"))
    size = _primary_ispe(buf, _child(buf, start, end, b"iprp"), primary)
    if not locations:
        return Meta(primary, size, ())
    types = _iinf(buf, _child(buf, start, end, b"iinf"))
    idat = _child(buf, start, end, b"idat")
    places = _iloc(buf, _child(buf, start, end, b"iloc"), idat[0] if idat else None)
    items = tuple(
        Item(item_id, kind, content, places.get(item_id, ()))
        for item_id, (kind, content) in sorted(types.items())
    )
    return Meta(primary, size, items)


def _pitm(buf: bytes, box: tuple[int, int] | None) -> int | None:
    if box is None:
        return None
    start, end = box
    return _uint(buf, start + 4, 2 if buf[start] == 0 else 4, end)


def _primary_ispe(
    buf: bytes, iprp: tuple[int, int] | None, primary: int | None
) -> tuple[int, int] | None:
    """The `ispe` associated with the primary item (`ipma`), else the largest one."""
    if iprp is None:
        return None
    ipco = _child(buf, *iprp, b"ipco")
    if ipco is None:
        return None
    props = [(k, s, e) for k, s, e in _boxes(buf, *ipco)]
    sizes = {
        i + 1: (_uint(buf, s + 4, 4, e), _uint(buf, s + 8, 4, e))
        for i, (k, s, e) in enumerate(props)
        if k == b"ispe"
    }
    if not sizes:
        return None
    ipma = _child(buf, *iprp, b"ipma")
    associated = _ipma(buf, ipma).get(primary, ()) if ipma and primary is not None else ()
    for index in associated:
        if index in sizes:
            return sizes[index]
    return max(sizes.values(), key=lambda wh: wh[0] * wh[1])


def _ipma(buf: bytes, box: tuple[int, int]) -> dict[int, tuple[int, ...]]:
    start, end = box
    version, flags = buf[start], _uint(buf, start + 1, 3, end)
    count = _uint(buf, start + 4, 4, end)
    pos = start + 8
    found: dict[int, tuple[int, ...]] = {}
    for _ in range(min(count, MAX_BOXES)):
        id_size = 2 if version < 1 else 4
        item_id = _uint(buf, pos, id_size, end)
        n = _uint(buf, pos + id_size, 1, end)
        pos += id_size + 1
        wide = flags & 1
        indexes = []
        for _ in range(n):
            value = _uint(buf, pos, 2 if wide else 1, end)
            indexes.append(value & (0x7FFF if wide else 0x7F))  # the top bit: "essential"
            pos += 2 if wide else 1
        found[item_id] = tuple(indexes)
    return found


def _iinf(buf: bytes, box: tuple[int, int] | None) -> dict[int, tuple[str, str]]:
    """item id -> (item type, content type) from the `infe` entries (version 2 and 3)."""
    if box is None:
        return {}
    start, end = box
    first = start + 4 + (2 if buf[start] == 0 else 4)
    found: dict[int, tuple[str, str]] = {}
    for kind, s, e in _boxes(buf, first, end):
        if kind != b"infe" or buf[s] < 2:
            continue  # versions 0 and 1 predate item types: no Exif or XMP item is written so
        id_size = 2 if buf[s] == 2 else 4
        item_id = _uint(buf, s + 4, id_size, e)
        pos = s + 4 + id_size + 2  # after the protection index
        item_type = bytes(buf[pos : pos + 4]).decode("latin-1")
        name_end = bytes(buf[pos + 4 : e]).find(b"\0")
        content = ""
        if item_type == "mime" and name_end >= 0:
            rest = bytes(buf[pos + 4 + name_end + 1 : e])
            content = rest.split(b"\0", 1)[0].decode("latin-1")
        found[item_id] = (item_type, content)
    return found


def _iloc(
    buf: bytes, box: tuple[int, int] | None, idat: int | None
) -> dict[int, tuple[tuple[int, int], ...]]:
    """item id -> its extents as (file offset, length): construction method 0 (the file)
    and 1 (the `idat` box); an item built from other items (method 2) has none."""
    if box is None:
        return {}
    start, end = box
    version = buf[start]
    sizes = _uint(buf, start + 4, 2, end)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_size, index_size = (sizes >> 4) & 15, (sizes & 15 if version in (1, 2) else 0)
    id_size = 2 if version < 2 else 4
    count = _uint(buf, start + 6, id_size, end)
    pos = start + 6 + id_size
    found: dict[int, tuple[tuple[int, int], ...]] = {}
    budget = MAX_EXTENTS
    for _ in range(min(count, MAX_BOXES)):
        item_id = _uint(buf, pos, id_size, end)
        pos += id_size
        method = 0
        if version in (1, 2):
            method = _uint(buf, pos, 2, end) & 15
            pos += 2
        pos += 2  # data reference index
        base = _uint(buf, pos, base_size, end)
        pos += base_size
        extents = []
        count_extents = _uint(buf, pos, 2, end)
        pos += 2
        budget -= count_extents
        if budget < 0:
            raise NotHeif("too many extents")
        for _ in range(count_extents):
            pos += index_size
            offset = _uint(buf, pos, offset_size, end)
            length = _uint(buf, pos + offset_size, length_size, end)
            pos += offset_size + length_size
            extents.append((base + offset, length))
        if method == 1 and idat is not None:
            extents = [(idat + offset, n) for offset, n in extents]
        elif method != 0:
            continue
        found[item_id] = tuple(_bounded(o, n, len(buf)) for o, n in extents)
    return found


def _bounded(offset: int, length: int, size: int) -> tuple[int, int]:
    if length == 0:  # "to the end of the file"
        length = size - offset
    if offset < 0 or offset + length > size:
        raise NotHeif("an item lies outside the file")
    return offset, length
