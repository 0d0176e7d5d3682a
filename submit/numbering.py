"""工单编号: city code + China date + a 6-digit daily sequence, e.g. TY20261128000123.

Each number is one atomic statement on the day's counter row (INSERT … ON CONFLICT DO UPDATE SET
value = value + 1 RETURNING value; SQLite ≥ 3.35 and PostgreSQL), in the caller's transaction:
the row stays locked until it commits, so concurrent tickets wait their turn, and a rolled-back
ticket rolls its number back with it (no gaps). Ticket.number is unique as well.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from core.dates import china_date
from submit.models import TicketSequence

SEQUENCE_DIGITS = 6
CITY_CODE = re.compile(r"^[A-Z]{1,8}$")
NUMBER = re.compile(r"^([A-Z]{1,8}\d{8})(\d{6,})$")  # scope, sequence (7 digits past 999999 a day)


def number_scope(received_at: datetime, city_code: str | None = None) -> str:
    """The numbering scope of a moment: city code + its China date (TY20261128)."""
    code = city_code or current_app.config["CITY_CODE"]
    if not CITY_CODE.match(code):
        raise ValueError(f"CITY_CODE must be 1–8 capital letters, got {code!r}")
    return f"{code}{china_date(received_at):%Y%m%d}"


# The same SQL on both databases, written out: SQLAlchemy's dialect upserts are compiled afresh on every
# call (not cacheable), ≈ 0.6 ms more while the day's counter is held (bench/intake).
NEXT_VALUE = text("INSERT INTO ticket_sequence (scope, value) VALUES (:scope, 1) ON CONFLICT (scope) "
                  "DO UPDATE SET value = ticket_sequence.value + 1 RETURNING value")


def next_number(session: Session, received_at: datetime, city_code: str | None = None) -> str:
    """Take the next number of the day (locks the day's counter until the transaction ends)."""
    scope = number_scope(received_at, city_code)
    value = session.connection().execute(NEXT_VALUE, {"scope": scope}).scalar_one()
    return f"{scope}{value:0{SEQUENCE_DIGITS}d}"


def give_back(session: Session, number: str) -> None:
    """Undo next_number within the same transaction (the number was not used). Only the last number
    of its day can be given back; this transaction still holds the counter, so it is."""
    scope, sequence = NUMBER.match(number).groups()
    value = int(sequence)
    session.execute(update(TicketSequence).where(TicketSequence.scope == scope, TicketSequence.value == value)
                    .values(value=value - 1))
