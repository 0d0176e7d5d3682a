"""Guards on what citizens submit (issue 5, item 8), in the one place every citizen channel goes through.

The chat dialogue and the H5 form (and Open311 later) make tickets with `create_guarded`: that is
`service.create_ticket` with these guards as its `admit` step, which runs after the submission is found
valid and before the ticket's first write. So
- a retry with the same idempotency key still returns its ticket at once, never asked anything;
- an invalid submission is never counted against the daily limit (an H5 form may come back many times);
- the shared-store counter is written before the transaction has written anything (on SQLite a second
  writer — the store's own connection — would otherwise wait for this transaction's lock).
Staff entering a caller's ticket (phone), the demo loader and imports call create_ticket itself: those
tickets are neither limited nor questioned as duplicates.

1. Duplicate: the same openid sent the same content (normalised: NFKC, case, spaces and punctuation
   folded) within DUPLICATE_WINDOW → PossibleDuplicate with the earlier ticket, unless the citizen has
   said it is not one (`not_duplicate`). Read from the ticket table, so every worker sees it.
2. Daily limit: at most HOTLINE_TICKETS_PER_DAY (0 = none) new tickets per openid and China calendar
   day, counted by core.ratelimit in the shared store (atomic across workers and hosts) →
   DailyLimitReached. A ticket counted whose transaction then fails (a lost race on the same key, a
   failed commit) stays counted: at worst the citizen gets one ticket fewer that day.
Long content: the service takes up to fields.MAX_CONTENT characters (the H5 form keeps them whole);
the chat dialogue asks for at most chat_steps.MAX_CHAT_CONTENT before this point.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import china_date
from core.db import utcnow
from core.ratelimit import allowed, hit
from submit import messages
from submit.errors import SubmitError
from submit.fields import CleanSubmission, Submission
from submit.models import Ticket
from submit.service import create_ticket

DUPLICATE_WINDOW = timedelta(minutes=10)
NOT_WORD = re.compile(r"[\W_]+")
LIMIT_NAME = "tickets-per-day"


@dataclass(frozen=True)
class EarlierTicket:
    number: str
    received_at: datetime


class Refused(SubmitError):
    """A valid submission a guard holds back; .message says why (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PossibleDuplicate(Refused):
    def __init__(self, earlier: EarlierTicket):
        super().__init__(messages.DUPLICATE.format(number=earlier.number))
        self.earlier = earlier


class DailyLimitReached(Refused):
    def __init__(self, limit: int):
        super().__init__(limit_message(limit))
        self.limit = limit


def limit_message(limit: int) -> str:
    return messages.DAILY_LIMIT.format(limit=limit)


def fingerprint(content: str) -> str:
    """The content as compared for duplicates: full-width folded, lower case, no spaces or punctuation."""
    return NOT_WORD.sub("", unicodedata.normalize("NFKC", content).casefold())


def earlier_duplicate(session: Session, openid: str, content: str, now: datetime | None = None) -> EarlierTicket | None:
    """The citizen's latest ticket of the last DUPLICATE_WINDOW with the same content, if any."""
    since = (now or utcnow()) - DUPLICATE_WINDOW
    wanted = fingerprint(content)
    rows = session.execute(select(Ticket.number, Ticket.received_at, Ticket.content)
                           .where(Ticket.citizen_openid == openid, Ticket.received_at >= since)
                           .order_by(Ticket.received_at.desc(), Ticket.id.desc()))
    return next((EarlierTicket(number, at) for number, at, text in rows if fingerprint(text) == wanted), None)


def daily_limit() -> int:
    return max(0, int(current_app.config.get("TICKETS_PER_DAY") or 0))


def _limit_keys(openid: str) -> tuple[str, str, str]:
    return LIMIT_NAME, openid, china_date(utcnow()).isoformat()


def may_submit(openid: str | None) -> bool:
    """Whether the citizen has a ticket left today (not counting one): to say so before a form is filled in."""
    limit = daily_limit()
    return not (openid and limit) or allowed(f"{limit} per 1 day", *_limit_keys(openid))


def admit(session: Session, openid: str | None, clean: CleanSubmission, *, not_duplicate: bool = False) -> None:
    """Raise PossibleDuplicate or DailyLimitReached, or count the ticket about to be made."""
    if not openid:
        return
    if not not_duplicate:
        earlier = earlier_duplicate(session, openid, clean.content)
        if earlier is not None:
            raise PossibleDuplicate(earlier)
    limit = daily_limit()
    if limit and not hit(f"{limit} per 1 day", *_limit_keys(openid)):
        raise DailyLimitReached(limit)


def create_guarded(session: Session, submission: Submission, *, channel: str, idempotency_key: str,
                   not_duplicate: bool = False) -> Ticket:
    """create_ticket for a citizen's own submission, with the guards above.

    Raises InvalidSubmission, PossibleDuplicate, DailyLimitReached (or ValueError for a caller's mistake)."""
    return create_ticket(session, submission, channel=channel, idempotency_key=idempotency_key,
                         admit=lambda clean: admit(session, submission.openid, clean, not_duplicate=not_duplicate))
