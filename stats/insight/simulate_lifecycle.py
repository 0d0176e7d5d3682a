"""What happened to each simulated ticket after 受理 (SimConfig.lifecycle), written in bulk by
stats.insight.simulate_write beside its `created` event.

The plan of a ticket comes from a stream of its own, seeded by the simulation's seed (a seed's tickets
are the same with the lifecycle on or off), at the demo history's rates (stats.demo_history: 签收
delays, the stalled share, 回访 outcomes): 派单 to the category's department within hours, 签收, 办理,
答复 within the time limit mostly (督办 once a late one is overdue), 审核, 电话回访 (a rating, or no
answer and 办结 a day later) and 办结; a few stall after 签收 and go overdue. Only the steps up to the
simulation's stop are taken, so the newest tickets are still on their way (受理, 派单, 签收 …).

Each step is written as the workflow service writes it (submit.workflow, workflow_effects, followup): the
event's kind, from → to, actor, public flag, note, reason and data, the TicketRating row, and the
ticket's columns at the end (status, dispatched_at, closed_at, chased_at, chase_count; revision and
updated_at move with every step that changes a column, as SQLAlchemy's UPDATE does). The actors are the
simulator's own staff (Clerks). Not modelled: 退单, 延期, 重办, 合并, and messages to citizens (none are
queued: simulated openids must never be messaged).
"""
from __future__ import annotations

import heapq
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from reference.models import Department
from staff.models import StaffUser
from staff.service import find_staff
from stats.demo_history import CHASE_NOTE, NO_ANSWER, REPLY, STALLED, UNREACHED, accept_delay, draw_rating
from submit.followup import rated_event
from submit.models import TicketRating
from submit.workflow import actor_fields
from submit.workflow_config import workflow
from submit.workflow_effects import PUBLIC_NOTES

ON_TIME = 0.94  # share answered well within the time limit; the others near or past it
ROW_COLUMNS = ("status", "dispatched_at", "closed_at", "chased_at", "chase_count")  # what the steps change

Step = tuple[datetime, str, dict]  # (moment, action, parameters)


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


def plan(rng: random.Random, received: datetime, deadline: datetime) -> list[Step]:
    """Every step of one ticket, in time order, whenever it falls."""
    at = received + _hours(rng.uniform(0.3, 3))
    steps: list[Step] = [(at, "dispatch", {})]
    at += _hours(accept_delay(rng))
    steps.append((at, "accept", {}))
    if rng.random() < STALLED:  # no answer: 督办 once overdue, and it stays open
        return [*steps, (max(at, deadline) + _hours(2), "chase", {})]
    start = at + _hours(rng.uniform(1, 3))
    steps.append((start, "start", {}))
    share = rng.uniform(0.05, 0.6) if rng.random() < ON_TIME else rng.uniform(0.6, 1.3)
    answer = max(start + _hours(1), received + (deadline - received) * share)
    if answer > deadline:
        chased = max(start, deadline) + _hours(2)
        steps.append((chased, "chase", {}))
        answer = max(answer, chased + _hours(4))
    steps += [(answer, "reply", {}), (answer + _hours(rng.uniform(1, 4)), "approve", {})]
    at = answer + _hours(4)
    if rng.random() < UNREACHED:
        return [*steps, (at, "call", {}), (at + _hours(24), "close", {})]
    solved, satisfaction = draw_rating(rng)
    return [*steps, (at, "rate", {"solved": solved, "satisfaction": satisfaction}),
            (at + _hours(rng.uniform(1, 3)), "close", {})]


class Clerks:
    """The staff who take the simulated steps: the simulator's own agent, supervisor and a handler per
    department (sim-agent, sim-supervisor, sim-<department code>), made when first needed. They are
    active accounts nobody signs in as: their password is one random secret, hashed once, never kept."""

    def __init__(self, session: Session):
        self.session = session
        self._users: dict[str, StaffUser] = {}
        self._hash = ""

    def _user(self, username: str, role: str, name: str, department: Department | None = None) -> StaffUser:
        if username not in self._users:
            user = find_staff(self.session, username)
            if user is None:
                self._hash = self._hash or generate_password_hash(secrets.token_urlsafe(24))
                user = StaffUser(username=username, display_name=name, role=role, department=department,
                                 password_hash=self._hash)
                self.session.add(user)
                self.session.flush()
            self._users[username] = user
        return self._users[username]

    @property
    def agent(self) -> StaffUser:
        return self._user("sim-agent", "agent", "模拟话务员")

    @property
    def supervisor(self) -> StaffUser:
        return self._user("sim-supervisor", "supervisor", "模拟值班长")

    def handler(self, department: Department) -> StaffUser:
        return self._user(f"sim-{department.code.lower()}", "handler", f"{department.short_name} 经办人", department)


@dataclass
class Story:
    """A ticket's steps as rows: its events and rating (the ticket's id is filled in once it has one)."""

    events: list[dict] = field(default_factory=list)
    rating: dict | None = None


@dataclass(frozen=True)
class Unit:
    """A department as its tickets' steps name it, and its handler's actor columns."""

    code: str
    name: str
    handler: dict


class Lifecycle:
    """Plans each ticket, sets its row's final columns and keeps its events until they are due, so the
    writer can put them in time order among the other tickets' (ids follow time)."""

    def __init__(self, session: Session, seed: int, stop: datetime):
        self.rng = random.Random(seed * 6271 + 29)
        self.stop, self.clerks, self.flow = stop, Clerks(session), workflow()
        self.agent = self.clerks.agent
        self.actors = {"agent": actor_fields(self.agent), "supervisor": actor_fields(self.clerks.supervisor)}
        self._units: dict[int, Unit] = {}
        self._pending: list[tuple[datetime, int, dict]] = []
        self._serial = count()

    def _unit(self, department: Department) -> Unit:
        if department.id not in self._units:
            self._units[department.id] = Unit(department.code, department.name,
                                              actor_fields(self.clerks.handler(department)))
        return self._units[department.id]

    def live(self, row: dict, department: Department) -> Story:
        """Take the ticket's steps up to the stop: `row` (its Ticket columns) ends as the service would
        leave it; returns the events and the rating."""
        story, ticket, unit = Story(), {name: row[name] for name in ROW_COLUMNS}, self._unit(department)
        for at, action, params in plan(self.rng, row["received_at"], row["deadline_at"]):
            if at > self.stop:
                break
            before = dict(ticket)
            story.events += self._step(action, at, params, ticket, row["deadline_at"], unit, story)
            if ticket != before:  # the service's UPDATE: a new revision, updated_at now
                row.update(ticket, revision=row["revision"] + 1, updated_at=at)
        return story

    def _event(self, action: str, at: datetime, ticket: dict, actor: dict, data: dict, note: str = "",
               reason: str = "") -> dict:
        step, status = self.flow.transition(action), ticket["status"]
        ticket["status"] = step.target or status
        return {"kind": step.event, **actor, "from_status": status, "to_status": ticket["status"], "reason": reason,
                "note": note, "public": step.public, "data": data, "at": at}

    def _step(self, action: str, at: datetime, params: dict, ticket: dict, deadline: datetime, unit: Unit,
              story: Story) -> list[dict]:
        """One step's events, as submit.workflow_effects (and submit.followup for 回访) write them."""
        agent = self.actors["agent"]
        if action == "dispatch":
            ticket["dispatched_at"] = at
            return [self._event(action, at, ticket, agent, {
                "department": unit.code, "co_departments": [], "previous_department": unit.code, "again": False},
                PUBLIC_NOTES["dispatch"].format(department=unit.name))]
        if action == "accept":
            return [self._event(action, at, ticket, unit.handler, {"department": unit.code}, PUBLIC_NOTES["accept"])]
        if action == "start":
            return [self._event(action, at, ticket, unit.handler, {})]
        if action == "chase":
            ticket.update(chased_at=at, chase_count=ticket["chase_count"] + 1)
            return [self._event(action, at, ticket, self.actors["supervisor"], {
                "level": "督办" if at > deadline else "催办", "overdue": at > deadline, "count": ticket["chase_count"],
                "department": unit.code}, CHASE_NOTE)]
        if action == "reply":
            data = {"round": 1, "chased": ticket["chased_at"] is not None}
            ticket["chased_at"] = None
            return [self._event(action, at, ticket, unit.handler, data, REPLY)]
        if action == "approve":
            return [self._event(action, at, ticket, agent, {"edited": False}, REPLY)]
        if action == "call":
            return [self._event("follow_up_call", at, ticket, agent, {"reached": False, "round": 1, "rated": False},
                                reason=NO_ANSWER)]
        if action == "rate":
            called = self._event("follow_up_call", at, ticket, agent, {"reached": True, "round": 1, "rated": True})
            story.rating = {"round": 1, "source": "phone", **params, "comment": "", "staff_id": self.agent.id,
                            "created_at": at}
            return [called, {**rated_event(TicketRating(**story.rating), ticket["status"], self.agent), "at": at}]
        ticket["closed_at"] = at  # close
        return [self._event(action, at, ticket, agent, {"direct": False}, PUBLIC_NOTES["close"])]

    def keep(self, ticket_id: int, story: Story) -> list[dict]:
        """Hold the ticket's events until due(); returns its rating row (none or one) with the ticket's id."""
        for event in story.events:
            event["ticket_id"] = ticket_id
            heapq.heappush(self._pending, (event["at"], next(self._serial), event))
        return [{**story.rating, "ticket_id": ticket_id}] if story.rating else []

    def due(self, before: datetime | None) -> list[tuple[datetime, dict]]:
        """The kept events earlier than `before` (all of them with None), in time order."""
        taken = []
        while self._pending and (before is None or self._pending[0][0] < before):
            at, _serial, event = heapq.heappop(self._pending)
            taken.append((at, event))
        return taken
