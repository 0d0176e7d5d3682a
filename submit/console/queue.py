"""The queue: one page of tickets under the filters, counts per tab and per status.

A page costs a fixed number of queries whatever its size and the table's: the category and department
trees and request types (small, once each), one grouped count by status under every filter but the
tab and status (the tab counts are sums of it), one page of rows (LIMIT/OFFSET) with nothing loaded
per row, and, with a text search, one indexed look-up of where the search window starts.

How each filter reaches the rows (indexes of submit.models.Ticket):
- visibility of a handler: department_id (ix_ticket_department_status) or a 协办 row
  (ticket_co_department.department_id); tab/status: ix_ticket_status_deadline; overdue and due-soon:
  open statuses × deadline range on the same index; category: ix_ticket_category_id (subtree ids);
  sort by received: ix_ticket_received_at; by deadline within a status: ix_ticket_status_deadline.
- number: exact or prefix on the unique index of ticket.number. Phone: exact or prefix (a range that
  an index on ticket.phone serves). Text (title, content, address): LIKE, bounded to the
  TEXT_SEARCH_ROWS most recently received tickets (a received_at range found through its index), so a
  text search never reads more than that many rows whatever the table's size; the page says so.
- 我的: for a handler, its department's tickets (主办); for hotline staff, tickets whose last action by
  hotline staff (not a department's; not a note, a phone view or a rating) was theirs — so a ticket they
  dispatched that came back (退单, 答复 to review) is still theirs. The tickets they acted on first (a
  set of ids from ticket_event by actor_staff_id: an index scan when ticket_event has an index on it,
  else one scan of the events), then for those only the newest hotline event through
  ix_ticket_event_ticket_at.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, union
from sqlalchemy.orm import Session

from faq.console.choices import Tree
from reference.models import RequestType
from reference.workdays import WorkCalendar
from staff.models import StaffUser
from submit.console.queue_filters import QueueFilters, Tab, is_department, tabs_for
from submit.models import Ticket, TicketCoDepartment, TicketEvent
from submit.workflow_config import workflow
from submit.workflow_deadlines import aware

PER_PAGE = 30
MAX_TERMS = 5
TEXT_SEARCH_ROWS = 20_000
NOT_ACTIONS = ("note", "contact_viewed", "rated")  # staff events that do not make a ticket someone's
FULL_NUMBER = re.compile(r"^[A-Z]{1,8}\d{14,}$")
NUMBER_PREFIX = re.compile(r"^[A-Z]{1,8}\d*$")
PHONE_CHARS = re.compile(r"[\s\-()（）+]")
FULL_PHONE = re.compile(r"^(1\d{10}|0\d{9,11})$")
MIN_PHONE_DIGITS = 4


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    type_name: str
    category: str  # the leaf's name
    category_path: str
    department: str  # 主办, or "" before dispatch
    overdue: bool
    due_soon: bool
    paused: bool  # the clock is stopped: a 退单 or 延期 request waits for the hotline
    chased: bool  # 催办/督办 not yet answered by the department


@dataclass(frozen=True)
class QueuePage:
    filters: QueueFilters
    tabs: tuple[Tab, ...]
    rows: list[QueueRow]
    total: int
    pages: int
    by_status: dict[str, int]  # under every filter but tab and status
    text_since: datetime | None  # a text search looked at tickets received from then on (None: all)
    searched: str  # how q was read: number, phone, text or ""

    def tab_count(self, tab: Tab) -> int:
        return sum(count for status, count in self.by_status.items()
                   if tab.statuses is None or status in tab.statuses)


def _after_prefix(prefix: str) -> str | None:
    """The first string past every string starting with `prefix` (digits and capitals): 139 → 14,
    TY2026 → TY2027; None when there is none (999)."""
    head = prefix.rstrip("9Z")
    if not head:
        return None
    return head[:-1] + chr(ord(head[-1]) + 1)


def _starts_with(column, prefix: str):
    """column LIKE 'prefix%' as a range an index serves (PostgreSQL uses no index for LIKE under a
    collation other than C, and SQLite none for its case-insensitive LIKE); the LIKE keeps it exact."""
    like = column.like(prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", escape="\\")
    upper = _after_prefix(prefix)
    return and_(column >= prefix, like) if upper is None else and_(column >= prefix, column < upper, like)


def _contains(column, term: str):
    """Case-insensitive only when the term has letters with a case (lower() on every row costs)."""
    if term.lower() == term.upper():
        return column.contains(term, autoescape=True)
    return column.icontains(term, autoescape=True)


def _text_since(session: Session) -> datetime | None:
    """received_at of the TEXT_SEARCH_ROWS-th newest ticket (an index-only walk), None when fewer."""
    return session.scalar(select(Ticket.received_at).order_by(Ticket.received_at.desc())
                          .offset(TEXT_SEARCH_ROWS - 1).limit(1))


def search_condition(session: Session, q: str, staff: StaffUser) -> tuple[object | None, str, datetime | None]:
    """(condition, how q was read, start of the text window) for the search box."""
    if not q:
        return None, "", None
    compact = q.replace(" ", "").upper()
    if NUMBER_PREFIX.match(compact) and any(char.isdigit() for char in compact):
        if FULL_NUMBER.match(compact):
            return Ticket.number == compact, "number", None
        return _starts_with(Ticket.number, compact), "number", None
    digits = PHONE_CHARS.sub("", q)
    if digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS:
        phone = Ticket.phone == digits if FULL_PHONE.match(digits) else _starts_with(Ticket.phone, digits)
        if is_department(staff):  # a department may not learn who sent a confidential ticket by trying phones
            phone = and_(phone, Ticket.confidential.is_(False))
        return phone, "phone", None
    terms = [term for term in q.split() if term][:MAX_TERMS]
    since = _text_since(session)
    conditions = [or_(_contains(Ticket.title, term), _contains(Ticket.content, term), _contains(Ticket.address, term))
                  for term in terms]
    if since is None:
        return and_(*conditions), "text", None
    # The window first, as its own set: the planner then reads only the window's rows for the LIKEs,
    # whatever index it picks for the outer query (the status index, for the grouped counts).
    window = select(Ticket.id).where(Ticket.received_at >= since, *conditions)
    return Ticket.id.in_(window), "text", since


def visible_condition(staff: StaffUser):
    """What a staff member may see (submit.console.privacy.may_see): everything, or a handler's
    department's tickets (主办 or 协办) — one set of ids from two indexed look-ups (an OR of the two
    would make both databases scan)."""
    if not is_department(staff):
        return None
    if staff.department_id is None:
        return false()
    own = select(Ticket.id).where(Ticket.department_id == staff.department_id, Ticket.dispatched_at.is_not(None))
    helping = select(TicketCoDepartment.ticket_id).where(TicketCoDepartment.department_id == staff.department_id)
    return Ticket.id.in_(union(own, helping))


def _open_states() -> list[str]:
    return [code for code, state in workflow().states.items() if not state.terminal]


def _mine(staff: StaffUser):
    """我的 (see the module's docstring), as uncorrelated sets of ids."""
    if is_department(staff):
        return Ticket.department_id == staff.department_id if staff.department_id else false()
    candidates = select(Ticket.id).where(
        Ticket.status.in_(_open_states()),
        Ticket.id.in_(select(TicketEvent.ticket_id).where(TicketEvent.actor_staff_id == staff.id)))
    last = (select(func.max(TicketEvent.id))
            .where(TicketEvent.ticket_id.in_(candidates), TicketEvent.actor_kind == "staff",
                   TicketEvent.actor_role != "handler", TicketEvent.kind.not_in(NOT_ACTIONS))
            .group_by(TicketEvent.ticket_id))
    return Ticket.id.in_(select(TicketEvent.ticket_id).where(TicketEvent.id.in_(last),
                                                             TicketEvent.actor_staff_id == staff.id))


def _due(due: str, now: datetime, soon_until: datetime):
    if due == "overdue":  # as submit.workflow_deadlines.is_overdue: a paused clock is judged when it stopped
        late = or_(and_(Ticket.paused_at.is_(None), Ticket.deadline_at < now),
                   and_(Ticket.paused_at.is_not(None), Ticket.paused_at > Ticket.deadline_at))
    else:
        late = and_(Ticket.paused_at.is_(None), Ticket.deadline_at >= now, Ticket.deadline_at <= soon_until)
    return and_(Ticket.status.in_(_open_states()), late)


def _conditions(filters: QueueFilters, staff: StaffUser, *, categories: Tree, departments: Tree,
                types: dict[str, int], now: datetime, soon_until: datetime) -> list:
    """Every filter but the tab and the status (the counts are taken under these)."""
    conditions = [condition for condition in (visible_condition(staff),) if condition is not None]
    if filters.type:
        conditions.append(Ticket.request_type_id == types.get(filters.type, -1))
    if filters.category:
        conditions.append(Ticket.category_id.in_(categories.subtree_ids(filters.category) or [-1]))
    if filters.department:
        conditions.append(Ticket.department_id.in_(departments.subtree_ids(filters.department) or [-1]))
    if filters.channel:
        conditions.append(Ticket.channel == filters.channel)
    if filters.due:
        conditions.append(_due(filters.due, now, soon_until))
    if filters.mine:
        conditions.append(_mine(staff))
    if filters.confidential:
        conditions.append(Ticket.confidential.is_(True))
    if filters.chased:
        conditions.append(Ticket.chased_at.is_not(None))
    return conditions


def _order(sort: str):
    if sort == "received":
        return Ticket.received_at.desc(), Ticket.id.desc()
    if sort == "updated":
        return Ticket.updated_at.desc(), Ticket.id.desc()
    return Ticket.deadline_at.asc(), Ticket.id.asc()


def _statuses(filters: QueueFilters, tabs: tuple[Tab, ...]) -> frozenset[str] | None:
    if filters.status:
        return frozenset({filters.status})
    return next((tab.statuses for tab in tabs if tab.code == filters.tab), None)


def _row(ticket: Ticket, *, types: dict[int, str], categories: Tree, departments: Tree, now: datetime,
         soon_until: datetime, terminal: frozenset[str]) -> QueueRow:
    category, department = categories.by_id.get(ticket.category_id), departments.by_id.get(ticket.department_id)
    deadline, running = aware(ticket.deadline_at), ticket.paused_at is None
    moment = aware(ticket.paused_at) or now
    open_ = ticket.status not in terminal
    return QueueRow(ticket, types.get(ticket.request_type_id, ""), category.name if category else "",
                    category.path if category else "", department.name if department else "",
                    overdue=open_ and moment > deadline,
                    due_soon=open_ and running and now <= deadline <= soon_until, paused=open_ and not running,
                    chased=open_ and ticket.chased_at is not None)


def list_tickets(session: Session, filters: QueueFilters, staff: StaffUser, *, categories: Tree, departments: Tree,
                 now: datetime, per_page: int | None = None) -> QueuePage:
    """One page of the queue as `staff` may see it (see the module's docstring for the queries)."""
    per_page = per_page or PER_PAGE
    tabs = tabs_for(staff)
    type_rows = session.execute(select(RequestType.id, RequestType.code, RequestType.name)).all()
    soon_until = WorkCalendar.from_session(session).add_workdays(now, 1)
    conditions = _conditions(filters, staff, categories=categories, departments=departments,
                             types={code: id_ for id_, code, _ in type_rows}, now=now, soon_until=soon_until)
    search, searched, since = search_condition(session, filters.q, staff)
    if search is not None:
        conditions.append(search)
    by_status = dict(session.execute(select(Ticket.status, func.count()).where(*conditions)
                                     .group_by(Ticket.status)).all())
    statuses = _statuses(filters, tabs)
    if statuses is not None:
        conditions.append(Ticket.status.in_(sorted(statuses)))
    total = sum(count for status, count in by_status.items() if statuses is None or status in statuses)
    pages = max(1, math.ceil(total / per_page))
    filters = replace(filters, page=min(filters.page, pages))
    tickets = session.scalars(select(Ticket).where(*conditions).order_by(*_order(filters.sort))
                              .limit(per_page).offset((filters.page - 1) * per_page))
    names = {id_: name for id_, _, name in type_rows}
    rows = [_row(ticket, types=names, categories=categories, departments=departments, now=now,
                 soon_until=soon_until, terminal=workflow().terminal) for ticket in tickets]
    return QueuePage(filters, tabs, rows, total, pages, by_status, since, searched)
