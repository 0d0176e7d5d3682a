"""Demo history (HOTLINE_DEMO=1, `flask demo load`, after the demo tickets and canned replies): a month
at the hotline replayed through the real workflow, so the figures and the overview have something to show.

How the past is written: the workflow service stamps every event with its own clock (core.db.utcnow)
and takes no time parameter, so each step runs with the process clock set to the step's moment by
time-machine (pinned in requirements.txt), only inside this loader. Every event, rating and deadline
is therefore what the service itself computed then; nothing is written around it.

Messages to citizens that replayed steps queue (only the shipped demo tickets have WeChat citizens)
are history, not news: they are recorded as not sent (failed, "演示历史：未发送") instead of being
delivered now. Running the loader again changes nothing: demo tickets already past 受理 and history
tickets already made are left alone. Steps still in the future when loading are not taken.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.demo import demo_loader
from reference.models import Department
from staff.models import StaffUser
from staff.service import create_staff, find_staff
from stats.demo_history import CHASE_NOTE, DEMO_TICKET_STEPS, NO_ANSWER, REPLY, Step, TicketPlan, history_plans
from submit import workflow as wf
from submit.fields import Submission
from submit.followup import current_rating, record_follow_up_call
from submit.models import Ticket, TicketNotification
from submit.notifications import PENDING_KEY
from submit.service import create_ticket, ticket_by_key
from submit.workflow_errors import WorkflowError

log = logging.getLogger(__name__)

SAFETY = timedelta(minutes=5)  # steps later than now − this are not taken


class People:
    """The demo staff: the agent, the supervisor, and a handler per department (the demo handler for its
    own; a history clerk, who cannot sign in, for the others)."""

    def __init__(self, session: Session):
        self.session = session
        self.agent = find_staff(session, "agent")
        self.supervisor = find_staff(session, "supervisor")
        self._handlers: dict[int, StaffUser] = {}
        demo_handler = find_staff(session, "handler")
        if demo_handler is not None:
            self._handlers[demo_handler.department_id] = demo_handler

    @property
    def ready(self) -> bool:
        return self.agent is not None and self.supervisor is not None

    def handler(self, department: Department) -> StaffUser:
        if department.id not in self._handlers:
            username = f"history-{department.code.lower()}"
            self._handlers[department.id] = find_staff(self.session, username) or create_staff(
                self.session, username, secrets.token_urlsafe(24), "handler", f"{department.short_name} 经办人",
                department.code)
        return self._handlers[department.id]


def _department(session: Session, ticket: Ticket, code: str | None) -> Department:
    if code:
        return session.query(Department).filter_by(code=code).one()
    return ticket.category.department or ticket.department


ACTIONS: dict[str, Callable[[Session, Ticket, People, dict], object]] = {
    "dispatch": lambda s, t, p, a: wf.dispatch(s, t, actor=p.agent, department=_department(s, t, a.get("department"))),
    "accept": lambda s, t, p, a: wf.accept(s, t, actor=p.handler(t.department)),
    "start": lambda s, t, p, a: wf.start(s, t, actor=p.handler(t.department)),
    "reply": lambda s, t, p, a: wf.reply(s, t, actor=p.handler(t.department), text=REPLY),
    "approve": lambda s, t, p, a: wf.approve(s, t, actor=p.agent),
    "return": lambda s, t, p, a: wf.return_ticket(s, t, actor=p.handler(t.department),
                                                  reason="该事项不属于本单位职责范围，请重新派单"),
    "extend": lambda s, t, p, a: wf.request_extension(s, t, actor=p.handler(t.department), days=a["days"],
                                                      reason="需协调相关单位现场处理，申请延期"),
    "decide": lambda s, t, p, a: wf.decide_extension(s, t, actor=p.supervisor, approved=a["approved"],
                                                     reason="" if a["approved"] else "时限内应能办结"),
    "chase": lambda s, t, p, a: wf.chase(s, t, actor=p.supervisor, note=CHASE_NOTE),
    "rate": lambda s, t, p, a: record_follow_up_call(s, t, actor=p.agent, reached=True, solved=a["solved"],
                                                     satisfaction=a["satisfaction"]),
    "call": lambda s, t, p, a: record_follow_up_call(s, t, actor=p.agent, reached=False, comment=NO_ANSWER),
    "close": lambda s, t, p, a: wf.close(s, t, actor=p.agent),
    "reopen": lambda s, t, p, a: wf.reopen(s, t, actor=p.agent, reason="市民对办理结果不满意，重新办理",
                                           rating=current_rating(t)),
}


def _settle_notifications(session: Session) -> None:
    """Replayed history is not news: its queued messages are recorded as not sent, never delivered."""
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        session.execute(update(TicketNotification).where(TicketNotification.id.in_(pending))
                        .values(status="failed", error="演示历史：未发送", finished_at=utcnow()))


def replay(session: Session, ticket: Ticket, steps: list[Step], people: People, now: datetime) -> int:
    """Take the steps (hours after the ticket's receipt) whose moment has come; returns how many were taken.
    A step the workflow refuses in the state the ticket is in (e.g. 催办 of a ticket already answered) is
    skipped, with the reason in the log."""
    received, last, taken = ticket.received_at, ticket.received_at, 0
    if received.tzinfo is None:
        received = last = received.replace(tzinfo=now.tzinfo)
    for hours, action, params in sorted(steps, key=lambda step: step[0]):
        moment = max(received + timedelta(hours=hours), last + timedelta(minutes=1))
        if moment > now - SAFETY:
            break
        with time_machine.travel(moment, tick=False):
            try:
                ACTIONS[action](session, ticket, people, params)
            except WorkflowError as refusal:
                session.rollback()
                log.info("demo history: %s %s skipped: %s", ticket.number, action, refusal)
                continue
            _settle_notifications(session)
            session.commit()
        last, taken = moment, taken + 1
    return taken


def _create(session: Session, plan: TicketPlan, people: People, received: datetime) -> Ticket:
    submission = Submission(request_type=plan.request_type, category=plan.category, content=plan.content,
                            name=plan.name, phone=plan.phone, address=plan.address)
    with time_machine.travel(received, tick=False):
        ticket = create_ticket(session, submission, channel="phone", idempotency_key=plan.key, by=people.agent,
                               received_at=received)
        session.commit()
    return ticket


def load_demo_history(session: Session, *, now: datetime | None = None) -> tuple[int, int]:
    """Advance the shipped demo tickets still at 受理 and make the missing history tickets; returns
    (demo tickets advanced, history tickets made)."""
    now = now or utcnow()
    people = People(session)
    if not people.ready:
        return 0, 0
    advanced = made = 0
    for key, steps in DEMO_TICKET_STEPS.items():
        ticket = ticket_by_key(session, f"demo:{key}")
        if ticket is not None and ticket.status == "received" and replay(session, ticket, steps, people, now):
            advanced += 1
    for plan in history_plans():
        if ticket_by_key(session, plan.key) is not None:
            continue
        ticket = _create(session, plan, people, now - timedelta(days=plan.days_ago))
        replay(session, ticket, plan.steps, people, now)
        made += 1
    return advanced, made


@demo_loader("history", order=50)
def load_demo(session: Session) -> str:
    advanced, made = load_demo_history(session)
    return f"advanced {advanced} demo tickets, made {made} history tickets"
