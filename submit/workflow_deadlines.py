"""Deadline arithmetic of the workflow, in working days of the official calendar (reference.workdays).

- pause: while a 退单 or 延期 request waits for the hotline the clock stops (Ticket.paused_at);
- resume: the working days that were left when it stopped are counted again from the resumption,
  so the days spent waiting are not the department's (a deadline already passed stays passed);
- extend: an approved 延期 moves the deadline N working days further;
- fresh: a 重办 gets the request type's full time limit again from now.
"""
from __future__ import annotations

from datetime import UTC, datetime

from reference.workdays import WorkCalendar, china_date
from submit.models import Ticket


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes; make them comparable with aware ones."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def is_paused(ticket: Ticket) -> bool:
    return ticket.paused_at is not None


def pause(ticket: Ticket, now: datetime) -> None:
    if ticket.paused_at is None:
        ticket.paused_at = now


def resumed_deadline(calendar: WorkCalendar, ticket: Ticket, now: datetime) -> datetime:
    """The deadline if the clock started again at `now` (the deadline itself when it is running)."""
    deadline = aware(ticket.deadline_at)
    if ticket.paused_at is None:
        return deadline
    if china_date(deadline) < china_date(ticket.paused_at):
        return deadline  # already overdue when it stopped: the waiting does not excuse that
    return calendar.add_workdays(now, calendar.workdays_between(ticket.paused_at, deadline))


def resume(calendar: WorkCalendar, ticket: Ticket, now: datetime) -> dict:
    """Start the clock again; returns the change for the event's data ({} when it was running)."""
    if ticket.paused_at is None:
        return {}
    old, new = aware(ticket.deadline_at), resumed_deadline(calendar, ticket, now)
    change = {"paused_at": aware(ticket.paused_at).isoformat(), "old_deadline": old.isoformat(),
              "deadline": new.isoformat()}
    ticket.paused_at = None
    ticket.deadline_at = new
    return change


def extend(calendar: WorkCalendar, ticket: Ticket, days: int) -> dict:
    """Move the (running) deadline `days` working days further."""
    old = aware(ticket.deadline_at)
    new = calendar.add_workdays(old, days)
    ticket.deadline_at = new
    return {"old_deadline": old.isoformat(), "deadline": new.isoformat(), "days": days}


def fresh(calendar: WorkCalendar, ticket: Ticket, now: datetime) -> dict:
    """The request type's full time limit again, from now (重办)."""
    old = aware(ticket.deadline_at)
    new = calendar.add_workdays(now, ticket.request_type.time_limit_days)
    ticket.deadline_at = new
    ticket.paused_at = None
    return {"old_deadline": old.isoformat(), "deadline": new.isoformat()}


def is_overdue(ticket: Ticket, now: datetime, terminal: frozenset[str]) -> bool:
    """Past its deadline and not finished; a paused clock is judged at the moment it stopped."""
    if ticket.status in terminal:
        return False
    moment = aware(ticket.paused_at) or now
    return moment > aware(ticket.deadline_at)
