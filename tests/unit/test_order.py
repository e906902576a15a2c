"""The archive's one order for lists and feeds."""

import datetime as dt
from types import SimpleNamespace

from builder.core.model import newest_first


def rec(rid: str, day: int) -> SimpleNamespace:
    return SimpleNamespace(id=rid, created=dt.date(2024, 5, day))


def test_newest_first_then_same_day_by_id_a_to_z():
    records = [rec("b", 1), rec("a", 1), rec("c", 3), rec("d", 2)]
    assert [r.id for r in newest_first(records)] == ["c", "d", "a", "b"]
    assert newest_first(reversed(records)) == newest_first(records)  # whatever order it is given
