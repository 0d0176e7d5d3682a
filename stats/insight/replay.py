"""Detection replayed over data written after the fact (the simulator's month, the benchmark): each
run sees only the rows that existed at its moment, as the live job would have."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from faq.models import UnansweredQuestion
from stats.insight.detect import Limits, RunReport, run_detection
from stats.insight.models import QuestionLog
from stats.insight.params import Params
from submit.models import Ticket, TicketEvent


def limits_at(session: Session, moment: datetime) -> Limits:
    """The ids detection would have seen at `moment` (the simulator writes rows in time order; a
    ticket's `created` event counts from the ticket's created_at, its real arrival)."""
    ticket_event = session.scalar(select(func.max(TicketEvent.id)).join(Ticket).where(or_(
        (TicketEvent.kind == "created") & (Ticket.created_at <= moment),
        (TicketEvent.kind != "created") & (TicketEvent.at <= moment))))
    log = session.scalar(select(func.max(QuestionLog.id)).where(QuestionLog.created_at <= moment))
    unanswered = session.scalar(select(func.max(UnansweredQuestion.id)).where(UnansweredQuestion.created_at <= moment))
    return Limits(ticket_event or 0, log or 0, unanswered or 0)


def replay(session: Session, start: datetime, stop: datetime, step: timedelta, *, secret: bytes, params: Params,
           after_run: Callable[[RunReport], None] | None = None) -> list[RunReport]:
    """Run detection at start + step, + 2 steps, … and finally at stop; each run is committed."""
    reports = []
    moment = start + step
    while True:
        at = min(moment, stop)
        report = run_detection(session, secret=secret, now=at, params=params, limits=limits_at(session, at))
        session.commit()
        reports.append(report)
        if after_run:
            after_run(report)
        if at >= stop:
            return reports
        moment += step
