"""The figures on the hand-made month (tests/stats/scenario.py), against numbers worked out by hand.

The arithmetic is in the comments; the letters are the scenario's tickets."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.db import db
from reference.models import Department
from stats.periods import Period, around
from stats.queries import Scope
from stats.report import build_report
from tests.stats.scenario import NOW

NOVEMBER = around("month", date(2026, 11, 10))


def report(app, **scope):
    with app.app_context():
        result = build_report(db.session, Scope(**{"period": NOVEMBER, **scope}), NOW)
        codes = dict(db.session.execute(select(Department.id, Department.code)).all())
        db.session.remove()
    return result, codes


def by_department(result, codes) -> dict:
    return {codes.get(row.key): row.values for row in result.rows}


def test_november_in_total(month_any_app):
    result, _ = report(month_any_app)
    total = result.total.values
    assert total["received"] == 7  # A B C D E F G (H came in October)
    # 派单: H is October's; A ✓, B→SZJJ ✗ (returned before the 签收), B→RLJT ✓, C ✓ (Fri → Mon 08:30),
    # C again ✓, E ✗ (Thu 00:30 China time, the end of Wed has passed), F ✓ (Tue 23:30) → 5 / 7
    assert result.total.counts.dispatched == 7 and result.total.counts.responded == 5
    assert total["response_rate"] == 71.4  # 5 / 7 = 71.43 %
    # ratings in November: H 已解决 满意, A 已解决 满意 (the unreached call is no answer), B 部分解决 基本满意,
    # C 未解决 不满意, C again 已解决 非常满意 → 5 ratings, 3 solved, 4 satisfied
    assert result.total.counts.rated == 5
    assert total["resolution_rate"] == 60.0  # 3 / 5
    assert total["satisfaction_rate"] == 80.0  # (满意 2 + 基本满意 1 + 非常满意 1) / 5
    # due in November: A 11-23 closed 11-06 ✓, B 11-20 (延期) closed 11-23 ✗, F 11-18 open ✗, G 11-19
    # closed 11-17 ✓, H 11-20 closed 11-03 ✓; D is 无效, C and E fall due in December → 3 / 5
    assert (result.total.counts.due, result.total.counts.on_time) == (5, 3)
    assert total["on_time_rate"] == 60.0
    # closed in November: A 98 h / 4 wd, B 476 h / 14 wd, C 188 h / 6 wd, G 0.5 h / 0 wd, H 96 h / 2 wd
    # → 858.5 h / 5 = 171.7 h; 26 wd / 5 = 5.2 wd
    assert total["avg_hours"] == 171.7 and total["avg_workdays"] == 5.2
    assert total["returned"] == 1  # B by SZJJ
    assert (total["extensions"], total["extensions_approved"]) == (1, 1)  # B


def test_november_per_department(month_app):
    rows = by_department(*report(month_app))
    rljt, szjj, gsjt = rows["RLJT"], rows["SZJJ"], rows["GSJT"]
    assert rljt["received"] == 6 and gsjt["received"] == 1 and szjj["received"] == 0  # B ends with RLJT
    assert rljt["response_rate"] == 83.3  # A, B again, C, C again, F of A B C C E F: 5 / 6
    assert szjj["response_rate"] == 0.0 and szjj["returned"] == 1 and rljt["returned"] == 0  # 0 / 1
    assert gsjt["response_rate"] is None  # G was never dispatched: nothing to count, shown as —
    assert (rljt["resolution_rate"], rljt["satisfaction_rate"]) == (60.0, 80.0)  # all five ratings are RLJT's
    assert rljt["on_time_rate"] == 50.0  # A ✓ B ✗ F ✗ H ✓: 2 / 4
    assert gsjt["on_time_rate"] == 100.0  # G: 1 / 1
    assert rljt["avg_hours"] == 214.5  # (98 + 476 + 188 + 96) / 4
    assert rljt["avg_workdays"] == 6.5  # (4 + 14 + 6 + 2) / 4
    assert (gsjt["avg_hours"], gsjt["avg_workdays"]) == (0.5, 0.0)
    assert rljt["extensions"] == 1 and szjj["extensions"] == 0


def test_per_category_and_a_department_filter(month_app):
    result, _ = report(month_app, dimension="category")
    assert {row.label: row.values["received"] for row in result.rows} == {"城乡建设": 6, "公用事业": 1}
    leaves, _ = report(month_app, dimension="leaf")
    assert {row.label.split(" → ")[-1]: row.values["received"] for row in leaves.rows} == {
        "暖气不热": 5, "供热收费": 1, "停水": 1}  # A B C D E / F / G
    with month_app.app_context():
        szjj = db.session.scalar(select(Department.id).where(Department.code == "SZJJ"))
    only, _ = report(month_app, department_id=szjj)
    assert only.total.counts.dispatched == 1 and only.total.values["returned"] == 1
    assert only.total.values["received"] == 0 and only.total.counts.rated == 0
    heating, _ = report(month_app, category_code="0101")
    assert heating.total.values["received"] == 6  # G (公用事业) left out


def test_a_week_and_its_daily_trend(month_app):
    result, _ = report(month_app, period=around("week", date(2026, 11, 10)))  # Mon 11-09 … Sun 11-15
    counts = result.total.counts
    assert counts.received == 2  # D, E
    assert (counts.dispatched, counts.responded) == (2, 1)  # E ✗ (11-10), C again ✓ (11-11)
    assert (counts.rated, counts.solved, counts.satisfied) == (2, 1, 1)  # C: 未解决 不满意, 已解决 非常满意
    assert counts.due == 0 and result.total.values["on_time_rate"] is None  # no deadline fell in that week
    assert (counts.closed, result.total.values["avg_hours"]) == (1, 188.0)  # C
    assert result.buckets[0] == "2026-11-09" and len(result.buckets) == 7
    assert result.trend["received"] == [1, 1, 0, 0, 0, 0, 0]  # D on Monday, E on Tuesday
    assert result.trend["response_rate"] == [None, 0.0, 100.0, None, None, None, None]


@pytest.mark.parametrize("kind,on,days", [("day", date(2026, 11, 17), 1), ("month", date(2026, 2, 3), 28)])
def test_periods(kind, on, days):
    period = around(kind, on)
    assert period.days == days and isinstance(period, Period)
