"""The figures' cache: counts per China day, department and leaf (stats.models.StatsDay), filled from
the events by stats.queries.count_live and summed for a page, so a year costs a sum over a few tens of
thousands of rows instead of reading a million events.

A cached day stays right because every change to a ticket writes a TicketEvent in the same transaction
(submit.models): before each use the cache finds the events it has not seen (by id above its watermark,
and by time within LAG of its last look, for transactions that commit out of id order) and drops the
days they may change (changed_days: by the kind of event, up to every day the ticket counts on — its
events' days, its ratings', its receipt and every deadline its events record, old and new). What
changes with time alone — a deadline passing makes a ticket due — is handled by dropping the days from
the last look to today; today itself (and any later day a period asks for) is never cached but read
from the events on every look. The calendar's overrides, the 响应 limit and CACHE_VERSION (bump it when
a definition changes) are fingerprinted: a change drops everything. Dropped days are computed again
when a page asks for them; whole past months are summed once more into StatsMonth, which a year reads.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.dates import china_date
from reference.models import CalendarDay, Category
from stats.cache_changes import COUNTED, LAG, changed_days, changes_since, chunks
from stats.metrics import Counts, respond_within_workdays
from stats.models import COUNTERS, StatsCacheState, StatsDay, StatsDayDone, StatsMonth, StatsMonthDone
from stats.periods import Period
from stats.queries import Grouped, Scope, count_live
from submit.models import TicketEvent

log = logging.getLogger(__name__)

CACHE_VERSION = "1"
WIPE_ABOVE = 3_000  # more changed tickets than this since the last look: drop everything


def fingerprint(session: Session) -> str:
    overrides = session.execute(select(CalendarDay.day, CalendarDay.is_workday).order_by(CalendarDay.day)).all()
    text = f"{CACHE_VERSION}|{respond_within_workdays()}|" + ";".join(f"{day}:{int(flag)}" for day, flag in overrides)
    return hashlib.sha256(text.encode()).hexdigest()




def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _drop(session: Session, days: set[str] | None) -> None:
    """Drop the given days and their months (None: everything)."""
    if days is None:
        for table in (StatsDay, StatsDayDone, StatsMonth, StatsMonthDone):
            session.execute(delete(table))
        return
    for chunk in chunks(days):
        session.execute(delete(StatsDay).where(StatsDay.day.in_(chunk)))
        session.execute(delete(StatsDayDone).where(StatsDayDone.day.in_(chunk)))
    for chunk in chunks({day[:7] for day in days}):
        session.execute(delete(StatsMonth).where(StatsMonth.month.in_(chunk)))
        session.execute(delete(StatsMonthDone).where(StatsMonthDone.month.in_(chunk)))


def _recent_ids(session: Session, now: datetime) -> list[int]:
    return list(session.scalars(select(TicketEvent.id).where(TicketEvent.kind.in_(COUNTED),
                                                             TicketEvent.at >= now - LAG)))


def refresh(session: Session, now: datetime) -> None:
    """Drop what changed since the cache last looked, and move its watermark to now (written only when
    something was dropped or a day has passed)."""
    state = session.get(StatsCacheState, 1)
    current = fingerprint(session)
    if state is None or state.fingerprint != current:
        _drop(session, None)
    else:
        changes = changes_since(session, state)
        if not changes and china_date(state.as_of) == china_date(now):
            return
        if len(changes) > WIPE_ABOVE:
            _drop(session, None)
        else:  # and the days since the last look: deadlines passed since make tickets due
            since_last = {day.isoformat() for day in _days(china_date(state.as_of), china_date(now))}
            _drop(session, changed_days(session, changes) | since_last)
    top, recent = session.scalar(select(func.max(TicketEvent.id))) or 0, json.dumps(_recent_ids(session, now))
    if state is None:
        state = StatsCacheState(id=1)
        session.add(state)
    state.event_id, state.as_of, state.fingerprint, state.recent = top, now, current, recent
    session.flush()


def _spans(days: list[date]) -> Iterator[tuple[date, date]]:
    """Runs of consecutive days."""
    start = previous = None
    for day in days:
        if start is not None and (day - previous).days == 1:
            previous = day
            continue
        if start is not None:
            yield start, previous
        start = previous = day
    if start is not None:
        yield start, previous


def fill(session: Session, period: Period, now: datetime) -> int:
    """Compute the period's days before today that are not cached; returns how many were."""
    last_day = min(period.end, china_date(now) - timedelta(days=1))
    if last_day < period.start:
        return 0
    first, last = period.start.isoformat(), last_day.isoformat()
    done = set(session.scalars(select(StatsDayDone.day).where(StatsDayDone.day >= first, StatsDayDone.day <= last)))
    missing = [day for day in _days(period.start, last_day) if day.isoformat() not in done]
    spans = tuple(_spans(missing))
    if spans:  # one query per figure for all the runs of missing days
        cells = Scope(Period("custom", spans[0][0], spans[-1][1]), "cell", spans=spans)
        rows = [{"day": day, "department_id": department or 0, "category_id": leaf,
                 "handling_seconds": counts.handling_seconds, **{name: getattr(counts, name) for name in COUNTERS}}
                for (department, leaf), buckets in count_live(session, cells, now).items()
                for day, counts in buckets.items()]
        for chunk in chunks(rows, 2_000):
            session.execute(insert(StatsDay), chunk)
        session.execute(insert(StatsDayDone), [{"day": day.isoformat()} for day in missing])
    _roll_months(session, period.start, last_day)
    return len(missing)


def _whole_months(first: date, last: date) -> list[str]:
    """The months wholly inside [first, last]."""
    months = sorted({day.strftime("%Y-%m") for day in _days(first, last)})
    return [month for month in months if first <= _month_start(month) and _month_end(month) <= last]


def _month_start(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def _month_end(month: str) -> date:
    return (_month_start(month) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _roll_months(session: Session, first: date, last: date) -> None:
    """Sum the cached days of each whole month in [first, last] (all in the past) into StatsMonth."""
    months = _whole_months(first, last)
    done = set(session.scalars(select(StatsMonthDone.month).where(StatsMonthDone.month.in_(months))))
    columns = ("department_id", "category_id", "handling_seconds", *COUNTERS)
    for month in months:
        if month in done:
            continue
        rows = (select(literal(month), StatsDay.department_id, StatsDay.category_id,
                       *(func.sum(getattr(StatsDay, name)) for name in columns[2:]))
                .where(StatsDay.day >= f"{month}-01", StatsDay.day <= _month_end(month).isoformat())
                .group_by(StatsDay.department_id, StatsDay.category_id))
        session.execute(insert(StatsMonth).from_select(["month", *columns], rows))
        session.execute(insert(StatsMonthDone).values(month=month))


def _sum(session: Session, scope: Scope, table, where, bucket, grouped: Grouped) -> None:
    category = aliased(Category)
    key = {"department": table.department_id, "category": func.substr(category.code, 1, 2)}.get(
        scope.dimension, table.category_id)
    sums = (func.sum(getattr(table, name)) for name in COUNTERS)
    query = select(key, bucket, func.sum(table.handling_seconds), *sums).where(*where).group_by(key, bucket)
    if scope.dimension == "category" or scope.category_code:
        query = query.join(category, category.id == table.category_id)
    if scope.category_code:
        query = query.where(category.code.startswith(scope.category_code, autoescape=True))
    if scope.department_id is not None:
        query = query.where(table.department_id == scope.department_id)
    for group, name, seconds, *values in session.execute(query):
        if scope.dimension == "department" and group == 0:
            group = None
        counts = grouped[group][name].__dict__
        counts["handling_seconds"] += seconds or 0.0
        for field, value in zip(COUNTERS, values, strict=True):
            counts[field] += value or 0


def summed(session: Session, scope: Scope) -> Grouped:
    """The cached counts of `scope` by its dimension and bucket: whole months from StatsMonth when the
    trend is by month, the other days from StatsDay."""
    period, grouped = scope.period, defaultdict(lambda: defaultdict(Counts))
    months = []
    if period.grain == "month":
        wanted = _whole_months(period.start, period.end)
        months = sorted(session.scalars(select(StatsMonthDone.month).where(StatsMonthDone.month.in_(wanted))))
        _sum(session, scope, StatsMonth, [StatsMonth.month.in_(months)], StatsMonth.month, grouped)
    day_bucket = StatsDay.day if period.grain == "day" else func.substr(StatsDay.day, 1, 7)
    start = period.start
    for month in [*months, None]:  # the days between the whole months read from StatsMonth
        end = _month_start(month) - timedelta(days=1) if month else period.end
        if start <= end:
            _sum(session, scope, StatsDay, [StatsDay.day >= start.isoformat(), StatsDay.day <= end.isoformat()],
                 day_bucket, grouped)
        if month:
            start = _month_end(month) + timedelta(days=1)
    return grouped


def count(session: Session, scope: Scope, now: datetime) -> Grouped:
    """The figures' counts of `scope` through the cache (read from the events when the cache is busy:
    another request filling the same days at the same moment)."""
    try:
        refresh(session, now)
        fill(session, scope.period, now)
        session.commit()
    except IntegrityError as clash:
        session.rollback()
        log.warning("figures cache busy, counted from the events: %s", clash.orig)
        return count_live(session, scope, now)
    grouped = summed(session, scope)
    today = china_date(now)
    if scope.period.end >= today:  # today (and any later day asked for) is read from the events
        ahead = replace(scope, period=Period("custom", max(scope.period.start, today), scope.period.end))
        for key, buckets in count_live(session, ahead, now, bucket=scope.period.bucket).items():
            for bucket, counts in buckets.items():
                grouped[key][bucket].add(counts)
    return grouped
