"""Demo tickets (HOTLINE_DEMO=1): submit/demo/tickets.yaml, made through create_ticket like any other.

Each row's idempotency key is "demo:<key>", so `flask demo load` twice creates nothing new. Rows are
received `hours_ago` before loading. Phone tickets are entered by the demo agent when it exists
(the staff loader runs first). A wrong row stops the loader with every problem listed; the caller
rolls back, so nothing of the demo tickets is kept.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from core.db import utcnow
from core.demo import DemoDataError, demo_loader
from staff.service import find_staff
from submit.errors import InvalidSubmission
from submit.fields import Submission
from submit.service import create_ticket, ticket_by_key

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "tickets.yaml"
DEMO_AGENT = "agent"
ROW_KEYS = {"key", "hours_ago", "channel", "type"}
SUBMISSION_KEYS = {field.name for field in fields(Submission)} - {"request_type", "attachments"}


def _submission(row: dict) -> Submission:
    unknown = set(row) - ROW_KEYS - SUBMISSION_KEYS
    if unknown:
        raise DemoDataError([f"ticket {row.get('key')}: unknown fields {', '.join(sorted(unknown))}"])
    return Submission(request_type=row["type"], **{name: row[name] for name in SUBMISSION_KEYS if name in row})


def load_demo_tickets(session: Session, path: Path = DEMO_FILE, *, now: datetime | None = None) -> int:
    """Create the demo tickets that are missing; return how many were created."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    now = now or utcnow()
    agent = find_staff(session, DEMO_AGENT)
    created, problems = 0, []
    for row in rows:
        key = f"demo:{row.get('key')}"
        if ticket_by_key(session, key) is not None:
            continue
        try:
            create_ticket(session, _submission(row), channel=row["channel"], idempotency_key=key,
                          by=agent if row["channel"] == "phone" else None,
                          received_at=now - timedelta(hours=row["hours_ago"]))
        except InvalidSubmission as exc:
            problems.extend(f"ticket {row['key']}: {error.field}: {error.message}" for error in exc.errors)
            continue
        except (KeyError, ValueError) as exc:  # a missing column, an unknown channel
            problems.append(f"ticket {row.get('key')}: {exc}")
            continue
        created += 1
    if problems:
        raise DemoDataError(problems)
    return created


@demo_loader("tickets", order=40)
def load_demo(session: Session) -> str:
    return f"created {load_demo_tickets(session)} tickets"
