"""What the figures' cache must drop after events it has not seen (stats.cache.refresh): the events, and
the days they may change, by the kind of event."""
from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from core.dates import china_date
from stats.models import StatsCacheState
from submit.models import Ticket, TicketEvent, TicketRating

LAG = timedelta(minutes=5)
CHUNK = 500


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


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


def changes_since(session: Session, state: StatsCacheState) -> dict[int, list[tuple[str, datetime, dict]]]:
    """The counted events the cache has not seen, by ticket: above its id watermark, or within LAG of its
    last look and not among those it saw then (a transaction may commit after one with a higher id)."""
    since = aware(state.as_of) - LAG
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
    for chunk in chunks(tickets):
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
    for chunk in chunks(answered):
        found.update(china_date(at) for at in session.scalars(select(TicketEvent.at).where(
            TicketEvent.ticket_id.in_(chunk), TicketEvent.kind == "dispatched")))
    for chunk in chunks(deadlines):
        found.update(china_date(at) for at in session.scalars(select(Ticket.deadline_at).where(Ticket.id.in_(chunk))))
    return {day.isoformat() for day in found}
