"""The one way tickets are made (every channel), and what a citizen may read of them.

create_ticket validates everything (submit.fields), numbers the ticket, takes the department from
the category, computes the deadline in working days and writes the public 'created' event, all in
the caller's transaction (the caller commits); the part that holds the day's number is kept short.
It is idempotent: a submission retried with the same key — a WeChat retry, a double-tapped H5 button,
two workers at once — returns the first ticket. Suggested keys: f"wechat:{openid}:{dialogue id}",
f"h5:{openid}:{form nonce}", f"phone:{staff id}:{form nonce}", f"open311:{client}:{client's request id}".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from core.db import utcnow
from reference.workdays import WorkCalendar
from staff.models import StaffUser
from submit.fields import AttachmentIn, CleanSubmission, Submission, validate_submission
from submit.models import CHANNELS, Ticket, TicketAttachment, TicketEvent
from submit.numbering import give_back, next_number
from submit.workflow_config import workflow

__all__ = ["AttachmentIn", "PublicEvent", "Submission", "create_ticket", "get_ticket_for_citizen",
           "public_history", "tickets_of_citizen"]

CITIZEN_CHANNELS = ("wechat", "h5", "open311")
MAX_IDEMPOTENCY_KEY = 100
# Built once and given the values as parameters: compiled once, cached (bench/intake).
INSERT_TICKET = insert(Ticket.__table__).returning(Ticket.__table__.c.id)
INSERT_EVENT = insert(TicketEvent.__table__)
INSERT_ATTACHMENT = insert(TicketAttachment.__table__)


def ticket_by_key(session: Session, idempotency_key: str) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.idempotency_key == idempotency_key))


def _check_call(channel: str, idempotency_key: str, openid: str | None) -> None:
    """Mistakes of the calling code, not of the citizen: a plain ValueError."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise ValueError(f"idempotency_key must be 1–{MAX_IDEMPOTENCY_KEY} characters")
    if channel in ("wechat", "h5") and not openid:
        raise ValueError(f"a {channel} submission needs the citizen's openid")


def _ticket_row(clean: CleanSubmission, submission: Submission, channel: str, idempotency_key: str,
                by: StaffUser | None, received_at: datetime, deadline_at: datetime) -> dict:
    department = clean.category.department
    return {"request_type_id": clean.request_type.id, "category_id": clean.category.id, "title": clean.title,
            "content": clean.content, "address": clean.address, "latitude": clean.latitude,
            "longitude": clean.longitude, "location_label": clean.location_label,
            "citizen_openid": submission.openid or None, "citizen_name": clean.name, "phone": clean.phone,
            "confidential": clean.confidential, "channel": channel,
            "department_id": department.id if department else None,
            "status": workflow().initial, "received_at": received_at, "deadline_at": deadline_at,
            "idempotency_key": idempotency_key, "created_by_id": by.id if by else None}


def _created_event_row(ticket: dict, clean: CleanSubmission, by: StaffUser | None) -> dict:
    actor_kind = "staff" if by else "citizen" if ticket["channel"] in CITIZEN_CHANNELS else "system"
    department = clean.category.department
    return {"kind": "created", "actor_kind": actor_kind, "actor_staff_id": by.id if by else None,
            "actor_role": by.role if by else "", "from_status": None, "to_status": ticket["status"], "public": True,
            "at": ticket["received_at"],
            "data": {"channel": ticket["channel"], "request_type": clean.request_type.code,
                     "category": clean.category.code, "department": department.code if department else None,
                     "time_limit_days": clean.request_type.time_limit_days,
                     "deadline_at": ticket["deadline_at"].isoformat(), "attachments": len(clean.attachments)}}


def create_ticket(session: Session, submission: Submission, *, channel: str, idempotency_key: str,
                  by: StaffUser | None = None, received_at: datetime | None = None,
                  admit: Callable[[CleanSubmission], None] | None = None) -> Ticket:
    """The ticket for this submission: a new one, or the one an earlier call with the same key made.

    Raises InvalidSubmission (every bad field, Chinese messages) or ValueError (a caller's mistake).
    `by` is the staff member entering it (phone channel); `received_at` defaults to now. `admit`, when
    given, sees the valid submission before anything is written and may raise to refuse it (the
    citizen channels' guards: submit.guards.create_guarded); a retry with a known key skips it.
    """
    _check_call(channel, idempotency_key, submission.openid)
    existing = ticket_by_key(session, idempotency_key)
    if existing is not None:
        return existing
    clean = validate_submission(session, submission)
    if admit is not None:
        admit(clean)
    received_at = received_at or utcnow()
    deadline_at = WorkCalendar.from_session(session).add_workdays(received_at, clean.request_type.time_limit_days)
    row = _ticket_row(clean, submission, channel, idempotency_key, by, received_at, deadline_at)
    event_row = _created_event_row(row, clean, by)
    # Everything is ready before the number: from its statement on, the day's counter stays locked until
    # the caller commits (on SQLite the whole database), so what follows is three plain INSERTs, no ORM
    # flush (bench/intake). The number's statement is also this transaction's first write: on SQLite it
    # opens the transaction, so the savepoint below is a nested one (releasing an outermost SQLite
    # savepoint would commit).
    number = next_number(session, received_at)
    try:
        with session.begin_nested():
            connection = session.connection()  # Core statements: the session's ORM execution adds nothing here
            ticket_id = connection.execute(INSERT_TICKET, {**row, "number": number}).scalar_one()
            connection.execute(INSERT_EVENT, {**event_row, "ticket_id": ticket_id})
            if clean.attachments:
                connection.execute(INSERT_ATTACHMENT, [{**asdict(item), "ticket_id": ticket_id}
                                                       for item in clean.attachments])
    except IntegrityError:
        # Another call with the same key got there first (its transaction has committed by now).
        give_back(session, number)
        existing = ticket_by_key(session, idempotency_key)
        if existing is None:
            raise
        return existing
    return _persistent(session, Ticket(id=ticket_id, number=number, revision=1, **row))


def _persistent(session: Session, ticket: Ticket) -> Ticket:
    """The row just inserted as an ORM object, without reading it back (no SELECT while the number is
    held): the columns it was given are loaded, the rest (defaults, relationships) load when used."""
    if session.identity_key(Ticket, ticket.id) in session.identity_map:  # the id of a ticket rolled back
        return session.get(Ticket, ticket.id, populate_existing=True)
    make_transient_to_detached(ticket)
    session.add(ticket)
    return ticket


def tickets_of_citizen(session: Session, openid: str | None, *, limit: int = 50, offset: int = 0) -> list[Ticket]:
    """我的工单: the citizen's own tickets, newest first (openid from the server session, never a parameter)."""
    if not openid:
        return []
    return list(session.scalars(select(Ticket).where(Ticket.citizen_openid == openid)
                                .order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(limit).offset(offset)))


def get_ticket_for_citizen(session: Session, number: str, openid: str | None) -> Ticket | None:
    """The ticket with this number if it is this citizen's; None otherwise (never says which)."""
    if not openid or not number:
        return None
    return session.scalar(select(Ticket).where(Ticket.number == number.strip().upper(),
                                               Ticket.citizen_openid == openid))


@dataclass(frozen=True)
class PublicEvent:
    """One line of the history a citizen sees."""

    at: datetime
    kind: str
    status: str | None  # the status code after the event
    status_name: str  # the citizen's words for it (workflow.yaml public_name)
    note: str  # what the event says to the citizen (e.g. the department's reply)


def public_status_name(status: str | None) -> str:
    state = workflow().states.get(status or "")
    return state.public_name if state else ""


def public_history(ticket: Ticket) -> list[PublicEvent]:
    """The public events of a ticket, oldest first; internal notes and reasons never appear."""
    return [PublicEvent(event.at, event.kind, event.to_status, public_status_name(event.to_status), event.note)
            for event in ticket.events if event.public]
