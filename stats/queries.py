"""Counting the events, ratings and deadlines behind the figures (stats.metrics), per group and bucket.

Each query reads one kind of fact in the period, grouped in SQL by the table's dimension (department,
top-level category or leaf category) and by the trend's bucket (China day or month), so a year of a
busy hotline comes back as a few thousand rows. Working days come from a VALUES table of day →
ordinal (stats.metrics.WorkdayOrdinals) joined in SQL.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, String, and_, case, column, func, literal, or_, select, values
from sqlalchemy.orm import Session, aliased

from core.dates import china_date
from reference.models import Category, Department
from reference.workdays import WorkCalendar
from staff.models import StaffUser
from stats.metrics import SATISFIED, SOLVED, Counts, WorkdayOrdinals, respond_within_workdays
from stats.periods import Period
from stats.sql import bucket_of, china_day, seconds_between
from submit.models import Ticket, TicketEvent, TicketRating

DIMENSIONS = {"department": "承办单位", "category": "一级分类", "leaf": "末级分类"}
NOT_DUE = ("merged", "invalid")
Grouped = dict[object, dict[str, Counts]]  # group key -> bucket -> counts


@dataclass(frozen=True)
class Scope:
    """What the figures are about: the period, the table's dimension and the filters."""

    period: Period
    dimension: str = "department"
    department_id: int | None = None
    category_code: str | None = None  # a top-level or leaf code: the category and everything under it
    now: datetime | None = None


class _Query:
    """Builds one grouped query: source rows, their department (as this figure attributes it) and moment."""

    def __init__(self, scope: Scope, department, moment):
        self.scope, self.department, self.moment = scope, department, moment
        self.category = aliased(Category)

    def key(self):
        if self.scope.dimension == "department":
            return self.department
        if self.scope.dimension == "category":
            return func.substr(self.category.code, 1, 2)
        return self.category.id

    def select(self, *aggregates, source, joins=()):
        """SELECT key, bucket, aggregates FROM source [JOIN (target, on, outer) …] JOIN category, in scope."""
        start, end = self.scope.period.bounds()
        query = select(self.key().label("key"), bucket_of(self.moment, self.scope.period.grain).label("bucket"),
                       *aggregates).select_from(source)
        for target, on, outer in joins:
            query = query.join(target, on, isouter=outer)
        query = (query.join(self.category, self.category.id == Ticket.category_id)
                 .where(self.moment >= start, self.moment < end))
        if self.scope.department_id is not None:
            query = query.where(self.department == self.scope.department_id)
        if self.scope.category_code:
            query = query.where(self.category.code.startswith(self.scope.category_code, autoescape=True))
        return query.group_by("key", "bucket")


def _collect(session: Session, query, grouped: Grouped, names: tuple[str, ...]) -> None:
    for row in session.execute(query):
        counts = grouped[row.key][row.bucket]
        for name, value in zip(names, row[2:], strict=True):
            setattr(counts, name, getattr(counts, name) + (value or 0))


def _ordinals_table(ordinals: WorkdayOrdinals, respond_from: date):
    return values(column("day", String), column("ordinal", Integer), column("respond_by", String),
                  name="workday_values").data(ordinals.rows(respond_from)).cte("workday")


def _received(scope: Scope):
    q = _Query(scope, Ticket.department_id, Ticket.received_at)
    return q.select(func.count().label("received"), source=Ticket), ("received",)


def _dispatches(scope: Scope, workday):
    event, accepted, returned = TicketEvent, aliased(TicketEvent), aliased(TicketEvent)
    department = aliased(Department)
    first_accept = (select(func.min(accepted.at)).where(accepted.ticket_id == event.ticket_id,
                                                         accepted.kind == "accepted", accepted.at >= event.at)
                    .correlate(event).scalar_subquery())
    first_return = (select(func.min(returned.at)).where(returned.ticket_id == event.ticket_id,
                                                         returned.kind == "returned", returned.at >= event.at)
                    .correlate(event).scalar_subquery())
    in_time = case((and_(china_day(first_accept) <= workday.c.respond_by,
                         or_(first_return.is_(None), first_accept <= first_return)), 1), else_=0)
    q = _Query(scope, department.id, event.at)
    query = q.select(func.count().label("dispatched"), func.sum(in_time).label("responded"), source=event, joins=[
        (Ticket, Ticket.id == event.ticket_id, False),
        (department, department.code == event.data["department"].as_string(), True),
        (workday, workday.c.day == china_day(event.at), False)])
    return query.where(event.kind == "dispatched"), ("dispatched", "responded")


def _ratings(scope: Scope):
    q = _Query(scope, Ticket.department_id, TicketRating.created_at)
    query = q.select(func.count().label("rated"),
                     func.sum(case((TicketRating.solved.in_(SOLVED), 1), else_=0)),
                     func.sum(case((TicketRating.satisfaction.in_(SATISFIED), 1), else_=0)), source=TicketRating,
                     joins=[(Ticket, Ticket.id == TicketRating.ticket_id, False)])
    return query, ("rated", "solved", "satisfied")


def _due(scope: Scope, now: datetime):
    q = _Query(scope, Ticket.department_id, Ticket.deadline_at)
    on_time = case((and_(Ticket.closed_at.is_not(None), Ticket.closed_at <= Ticket.deadline_at), 1), else_=0)
    query = q.select(func.count().label("due"), func.sum(on_time), source=Ticket)
    clock = func.coalesce(Ticket.paused_at, literal(now, Ticket.deadline_at.type))
    query = query.where(Ticket.status.not_in(NOT_DUE),
                        or_(Ticket.closed_at.is_not(None), clock > Ticket.deadline_at))
    return query, ("due", "on_time")


def _closures(scope: Scope, workday):
    event, closed_day, received_day = TicketEvent, workday.alias("closed_day"), workday.alias("received_day")
    q = _Query(scope, Ticket.department_id, event.at)
    query = q.select(func.count().label("closed"), func.sum(seconds_between(Ticket.received_at, event.at)),
                     func.sum(closed_day.c.ordinal - received_day.c.ordinal), source=event, joins=[
                         (Ticket, Ticket.id == event.ticket_id, False),
                         (closed_day, closed_day.c.day == china_day(event.at), False),
                         (received_day, received_day.c.day == china_day(Ticket.received_at), False)])
    return query.where(event.kind == "closed"), ("closed", "handling_seconds", "handling_workdays")


def _returns_and_extensions(scope: Scope):
    event, department, actor = TicketEvent, aliased(Department), aliased(StaffUser)
    # 退单: the department on the event; 延期 asked: the asking handler's; decided: the ticket's 主办.
    asking = case((event.kind == "extension_requested", actor.department_id), else_=None)
    attributed = func.coalesce(department.id, asking, Ticket.department_id)
    q = _Query(scope, attributed, event.at)
    approved = and_(event.kind == "extension_decided", event.data["approved"].as_boolean())
    query = q.select(func.sum(case((event.kind == "returned", 1), else_=0)),
                     func.sum(case((event.kind == "extension_requested", 1), else_=0)),
                     func.sum(case((approved, 1), else_=0)), source=event, joins=[
                         (Ticket, Ticket.id == event.ticket_id, False),
                         (department, and_(event.kind == "returned",
                                           department.code == event.data["department"].as_string()), True),
                         (actor, actor.id == event.actor_staff_id, True)])
    query = query.where(event.kind.in_(("returned", "extension_requested", "extension_decided")))
    return query, ("returned", "extensions", "extensions_approved")


def first_received_day(session: Session, default: date) -> date:
    earliest = session.scalar(select(func.min(Ticket.received_at)))
    return min(china_date(earliest), default) if earliest else default


def count(session: Session, scope: Scope, now: datetime) -> Grouped:
    """Every figure's counts in `scope`: {group key: {bucket: Counts}}."""
    period = scope.period
    ordinals = WorkdayOrdinals(WorkCalendar.from_session(session), first_received_day(session, period.start),
                               max(period.end, china_date(now)), respond_within_workdays())
    workday = _ordinals_table(ordinals, period.start)
    grouped: Grouped = defaultdict(lambda: defaultdict(Counts))
    for query, names in (_received(scope), _dispatches(scope, workday), _ratings(scope), _due(scope, now),
                         _closures(scope, workday), _returns_and_extensions(scope)):
        _collect(session, query, grouped, names)
    return grouped
