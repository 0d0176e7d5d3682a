"""The figures' day cache: counts per China day, department and leaf (stats.models.StatsDay), filled from
the events by stats.queries.count_live and summed for a page, so a year costs a sum over a few tens of
thousands of rows instead of reading a million events.

A cached day stays right because every change to a ticket writes a TicketEvent in the same transaction
(submit.models): before each use the cache finds the events it has not seen (by id above its watermark,
and by time within LAG of its last look, for transactions that commit out of id order) and drops the
days they may change (changed_days: by the kind of event, up to every day the ticket counts on — its
events' days, its ratings', its receipt and every deadline its events record, old and new). What
changes with time alone — a deadline passing makes a ticket due — is handled by dropping the days from
the last look to today. The calendar's overrides,
the 响应 limit and CACHE_VERSION (bump it when a definition changes) are fingerprinted: a change drops
everything. Dropped days are computed again when a page asks for them.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, insert, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.dates import china_date
from reference.models import CalendarDay, Category
from stats.metrics import Counts, respond_within_workdays
from stats.models import COUNTERS, StatsCacheState, StatsDay, StatsDayDone
from stats.periods import MAX_DAILY, Period
from stats.queries import Grouped, Scope, count_live
from submit.models import Ticket, TicketEvent, TicketRating

log = logging.getLogger(__name__)

CACHE_VERSION = "1"
LAG = timedelta(minutes=5)
WIPE_ABOVE = 3_000  # more changed tickets than this since the last look: drop everything
CHUNK = 500


def fingerprint(session: Session) -> str:
    overrides = session.execute(select(CalendarDay.day, CalendarDay.is_workday).order_by(CalendarDay.day)).all()
    text = f"{CACHE_VERSION}|{respond_within_workdays()}|" + ";".join(f"{day}:{int(flag)}" for day, flag in overrides)
    return hashlib.sha256(text.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _recorded_deadlines(data, found: set[date]) -> None:
    """Every deadline an event's data records (deadline, old_deadline, also nested), as China days."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("deadline", "old_deadline") and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    found.add(china_date(datetime.fromisoformat(value)))
            else:
                _recorded_deadlines(value, found)


# What each kind of event can change in the counts (stats.queries): nothing (notes, 催办, 办理, 答复, 审核,
# 回访 calls …: no figure reads them or the ticket columns they change); its own day and the deadlines it
# records; the 派单 days it answers (签收, 退单); the ticket's deadline day (its 办结 or state decides if it
# is due on time); or, when the ticket's department may change, every day the ticket counts on.
EVERY_DAY = frozenset({"created", "dispatched"})
ANSWERS = frozenset({"accepted", "returned"})
DEADLINE = frozenset({"closed", "reopened", "invalidated", "merged", "extension_decided"})
COUNTED = EVERY_DAY | ANSWERS | DEADLINE | {"extension_requested", "rated"}


def _changes(session: Session, state: StatsCacheState) -> dict[int, list[tuple[str, datetime, dict]]]:
    """The counted events the cache has not seen, by ticket: above its id watermark, or within LAG of its
    last look and not among those it saw then (a transaction may commit after one with a higher id)."""
    since = _aware(state.as_of) - LAG
    columns = (TicketEvent.id, TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.data)
    rows = session.execute(union_all(
        select(*columns).where(TicketEvent.id > state.event_id, TicketEvent.kind.in_(COUNTED)),
        select(*columns).where(TicketEvent.kind.in_(COUNTED), TicketEvent.at >= since)))
    changes, seen = defaultdict(list), set(json.loads(state.recent or "[]"))  # seen: taken at the last look
    for event_id, ticket_id, kind, at, data in rows:
        if event_id not in seen:
            seen.add(event_id)
            changes[ticket_id].append((kind, at, data))
    return changes


def _all_days_of(session: Session, tickets: Iterable[int]) -> set[date]:
    """Every day the tickets count on."""
    found: set[date] = set()
    for chunk in _chunks(tickets):
        events = select(TicketEvent.at, TicketEvent.data).where(TicketEvent.ticket_id.in_(chunk))
        for at, data in session.execute(events):
            found.add(china_date(at))
            _recorded_deadlines(data, found)
        found.update(china_date(at) for at in session.scalars(
            select(TicketRating.created_at).where(TicketRating.ticket_id.in_(chunk))))
        for received, deadline in session.execute(select(Ticket.received_at, Ticket.deadline_at)
                                                  .where(Ticket.id.in_(chunk))):
            found.update((china_date(received), china_date(deadline)))
    return found


def _moves(kind: str, data: dict) -> bool:
    """Whether the event may change the ticket's department (a 派单 elsewhere), or makes a new ticket."""
    if kind == "dispatched" and isinstance(data, dict) and "previous_department" in data:
        return data.get("previous_department") != data.get("department")
    return kind in EVERY_DAY


def changed_days(session: Session, changes: dict[int, list[tuple[str, datetime, dict]]]) -> set[str]:
    """The days whose counts the changes may have altered (see the kinds above)."""
    every = {ticket for ticket, events in changes.items() if any(_moves(kind, data) for kind, _, data in events)}
    found = _all_days_of(session, every)
    answered, deadlines = set(), set()
    for ticket, events in changes.items():
        if ticket in every:
            continue
        for kind, at, data in events:
            found.add(china_date(at))
            _recorded_deadlines(data, found)
            if kind in ANSWERS or kind == "dispatched":
                answered.add(ticket)
            if kind in DEADLINE:
                deadlines.add(ticket)
    for chunk in _chunks(answered):
        found.update(china_date(at) for at in session.scalars(select(TicketEvent.at).where(
            TicketEvent.ticket_id.in_(chunk), TicketEvent.kind == "dispatched")))
    for chunk in _chunks(deadlines):
        found.update(china_date(at) for at in session.scalars(select(Ticket.deadline_at).where(Ticket.id.in_(chunk))))
    return {day.isoformat() for day in found}


def _drop(session: Session, days: set[str] | None) -> None:
    """Drop the given days (None: all of them)."""
    if days is None:
        session.execute(delete(StatsDay))
        session.execute(delete(StatsDayDone))
        return
    for chunk in _chunks(days):
        session.execute(delete(StatsDay).where(StatsDay.day.in_(chunk)))
        session.execute(delete(StatsDayDone).where(StatsDayDone.day.in_(chunk)))


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
        changes = _changes(session, state)
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
    """Runs of consecutive days, at most MAX_DAILY long (so a run is counted by day)."""
    start = previous = None
    for day in days:
        if start is not None and (day - previous).days == 1 and (day - start).days < MAX_DAILY:
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
    for start, end in _spans(missing):
        grouped = count_live(session, Scope(Period("custom", start, end), "cell"), now)
        rows = [{"day": day, "department_id": department or 0, "category_id": leaf,
                 "handling_seconds": counts.handling_seconds, **{name: getattr(counts, name) for name in COUNTERS}}
                for (department, leaf), buckets in grouped.items() for day, counts in buckets.items()]
        if rows:
            session.execute(insert(StatsDay), rows)
        session.execute(insert(StatsDayDone), [{"day": day.isoformat()} for day in _days(start, end)])
    return len(missing)


def summed(session: Session, scope: Scope) -> Grouped:
    """The cached counts of `scope` by its dimension and bucket."""
    category = aliased(Category)
    keys = {"department": StatsDay.department_id, "category": func.substr(category.code, 1, 2)}
    key = keys.get(scope.dimension, StatsDay.category_id)
    bucket = StatsDay.day if scope.period.grain == "day" else func.substr(StatsDay.day, 1, 7)
    query = (select(key, bucket, func.sum(StatsDay.handling_seconds),
                    *(func.sum(getattr(StatsDay, name)) for name in COUNTERS))
             .where(StatsDay.day >= scope.period.start.isoformat(), StatsDay.day <= scope.period.end.isoformat())
             .group_by(key, bucket))
    if scope.dimension == "category" or scope.category_code:
        query = query.join(category, category.id == StatsDay.category_id)
    if scope.category_code:
        query = query.where(category.code.startswith(scope.category_code, autoescape=True))
    if scope.department_id is not None:
        query = query.where(StatsDay.department_id == scope.department_id)
    grouped: Grouped = defaultdict(lambda: defaultdict(Counts))
    for group, day, seconds, *values in session.execute(query):
        if scope.dimension == "department" and group == 0:
            group = None
        grouped[group][day] = Counts(handling_seconds=seconds or 0.0,
                                     **{name: value or 0 for name, value in zip(COUNTERS, values, strict=True)})
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
