"""The simulator's bulk path: the columns and events create_ticket writes, for 100k+ rows at a time.

create_ticket is the one service for tickets; it validates each submission and takes the day's
number under a row lock, ≈ 2–4 ms a ticket, too slow for a month of a city's tickets or the
benchmark's million. This writes the same Ticket columns (number from the same daily sequence,
deadline by the same working-day calendar, department from the category) and the same public
`created` event (same data keys), in executemany batches; a ticket marked 无效 also gets the
`invalidated` event mark_invalid writes. With a lifecycle (SimConfig.lifecycle, simulate_lifecycle)
every ticket not marked 无效 also gets the workflow's events from 派单 to 办结 as far as the
simulation's stop, its 回访 rating and the Ticket columns those steps leave (status,
closed_at, revision …); without one it stays at 受理. Rows are written in the order they happened: a
ticket's later steps wait for the day they fall on, so event ids follow time (detection's replays
read by id: stats.insight.replay); a ticket's row holds its final state from the start. Citizens'
words are the simulator's own and are not re-validated (they are valid by construction).
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.dates import china_date
from core.db import upsert
from faq.inbox import normalize_question
from faq.models import UnansweredQuestion
from reference.models import Category, RequestType
from reference.workdays import WorkCalendar
from stats.insight.models import QuestionLog
from stats.insight.simulate_lifecycle import Lifecycle, Story
from submit.models import Ticket, TicketEvent, TicketRating, TicketSequence
from submit.numbering import SEQUENCE_DIGITS, number_scope
from submit.workflow_config import workflow

BATCH = 5000
SPAM_REASON = "广告/骚扰信息（模拟数据）"


class BulkWriter:
    def __init__(self, session: Session, city_code: str, lifecycle: Lifecycle | None = None):
        self.session, self.city_code, self.lifecycle = session, city_code, lifecycle
        self.types = {row.code: row for row in session.scalars(select(RequestType))}
        self.categories = {row.code: row for row in session.scalars(select(Category))}
        self.calendar = WorkCalendar.from_session(session)
        self.deadlines: dict[tuple[date, int], datetime] = {}
        self.sequences: dict[str, int] = {}
        self.initial = workflow().initial
        self.ticket_ids: dict[str, int] = {}

    def _number(self, received_at: datetime) -> str:
        scope = number_scope(received_at, self.city_code)
        if scope not in self.sequences:
            self.sequences[scope] = self.session.scalar(
                select(TicketSequence.value).where(TicketSequence.scope == scope)) or 0
        self.sequences[scope] += 1
        return f"{scope}{self.sequences[scope]:0{SEQUENCE_DIGITS}d}"

    def _deadline(self, received_at: datetime, days: int) -> datetime:
        key = (china_date(received_at), days)
        if key not in self.deadlines:
            self.deadlines[key] = self.calendar.add_workdays(received_at, days)
        return self.deadlines[key]

    def _row(self, item: dict) -> dict:
        kind, category = self.types[item["request_type"]], self.categories[item["category"]]
        deadline = self._deadline(item["received_at"], kind.time_limit_days)
        return {"number": self._number(item["received_at"]), "request_type_id": kind.id, "category_id": category.id,
                "title": item["title"], "content": item["content"], "address": item["address"],
                "latitude": item["latitude"], "longitude": item["longitude"], "location_label": "",
                "citizen_openid": item["openid"], "citizen_name": item["name"], "phone": item["phone"],
                "confidential": False, "channel": item["channel"], "department_id": category.department_id,
                "status": "invalid" if item["invalid"] else self.initial, "received_at": item["received_at"],
                "deadline_at": deadline, "closed_at": None, "idempotency_key": item["key"],
                "revision": 2 if item["invalid"] else 1, "round": 1, "dispatched_at": None, "chased_at": None,
                "chase_count": 0, "created_at": item["created_at"], "updated_at": item["created_at"]}

    def _created(self, item: dict, ticket_id: int, row: dict) -> dict:
        kind, category = self.types[item["request_type"]], self.categories[item["category"]]
        department = category.department.code if category.department else None
        return {"ticket_id": ticket_id, "kind": "created", "actor_kind": "system" if item["channel"] == "phone"
                else "citizen", "actor_staff_id": None, "actor_role": "", "from_status": None,
                "to_status": self.initial, "reason": "", "note": "", "public": True, "at": item["received_at"],
                "data": {"channel": item["channel"], "request_type": kind.code, "category": category.code,
                         "department": department, "time_limit_days": kind.time_limit_days,
                         "deadline_at": row["deadline_at"].isoformat(), "attachments": 0}}

    def _invalidated(self, ticket_id: int, at: datetime) -> tuple[datetime, dict]:
        return at, {"ticket_id": ticket_id, "kind": "invalidated", "actor_kind": "system", "actor_staff_id": None,
                    "actor_role": "", "from_status": self.initial, "to_status": "invalid", "reason": SPAM_REASON,
                    "note": "", "public": True, "at": at, "data": {}}

    def write_tickets(self, items: list[dict], until: datetime | None = None) -> None:
        """Items in the order they happened (created_at); with a lifecycle, also the steps of earlier
        tickets that fall before `until` (when the next items begin: the end of these items' day)."""
        for start in range(0, len(items), BATCH):
            part = items[start:start + BATCH]
            rows = [self._row(item) for item in part]
            stories = [self._story(item, row) for item, row in zip(part, rows, strict=True)]
            table = Ticket.__table__
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids = self.session.execute(statement, rows).scalars()
            events, ratings = [], []
            for item, row, story, ticket_id in zip(part, rows, stories, ids, strict=True):
                self.ticket_ids[item["key"]] = ticket_id
                events.append((item["created_at"], self._created(item, ticket_id, row)))
                if item["invalid"]:
                    events.append(self._invalidated(ticket_id, item["created_at"] + timedelta(minutes=30)))
                if story is not None:
                    ratings += self.lifecycle.keep(ticket_id, story)
            if ratings:
                self.session.execute(insert(TicketRating.__table__), ratings)
            self._write_events(events, items[start + BATCH]["created_at"] if start + BATCH < len(items) else until)
        if not items:
            self._write_events([], until)

    def _story(self, item: dict, row: dict) -> Story | None:
        if self.lifecycle is None or item["invalid"]:
            return None
        return self.lifecycle.live(row, self.categories[item["category"]].department)

    def _write_events(self, events: list[tuple[datetime, dict]], before: datetime | None) -> None:
        """The events, and the lifecycle's kept steps earlier than `before` (None: all), in time order."""
        if self.lifecycle is not None:
            events += self.lifecycle.due(before)
        if events:
            events.sort(key=lambda pair: pair[0])
            self.session.execute(insert(TicketEvent.__table__), [event for _at, event in events])

    def finish(self) -> None:
        self._write_events([], None)
        for scope, value in self.sequences.items():
            statement = upsert(self.session, TicketSequence).values(scope=scope, value=value)
            self.session.execute(statement.on_conflict_do_update(index_elements=["scope"], set_={"value": value}))


def citizen_hash(seed: int, citizen: int) -> str:
    return hashlib.sha256(f"sim:{seed}:{citizen}".encode()).hexdigest()[:32]


def write_questions(session: Session, rows: list[dict], seed: int) -> dict[str, tuple[str, int]]:
    """Answered ones into the question log, the rest into faq_unanswered; returns key → (source, id)
    for rows that have a key (injected topics)."""
    found: dict[str, tuple[str, int]] = {}
    for answered, model, source in ((True, QuestionLog, "log"), (False, UnansweredQuestion, "unanswered")):
        chosen = [row for row in rows if row["answered"] == answered]
        if not chosen:
            continue
        values = [{"text": row["text"], "normalized": normalize_question(row["text"]),
                   "openid_hash": citizen_hash(seed, row["citizen"]), "channel": "wechat",
                   "outcome": "answer" if answered else "none", "created_at": row["at"]} for row in chosen]
        if not answered:
            for value in values:
                value["best_score"] = None
        table = model.__table__
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values).scalars()
        for row, question_id in zip(chosen, ids, strict=True):
            if row["key"]:
                found[row["key"]] = (source, question_id)
    return found
