"""Counting the events, ratings and deadlines behind the figures (stats.metrics), per group and day, and
listing the tickets behind one figure.

Each `Fact` is one kind of thing counted in the period (tickets received, 派单 events, ratings, deadlines,
办结 events, 退单 events, 延期 events): where it comes from, the moment that places it in the period (its
China day), the department it is attributed to, and what is summed. `count_live` groups every fact in
SQL by the dimension (department, top-level or leaf category, or the cache's (department, leaf) cell) and
China day; working days are then counted in Python from the days SQL returns (a 派单's day and its
签收's day; a 办结's day and its ticket's receipt day), with the official calendar (reference.workdays).
stats.cache keeps these counts per day; `listed` gives the rows behind one fact.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from reference.models import Category, Department
from reference.workdays import WorkCalendar
from stats.metrics import SATISFIED, SOLVED, Counts, WorkdayOrdinals, respond_within_workdays
from stats.periods import Period
from stats.sql import china_day, seconds_between
from submit.models import Ticket, TicketEvent, TicketRating

DIMENSIONS = {"department": "承办单位", "category": "一级分类", "leaf": "末级分类"}
NOT_DUE = ("merged", "invalid")
RESPONSE_HORIZON = timedelta(days=15)  # past the longest holiday: a 签收 later than this is late
Grouped = dict[object, dict[str, Counts]]  # group key -> bucket -> counts


@dataclass(frozen=True)
class Scope:
    """What the figures are about: the period, the table's dimension and the filters."""

    period: Period
    dimension: str = "department"  # or "cell": (department, leaf), for stats.cache
    department_id: int | None = None
    category_code: str | None = None  # a top-level or leaf code: the category and everything under it
    spans: tuple[tuple[date, date], ...] = ()  # instead of the whole period: these runs of days (stats.cache)

    def bounds(self, after: timedelta = timedelta(0)) -> list[tuple[datetime, datetime]]:
        """The [start, end + after) moments counted: the period's, or each span's."""
        runs = [Period("custom", first, last).bounds() for first, last in self.spans] or [self.period.bounds()]
        return [(start, end + after) for start, end in runs]


def within(moment, bounds: list[tuple[datetime, datetime]]):
    return or_(*(and_(moment >= start, moment < end) for start, end in bounds))


@dataclass
class Fact:
    department: object  # the SQL expression of the department it counts for
    moment: object  # what places it in the period and the day
    source: object
    joins: list = field(default_factory=list)  # (target, on, outer)
    where: list = field(default_factory=list)
    sums: dict = field(default_factory=dict)  # Counts field -> SQL expression summed (None: count rows)
    other_day: object = None  # a second day grouped by, for the calendar: 签收 day of a 派单, receipt of a 办结
    calendar: str = ""  # "responded" or "handling_workdays": what other_day is for


def _in_scope(query, fact: Fact, scope: Scope, category):
    query = query.select_from(fact.source)
    for target, on, outer in fact.joins:
        query = query.join(target, on, isouter=outer)
    query = query.join(category, category.id == Ticket.category_id).where(
        within(fact.moment, scope.bounds()), *fact.where)
    if scope.department_id is not None:
        query = query.where(fact.department == scope.department_id)
    if scope.category_code:
        query = query.where(category.code.startswith(scope.category_code, autoescape=True))
    return query


def grouped_query(fact: Fact, scope: Scope):
    """SELECT key[, leaf], day[, other day], sums… of one fact in scope, grouped."""
    category = aliased(Category)
    if scope.dimension == "cell":
        keys = [fact.department.label("key"), category.id.label("leaf")]
    else:
        keys = [{"department": fact.department, "category": func.substr(category.code, 1, 2)}.get(
            scope.dimension, category.id).label("key")]
    days = [china_day(fact.moment).label("day")]
    if fact.other_day is not None:
        days.append(fact.other_day.label("other_day"))
    sums = [func.count() if expr is None else func.sum(expr) for expr in fact.sums.values()]
    query = select(*keys, *days, *sums)
    return _in_scope(query, fact, scope, category).group_by(*(column.name for column in keys + days))


class Calendar:
    """Working days for the facts that need them, built over the days actually met."""

    def __init__(self, session: Session):
        self.calendar, self.within = WorkCalendar.from_session(session), respond_within_workdays()
        self._respond_by: dict[date, date] = {}
        self._ordinals: WorkdayOrdinals | None = None

    def in_time(self, dispatched: date, accepted: date | None) -> bool:
        """A 签收 on `accepted` answers a 派单 of `dispatched` in time (by the end of the respond-by day)."""
        if accepted is None:
            return False
        if dispatched not in self._respond_by:
            self._respond_by[dispatched] = self.calendar.nth_workday(dispatched, self.within)
        return accepted <= self._respond_by[dispatched]

    def workdays(self, received: date, closed: date) -> int:
        """Working days after the receipt day up to and including the 办结 day."""
        ordinals = self._ordinals
        if ordinals is None or received < ordinals.first or closed > ordinals.last:
            first = min(received, ordinals.first) if ordinals else received
            last = max(closed, ordinals.last) if ordinals else closed
            ordinals = self._ordinals = WorkdayOrdinals(self.calendar, first, last, self.within)
        return ordinals.ordinal(closed) - ordinals.ordinal(received)


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def apply_calendar(calendar: Calendar, fact: Fact, counts: Counts, day: date, other, rows: int) -> None:
    if fact.calendar == "responded" and calendar.in_time(day, _date(other)):
        counts.responded += rows
    elif fact.calendar == "handling_workdays":
        counts.handling_workdays += rows * calendar.workdays(_date(other), day)


def listed(session: Session, fact: Fact, scope: Scope):
    """(ticket id, moment, department id, sums…, day, other day) of every row of one fact in scope, in time
    order."""
    details = [expr for expr in fact.sums.values() if expr is not None]
    extra = [china_day(fact.moment), fact.other_day if fact.other_day is not None else literal(None)]
    query = select(Ticket.id, fact.moment, fact.department, *details, *extra)
    return session.execute(_in_scope(query, fact, scope, aliased(Category)).order_by(fact.moment, Ticket.id))


def _joined_ticket(source) -> tuple:
    return (Ticket, Ticket.id == source.ticket_id, False)


def facts(session: Session, scope: Scope, now: datetime) -> dict[str, Fact]:
    """The facts behind the figures, by name (the keys of the ticket lists)."""
    event = TicketEvent
    named, dispatch = aliased(Department), aliased(TicketEvent)
    # 派单 and what answered it: the next 签收 or 退单 of the same ticket (a 派单 leaves "dispatched" only
    # by one of them, or by 合并/无效, which no 签收 follows), found by LEAD over those events from the
    # period's start to RESPONSE_HORIZON after its end.
    order = (event.at, event.id)
    dispatched = aliased(TicketEvent)
    in_period = select(dispatched.ticket_id).where(dispatched.kind == "dispatched",
                                                   within(dispatched.at, scope.bounds()))
    answers = (select(event.id, event.ticket_id, event.kind, event.at,
                      func.lead(event.kind).over(partition_by=event.ticket_id, order_by=order).label("next_kind"),
                      func.lead(event.at).over(partition_by=event.ticket_id, order_by=order).label("next_at"))
               .where(event.ticket_id.in_(in_period), event.kind.in_(("dispatched", "accepted", "returned")),
                      within(event.at, scope.bounds(RESPONSE_HORIZON)))
               .subquery("answers"))
    accepted_day = case((answers.c.next_kind == "accepted", china_day(answers.c.next_at)), else_=None)
    on_time = case((and_(Ticket.closed_at.is_not(None), Ticket.closed_at <= Ticket.deadline_at), 1), else_=0)
    clock = func.coalesce(Ticket.paused_at, literal(now, Ticket.deadline_at.type))
    return {
        "received": Fact(Ticket.department_id, Ticket.received_at, Ticket, sums={"received": None}),
        "dispatched": Fact(named.id, answers.c.at, answers, [
            (Ticket, Ticket.id == answers.c.ticket_id, False), (dispatch, dispatch.id == answers.c.id, False),
            (named, named.code == dispatch.data["department"].as_string(), True)],
            [answers.c.kind == "dispatched"], {"dispatched": None}, accepted_day, "responded"),
        "rated": Fact(Ticket.department_id, TicketRating.created_at, TicketRating, [_joined_ticket(TicketRating)],
                      sums={"rated": None, "solved": case((TicketRating.solved.in_(SOLVED), 1), else_=0),
                            "satisfied": case((TicketRating.satisfaction.in_(SATISFIED), 1), else_=0)}),
        "due": Fact(Ticket.department_id, Ticket.deadline_at, Ticket, where=[
            Ticket.status.not_in(NOT_DUE), or_(Ticket.closed_at.is_not(None), clock > Ticket.deadline_at)],
            sums={"due": None, "on_time": on_time}),
        "closed": Fact(Ticket.department_id, event.at, event, [_joined_ticket(event)], [event.kind == "closed"],
                       {"closed": None, "handling_seconds": seconds_between(Ticket.received_at, event.at)},
                       china_day(Ticket.received_at), "handling_workdays"),
        "returned": Fact(func.coalesce(named.id, Ticket.department_id), event.at, event, [
            _joined_ticket(event), (named, named.code == event.data["department"].as_string(), True)],
            [event.kind == "returned"], {"returned": None}),
        # 延期 asked and decided: the ticket's 主办 (the asking department, unless it was re-dispatched since)
        "extensions": Fact(Ticket.department_id, event.at, event, [_joined_ticket(event)],
                           [event.kind.in_(("extension_requested", "extension_decided"))],
                           {"extensions": case((event.kind == "extension_requested", 1), else_=0),
                            "extensions_approved": case((and_(event.kind == "extension_decided",
                                                              event.data["approved"].as_boolean()), 1), else_=0)}),
    }


def count_live(session: Session, scope: Scope, now: datetime, bucket=None) -> Grouped:
    """Every figure's counts in `scope`, read from the events now: {group key: {bucket: Counts}} (for the
    "cell" dimension the key is (department id, leaf id) and the bucket the day). `bucket`: day → bucket,
    when it is not the period's own (a part of a longer period)."""
    bucket = bucket or scope.period.bucket
    grouped: Grouped = defaultdict(lambda: defaultdict(Counts))
    calendar = Calendar(session)
    width = 2 if scope.dimension == "cell" else 1
    for fact in facts(session, scope, now).values():
        names = tuple(fact.sums)
        for row in session.execute(grouped_query(fact, scope)):
            key = tuple(row[:2]) if width == 2 else row[0]
            day = date.fromisoformat(row[width])
            other = row[width + 1] if fact.other_day is not None else None
            values = row[width + (2 if fact.other_day is not None else 1):]
            counts = grouped[key][day.isoformat() if width == 2 else bucket(day)]
            for name, value in zip(names, values, strict=True):
                setattr(counts, name, getattr(counts, name) + (value or 0))
            apply_calendar(calendar, fact, counts, day, other, values[0])
    return grouped
