"""The data of bench/console: TICKETS tickets and about EVENTS events over the past year, bulk-inserted
(SQLAlchemy Core executemany) into an empty database that has the schema and the reference data.

Spread: received uniformly over 365 days (more on working days), request types and categories drawn
from the reference data (each leaf's default department), statuses by age against the ticket's time
limit (most old tickets closed, a few 无效/合并, some still open and overdue; recent ones at every step),
and per ticket the events its status implies (受理, 派单, 签收, 办理, 答复, 审核, 回访 call + rating, 办结),
plus 退单 and 重派, 延期, 催办 and notes, so there are ten events per ticket on average.
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from reference.models import Category, Department, RequestType
from submit.models import Ticket, TicketEvent, TicketRating

TICKETS = 100_000
EVENTS = 1_000_000
BATCH = 5_000
CONTENT = "基准测试工单内容，反映的问题需要处理。"
STEPS = ["dispatched", "accepted", "started", "replied", "approved", "closed"]
STATUS_AFTER = {"dispatched": "dispatched", "accepted": "accepted", "started": "in_progress",
                "replied": "replied", "approved": "follow_up", "closed": "closed"}
SATISFACTION = ["very_satisfied", "satisfied", "satisfied", "basic", "dissatisfied"]
SOLVED = ["solved", "solved", "solved", "partly", "unsolved"]


class Generator:
    def __init__(self, session: Session, now: datetime, seed: int = 7):
        self.rng, self.now = random.Random(seed), now
        self.types = session.execute(select(RequestType.id, RequestType.time_limit_days)).all()
        self.leaves = session.execute(select(Category.id, Category.department_id)
                                      .where(Category.department_id.is_not(None))).all()
        self.departments = dict(session.execute(select(Department.id, Department.code)).all())
        self.codes = list(self.departments.values())
        self.staff_id = None

    def _events(self, ticket_id: int, received: datetime, limit_days: int, department: str) -> tuple[list, str, dict]:
        rng, events, extra = self.rng, [], {}

        def add(kind, at, frm, to, data=None, role="agent"):
            events.append({"ticket_id": ticket_id, "kind": kind, "actor_kind": "staff", "actor_staff_id": self.staff_id,
                           "actor_role": role, "from_status": frm, "to_status": to, "reason": "", "note": "",
                           "public": False, "data": data or {}, "at": at})

        add("created", received, None, "received", role="")
        age_hours = (self.now - received).total_seconds() / 3600
        deadline_hours = limit_days * 24 * 1.4
        if rng.random() < 0.03:
            add("invalidated", received + timedelta(hours=1), "received", "invalid")
            return events, "invalid", extra
        at, status = received, "received"
        if rng.random() < 0.08:  # 退单 and 重派
            wrong = rng.choice(self.codes)
            at += timedelta(hours=rng.uniform(0.2, 3))
            add("dispatched", at, status, "dispatched", {"department": wrong})
            at += timedelta(hours=rng.uniform(1, 30))
            add("returned", at, "dispatched", "returned", {"department": wrong}, "handler")
            status = "returned"
        # how far it got: old tickets mostly closed; young ones anywhere on the way
        progress = len(STEPS) if age_hours > deadline_hours * 1.2 and rng.random() < 0.9 else rng.randint(0, len(STEPS))
        share = deadline_hours * rng.uniform(0.1, 1.3) / len(STEPS)
        for step in STEPS[:progress]:
            at += timedelta(hours=rng.uniform(0.3, 2) * share)
            if at >= self.now:
                break
            if step == "started" and rng.random() < 0.3:
                add("chased", at, status, status, {"department": department}, "supervisor")
                extra["chase_count"] = 1
            if step == "replied" and rng.random() < 0.06:
                add("extension_requested", at, status, status, {"days": 5}, "handler")
                add("extension_decided", at + timedelta(hours=3), status, status, {"approved": rng.random() < 0.8},
                    "supervisor")
            if step == "closed":
                add("follow_up_call", at - timedelta(hours=1), status, status, {"reached": True})
                add("rated", at - timedelta(minutes=50), status, status)
                extra["rating"] = {"ticket_id": ticket_id, "round": 1, "source": "phone", "solved": rng.choice(SOLVED),
                                   "satisfaction": rng.choice(SATISFACTION), "created_at": at - timedelta(minutes=50)}
                extra["closed_at"] = at
            data = {"department": department} if step in ("dispatched", "accepted") else {}
            add(step, at, status, STATUS_AFTER[step], data, "handler" if step in ("accepted", "started", "replied")
                else "agent")
            status = STATUS_AFTER[step]
        for _ in range(rng.choice((0, 0, 1, 2))):  # internal notes
            add("note", received + timedelta(hours=rng.uniform(0, 48)), status, status, role="agent")
        return events, status, extra

    def tickets(self, start_id: int, count: int):
        """(ticket rows, event rows, rating rows) for ids start_id … start_id + count - 1."""
        tickets, events, ratings = [], [], []
        for ticket_id in range(start_id, start_id + count):
            received = self.now - timedelta(days=self.rng.uniform(0, 365))
            type_id, limit_days = self.rng.choice(self.types)
            category_id, department_id = self.rng.choice(self.leaves)
            rows, status, extra = self._events(ticket_id, received, limit_days, self.departments[department_id])
            events += rows
            if "rating" in extra:
                ratings.append(extra["rating"])
            tickets.append({
                "id": ticket_id, "number": f"BN{ticket_id:012d}", "request_type_id": type_id,
                "category_id": category_id, "title": f"诉求 {ticket_id}", "content": CONTENT,
                "address": "小店区坞城路", "citizen_name": "测试", "phone": f"139{ticket_id:08d}",
                "confidential": False, "channel": self.rng.choice(("wechat", "h5", "phone")),
                "department_id": department_id, "status": status, "received_at": received,
                "deadline_at": received + timedelta(days=limit_days * 1.4),
                "closed_at": extra.get("closed_at"), "idempotency_key": f"bench:{ticket_id}", "revision": 1,
                "round": 1, "chase_count": extra.get("chase_count", 0),
                "dispatched_at": received + timedelta(hours=1) if status != "received" else None,
                "created_at": received, "updated_at": received})
        return tickets, events, ratings


def fill(session: Session, staff_id: int, now: datetime | None = None, tickets: int = TICKETS) -> tuple[int, int]:
    """Insert the tickets, their events and ratings; returns (tickets, events)."""
    generator = Generator(session, now or datetime.now(UTC))
    generator.staff_id = staff_id
    made_events = 0
    for start in range(1, tickets + 1, BATCH):
        rows, events, ratings = generator.tickets(start, min(BATCH, tickets + 1 - start))
        session.execute(insert(Ticket.__table__), rows)
        session.execute(insert(TicketEvent.__table__), events)
        if ratings:
            session.execute(insert(TicketRating.__table__), ratings)
        session.commit()
        made_events += len(events)
    return tickets, made_events
