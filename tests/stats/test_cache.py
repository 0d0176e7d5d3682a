"""The day cache gives what the events give: the same counts as reading the events, also after a change
to an old ticket (its days are dropped and counted again) and after a calendar change (all dropped)."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select

from core.db import db
from reference.models import CalendarDay
from stats.cache import count, refresh
from stats.metrics import rates, total
from stats.models import StatsDayDone, StatsMonthDone
from stats.periods import Period, around
from stats.queries import Scope, count_live
from submit import workflow as wf
from submit.models import Ticket
from tests.stats.scenario import NOW
from tests.submit.workflow_support import department, people

NOVEMBER = around("month", date(2026, 11, 10))
SCOPES = [Scope(NOVEMBER), Scope(NOVEMBER, "category"), Scope(NOVEMBER, "leaf"), Scope(NOVEMBER, category_code="0101"),
          Scope(around("week", date(2026, 11, 10)))]


def flat(grouped) -> dict:
    """{group: figures}, the empty buckets and groups left out."""
    return {key: rates(total(buckets)) for key, buckets in grouped.items() if any(
        any(vars(counts).values()) for counts in buckets.values())}


def same_as_live(session, scope: Scope) -> dict:
    cached = flat(count(session, scope, NOW))
    assert cached == flat(count_live(session, scope, NOW))
    return cached


def test_cached_counts_are_the_events_counts(month_any_app):
    with month_any_app.app_context():
        for scope in SCOPES:
            same_as_live(db.session, scope)
        days = db.session.scalar(select(func.count()).select_from(StatsDayDone))
        assert days == 29  # November, but for "today" (11-30), which every look counts again
        db.session.remove()


def test_a_change_to_an_old_ticket_is_counted_again(month_app):
    with month_app.app_context():
        session = db.session
        before = same_as_live(session, Scope(NOVEMBER))
        ticket = session.scalar(select(Ticket).where(Ticket.number == month_app.month["A"]))
        with time_machine.travel(NOW, tick=False):  # 重办 of A (closed 11-06): its deadline moves to December
            wf.reopen(session, ticket, actor=people(session).agent, reason="复查")
            session.commit()
        after = same_as_live(session, Scope(NOVEMBER))
        grouped = count(session, Scope(NOVEMBER), NOW)
        whole = rates(total({key: total(buckets) for key, buckets in grouped.items()}))
        assert before != after and whole["on_time_rate"] == 50.0  # A left November's due: B ✗ F ✗ G ✓ H ✓
        with time_machine.travel(NOW, tick=False):  # 派单 to SZJJ: A's receipt, rating and 办结 now count for SZJJ
            wf.dispatch(session, ticket, actor=people(session).agent, department=department(session, "SZJJ"))
            session.commit()
        moved = same_as_live(session, Scope(NOVEMBER))
        szjj = department(session, "SZJJ").id
        assert moved[szjj]["received"] == 1 and after[szjj]["received"] == 0
        db.session.remove()


def test_a_note_drops_nothing_but_today(month_app):
    with month_app.app_context():
        session = db.session
        same_as_live(session, Scope(NOVEMBER))
        cached = set(session.scalars(select(StatsDayDone.day)))
        ticket = session.scalar(select(Ticket).where(Ticket.number == month_app.month["B"]))
        with time_machine.travel(NOW, tick=False):
            wf.add_note(session, ticket, actor=people(session).agent, note="已电话提醒承办单位")
            session.commit()
        refresh(session, NOW)
        assert set(session.scalars(select(StatsDayDone.day))) == cached - {"2026-11-30"}
        same_as_live(session, Scope(NOVEMBER))
        db.session.remove()


def test_a_calendar_change_drops_every_day(month_app):
    with month_app.app_context():
        session = db.session
        before = same_as_live(session, Scope(NOVEMBER))
        session.add(CalendarDay(day=date(2026, 11, 3), is_workday=False, name="测试假日"))
        session.commit()
        after = same_as_live(session, Scope(NOVEMBER))
        # A, received Mon 11-02 and closed Fri 11-06, now took 3 working days, not 4
        assert before != after
        db.session.remove()


def test_whole_past_months_are_read_from_their_sums(month_any_app):
    autumn = Scope(Period("custom", date(2026, 9, 1), date(2026, 11, 30)))  # by month: September, October whole
    with month_any_app.app_context():
        session = db.session
        before = same_as_live(session, autumn)
        assert set(session.scalars(select(StatsMonthDone.month))) == {"2026-09", "2026-10"}
        ticket = session.scalar(select(Ticket).where(Ticket.number == month_any_app.month["H"]))
        with time_machine.travel(NOW, tick=False):  # H, received in October, moves to SZJJ: October is summed again
            wf.reopen(session, ticket, actor=people(session).agent, reason="复查")
            wf.dispatch(session, ticket, actor=people(session).agent, department=department(session, "SZJJ"))
            session.commit()
        after = same_as_live(session, autumn)
        assert before != after and set(session.scalars(select(StatsMonthDone.month))) == {"2026-09", "2026-10"}
        db.session.remove()
