"""Creative Commons licenses and the rules for adapting them, as a table.

A license is its elements (BY, SA, NC, ND) and a version. The adaptation rules
(CC legal code, section 3(b) of 4.0 and section 4(b) of 3.0; CC FAQ "compatible
licenses") reduce to:

- ND: nothing may be adapted from it.
- SA: the adaptation carries the same elements, at the same or a later version.
- NC: the adaptation must not allow commercial use, so it carries NC.
- BY: the adaptation must keep crediting, so it cannot be dedicated to the
  public domain (CC0) as a whole.
Two SA sources with different elements, or BY-SA with any NC source, leave no
license that honours both: a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

_NAMES = {"BY": "Attribution", "SA": "ShareAlike", "NC": "NonCommercial", "ND": "NoDerivatives"}


@dataclass(frozen=True)
class License:
    spdx: str
    elements: frozenset[str]  # subset of BY SA NC ND; empty for public domain
    version: tuple[int, ...]
    url: str
    name: str

    @property
    def short(self) -> str:
        """The badge name: "CC BY-SA 4.0", "CC0 1.0"."""
        if not self.elements:
            return "CC0 1.0" if self.spdx == "CC0-1.0" else "Public Domain"
        return (
            "CC "
            + "-".join(e for e in ("BY", "NC", "ND", "SA") if e in self.elements)
            + " "
            + _v(self.version)
        )

    @property
    def public_domain(self) -> bool:
        return not self.elements


def _v(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _table() -> dict[str, License]:
    table = {
        "CC0-1.0": License(
            "CC0-1.0",
            frozenset(),
            (1, 0),
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "Creative Commons Zero 1.0 Universal",
        ),
        "CC-PDDC": License(
            "CC-PDDC",
            frozenset(),
            (1, 0),
            "https://creativecommons.org/licenses/publicdomain/",
            "Creative Commons Public Domain Dedication and Certification",
        ),
    }
    combos = ["BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND"]
    for version in ("1.0", "2.0", "2.5", "3.0", "4.0"):
        for combo in combos:
            if version == "1.0" and combo == "BY-NC-ND":
                continue  # 1.0 named it BY-ND-NC
            spdx = f"CC-{combo}-{version}"
            elements = frozenset(combo.split("-"))
            path = combo.lower()
            table[spdx] = License(
                spdx,
                elements,
                tuple(int(x) for x in version.split(".")),
                f"https://creativecommons.org/licenses/{path}/{version}/",
                "Creative Commons "
                + "-".join(_NAMES[e] for e in combo.split("-"))
                + f" {version}"
                + (
                    " International"
                    if version == "4.0"
                    else (" Unported" if version == "3.0" else " Generic")
                ),
            )
    return table


LICENSES: dict[str, License] = _table()

DEFAULT_ALLOWED: tuple[str, ...] = (
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
)


def lookup(spdx: str) -> License | None:
    return LICENSES.get(spdx)


@dataclass(frozen=True)
class Inherited:
    """One ancestor's license as it constrains a remix: who, which license, reached via which
    source."""

    ancestor: str  # record id, or the outside work's title in quotes
    license: License
    via: str | None  # the direct source through which it is reached (None: it is direct)

    def describe(self) -> str:
        through = f" (through '{self.via}')" if self.via else ""
        return f"{self.ancestor} ({self.license.spdx}){through}"


@dataclass(frozen=True)
class Verdict:
    code: str
    message: str
    fix: str
    culprit: Inherited


def judge_adaptation(own: License, ancestry: list[Inherited]) -> Verdict | None:
    """The first rule that `own` breaks given the licenses of everything it adapts, or None."""
    nd = [a for a in ancestry if "ND" in a.license.elements]
    if nd:
        a = nd[0]
        return Verdict(
            "license-nd-source",
            f"adapts {a.describe()}, whose NoDerivatives license forbids remixes",
            "remove it from `sources`, or ask its author for a license without ND",
            a,
        )
    sa = [a for a in ancestry if "SA" in a.license.elements]
    nc = [a for a in ancestry if "NC" in a.license.elements]
    for a in sa[1:]:
        if a.license.elements != sa[0].license.elements:
            return Verdict(
                "license-conflict",
                f"uses {sa[0].describe()} and {a.describe()}: both ShareAlike licenses "
                "demand to be the remix's license, so no license honours both",
                "remove one of the two from `sources`",
                a,
            )
    if sa and nc and "NC" not in sa[0].license.elements:
        return Verdict(
            "license-conflict",
            f"uses {sa[0].describe()} and {nc[0].describe()}: ShareAlike requires "
            f"{sa[0].license.spdx} (commercial use allowed) while NonCommercial forbids "
            "commercial use, so no license honours both",
            "remove one of the two from `sources`",
            nc[0],
        )
    if sa:
        need = max(sa, key=lambda a: a.license.version)
        if own.elements != need.license.elements or own.version < need.license.version:
            suggestion = _same_elements_latest(need.license)
            return Verdict(
                "license-sa-mismatch",
                f"is {own.spdx} but adapts {need.describe()}, whose ShareAlike license "
                "requires the remix to use the same license",
                f"set `license: {suggestion}`",
                need,
            )
    if nc and "NC" not in own.elements:
        a = nc[0]
        return Verdict(
            "license-nc-required",
            f"is {own.spdx} but adapts {a.describe()}, which forbids commercial use",
            f"choose a NonCommercial license such as `license: {_with_nc(own)}`",
            a,
        )
    by = [a for a in ancestry if "BY" in a.license.elements]
    if by and own.public_domain:
        a = by[0]
        return Verdict(
            "license-by-required",
            f"is {own.spdx} but adapts {a.describe()}, which requires credit to its author",
            "choose a license with attribution such as `license: CC-BY-4.0`",
            a,
        )
    return None


def _same_elements_latest(lic: License) -> str:
    return _LATEST[lic.elements]


def _latest_of_each() -> dict[frozenset[str], str]:
    # Read for every ShareAlike mismatch: once per remix judged ("Open to remix" judges
    # each record against each license), so the table is scanned once, at import.
    latest: dict[frozenset[str], License] = {}
    for lic in LICENSES.values():
        if lic.elements not in latest or lic.version > latest[lic.elements].version:
            latest[lic.elements] = lic
    return {elements: lic.spdx for elements, lic in latest.items()}


_LATEST: dict[frozenset[str], str] = _latest_of_each()


def _with_nc(own: License) -> str:
    elements = set(own.elements) | {"BY", "NC"}
    combo = "-".join(e for e in ("BY", "NC", "ND", "SA") if e in elements)
    return f"CC-{combo}-4.0"
