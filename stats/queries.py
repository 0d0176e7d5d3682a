"""Counting the events, ratings and deadlines behind the figures (stats.metrics), per group and bucket,
and listing the tickets behind one figure.

Each `Fact` is one kind of thing counted in the period (tickets received, 派单 events, ratings, deadlines,
办结 events, 退单 events, 延期 events): where it comes from, the moment that places it in the period,
the department it is attributed to, and what is summed. `count` groups every fact in SQL by the
table's dimension (department, top-level or leaf category) and the trend's bucket (China day or
month), so a year of a busy hotline comes back as a few thousand rows; `listed` gives the rows behind
one fact. Working days come from a VALUES table of day → ordinal (stats.metrics.WorkdayOrdinals).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, and_, case, column, func, literal, or_, select, values
from sqlalchemy.orm import Session, aliased

from core.dates import china_date
from core.db import Timestamp
from reference.models import Category, Department
from reference.workdays import WorkCalendar
from stats.metrics import SATISFIED, SOLVED, Counts, WorkdayOrdinals, respond_within_workdays
from stats.periods import Period
from stats.sql import bucket_of, china_day, seconds_between
from submit.models import Ticket, TicketEvent, TicketRating

DIMENSIONS = {"department": "承办单位", "category": "一级分类", "leaf": "末级分类"}
NOT_DUE = ("merged", "invalid")
RESPONSE_HORIZON = timedelta(days=15)  # past the longest holiday: a 签收 later than this is late
Grouped = dict[object, dict[str, Counts]]  # group key -> bucket -> counts


@dataclass(frozen=True)
class Scope:
    """What the figures are about: the period, the table's dimension and the filters."""

    period: Period
    dimension: str = "department"
    department_id: int | None = None
    category_code: str | None = None  # a top-level or leaf code: the category and everything under it


@dataclass
class Fact:
    department: object  # the SQL expression of the department it counts for
    moment: object  # what places it in the period and the bucket
    source: object
    joins: list = field(default_factory=list)  # (target, on, outer)
    where: list = field(default_factory=list)
    sums: dict = field(default_factory=dict)  # Counts field -> SQL expression summed (None: count rows)


def _in_scope(query, fact: Fact, scope: Scope, category):
    start, end = scope.period.bounds()
    query = query.select_from(fact.source)
    for target, on, outer in fact.joins:
        query = query.join(target, on, isouter=outer)
    query = query.join(category, category.id == Ticket.category_id).where(
        fact.moment >= start, fact.moment < end, *fact.where)
    if scope.department_id is not None:
        query = query.where(fact.department == scope.department_id)
    if scope.category_code:
        query = query.where(category.code.startswith(scope.category_code, autoescape=True))
    return query


def grouped_query(fact: Fact, scope: Scope):
    """SELECT key, bucket, sums… of one fact in scope, grouped. Dimension "cell" (stats.cache): the key is
    the pair department, leaf category (two columns, key and leaf)."""
    category = aliased(Category)
    if scope.dimension == "cell":
        keys = [fact.department.label("key"), category.id.label("leaf")]
    else:
        keys = [{"department": fact.department, "category": func.substr(category.code, 1, 2)}.get(
            scope.dimension, category.id).label("key")]
    sums = [func.count() if expr is None else func.sum(expr) for expr in fact.sums.values()]
    query = select(*keys, bucket_of(fact.moment, scope.period.grain).label("bucket"), *sums)
    return _in_scope(query, fact, scope, category).group_by(*(key.name for key in keys), "bucket")


def listed(session: Session, fact: Fact, scope: Scope):
    """(ticket id, moment, department id, sums…) of every row of one fact in scope, in time order."""
    details = [expr for expr in fact.sums.values() if expr is not None]
    query = select(Ticket.id, fact.moment, fact.department, *details)
    return session.execute(_in_scope(query, fact, scope, aliased(Category)).order_by(fact.moment, Ticket.id))


def _joined_ticket(source) -> tuple:
    return (Ticket, Ticket.id == source.ticket_id, False)


def facts(session: Session, scope: Scope, now: datetime) -> dict[str, Fact]:
    """The facts behind the figures, by name (the keys of the ticket lists)."""
    period, event = scope.period, TicketEvent
    ordinals = WorkdayOrdinals(WorkCalendar.from_session(session), first_received_day(session, period.start),
                               max(period.end, china_date(now)), respond_within_workdays())
    workday = values(column("day", String), column("ordinal", Integer), column("respond_by", Timestamp()),
                     name="workday_values").data(ordinals.rows(period.start)).cte("workday")
    named, dispatch = aliased(Department), aliased(TicketEvent)
    # 派单 and what answered it: the next 签收 or 退单 of the same ticket (a 派单 leaves "dispatched" only
    # by one of them, or by 合并/无效, which no 签收 follows), found by LEAD over those events from the
    # period's start to RESPONSE_HORIZON after its end.
    start, end = period.bounds()
    order = (event.at, event.id)
    answers = (select(event.id, event.ticket_id, event.kind, event.at,  # covered by ix_ticket_event_kind_at_ticket
                      func.lead(event.kind).over(partition_by=event.ticket_id, order_by=order).label("next_kind"),
                      func.lead(event.at).over(partition_by=event.ticket_id, order_by=order).label("next_at"))
               .where(event.kind.in_(("dispatched", "accepted", "returned")), event.at >= start,
                      event.at < end + RESPONSE_HORIZON)
               .subquery("answers"))
    in_time = case((and_(answers.c.next_kind == "accepted", answers.c.next_at <= workday.c.respond_by), 1), else_=0)
    on_time = case((and_(Ticket.closed_at.is_not(None), Ticket.closed_at <= Ticket.deadline_at), 1), else_=0)
    clock = func.coalesce(Ticket.paused_at, literal(now, Ticket.deadline_at.type))
    closed_day, received_day = workday.alias("closed_day"), workday.alias("received_day")
    return {
        "received": Fact(Ticket.department_id, Ticket.received_at, Ticket, sums={"received": None}),
        "dispatched": Fact(named.id, answers.c.at, answers, [
            (Ticket, Ticket.id == answers.c.ticket_id, False), (dispatch, dispatch.id == answers.c.id, False),
            (named, named.code == dispatch.data["department"].as_string(), True),
            (workday, workday.c.day == china_day(answers.c.at), False)],
            [answers.c.kind == "dispatched"], {"dispatched": None, "responded": in_time}),
        "rated": Fact(Ticket.department_id, TicketRating.created_at, TicketRating, [_joined_ticket(TicketRating)],
                      sums={"rated": None, "solved": case((TicketRating.solved.in_(SOLVED), 1), else_=0),
                            "satisfied": case((TicketRating.satisfaction.in_(SATISFIED), 1), else_=0)}),
        "due": Fact(Ticket.department_id, Ticket.deadline_at, Ticket, where=[
            Ticket.status.not_in(NOT_DUE), or_(Ticket.closed_at.is_not(None), clock > Ticket.deadline_at)],
            sums={"due": None, "on_time": on_time}),
        "closed": Fact(Ticket.department_id, event.at, event, [
            _joined_ticket(event), (closed_day, closed_day.c.day == china_day(event.at), False),
            (received_day, received_day.c.day == china_day(Ticket.received_at), False)], [event.kind == "closed"],
            {"closed": None, "handling_seconds": seconds_between(Ticket.received_at, event.at),
             "handling_workdays": closed_day.c.ordinal - received_day.c.ordinal}),
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


def first_received_day(session: Session, default: date) -> date:
    earliest = session.scalar(select(func.min(Ticket.received_at)))
    return min(china_date(earliest), default) if earliest else default


def count_live(session: Session, scope: Scope, now: datetime) -> Grouped:
    """Every figure's counts in `scope`, read from the events now: {group key: {bucket: Counts}} (for the
    "cell" dimension the key is (department id, leaf id))."""
    grouped: Grouped = defaultdict(lambda: defaultdict(Counts))
    width = 3 if scope.dimension == "cell" else 2
    for fact in facts(session, scope, now).values():
        names = tuple(fact.sums)
        for row in session.execute(grouped_query(fact, scope)):
            key = tuple(row[:2]) if width == 3 else row[0]
            counts = grouped[key][row.bucket]
            for name, value in zip(names, row[width:], strict=True):
                setattr(counts, name, getattr(counts, name) + (value or 0))
    return grouped
