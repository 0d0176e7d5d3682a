"""The ticket workflow: one `transition` for every action of submit/workflow.yaml, each written as a
TicketEvent (who, role, when, from → to, reason, note, public or internal) in the caller's transaction.

    transition(session, ticket, action, *, actor, reason="", note="", **params) -> TicketEvent

checks, in this order: the actor's role may do the action (NotPermitted); a handler only acts on its
own department's tickets (NotPermitted); the ticket's state allows it (TransitionNotAllowed); the
reason or note the action requires is there (InvalidAction, by field); then the action's own effect
(submit.workflow_actions: department, deadlines, limits …). It flushes, so two people acting on one
ticket at once end with one winner: the other gets ConcurrentChange (Ticket.revision is a version
counter) and their session is rolled back. Messages to the citizen are queued with the action and
sent by a job after commit (submit.notifications). Every message is Chinese.

Named wrappers below (dispatch, accept, start, reply, approve, send_back, close, return_ticket,
request_extension, decide_extension, chase, reopen, merge, mark_invalid, add_note); phone 回访 is
submit.followup.record_follow_up_call. Permission helpers for pages: check, can, allowed_actions,
can_view.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.db import utcnow
from reference.models import Department
from staff.models import ROLES, StaffUser
from submit.models import Ticket, TicketEvent, TicketRating
from submit.notifications import queue_notifications
from submit.workflow_config import Transition, workflow
from submit.workflow_errors import (
    ConcurrentChange,
    InvalidAction,
    LimitExceeded,
    NotPermitted,
    TransitionNotAllowed,
    WorkflowError,
    field_error,
)

MAX_TEXT = 2000  # reason and note


@dataclass(frozen=True)
class Citizen:
    """The ticket's own citizen acting (重办 after an unsatisfied rating), known by openid."""

    openid: str
    role: str = "citizen"


Actor = StaffUser | Citizen


def role_of(actor: Actor) -> str:
    return actor.role


def role_name(role: str) -> str:
    return "市民" if role == "citizen" else ROLES.get(role, role)


def can_view(ticket: Ticket, staff: StaffUser) -> bool:
    """A handler sees its department's tickets (主办 or 协办) once the hotline has dispatched them (a
    ticket waiting for 派单 is the hotline's, whatever its category's default unit); other staff see all."""
    if staff.role != "handler":
        return True
    return staff.department_id is not None and ticket.dispatched_at is not None and (
        ticket.department_id == staff.department_id
        or any(department.id == staff.department_id for department in ticket.co_departments))


def check(ticket: Ticket, action: str, actor: Actor) -> Transition:
    """The action's configuration if `actor` may do it on `ticket` now; raises NotPermitted or
    TransitionNotAllowed (what the action's own inputs and limits say comes later, in transition)."""
    step = workflow().transition(action)
    role = role_of(actor)
    if role not in step.roles:
        raise NotPermitted(f"{role_name(role)}无权执行「{step.name}」")
    if isinstance(actor, StaffUser) and not actor.active:
        raise NotPermitted("您的账号已停用")
    if role == "handler" and ticket.department_id != actor.department_id and not (
            action == "note" and can_view(ticket, actor)):
        raise NotPermitted(f"工单 {ticket.number} 不属于您的单位，不能{step.name}")
    if isinstance(actor, Citizen) and actor.openid != ticket.citizen_openid:
        raise NotPermitted("只能办理您本人的工单")
    if ticket.status not in step.sources:
        state = workflow().states.get(ticket.status)
        raise TransitionNotAllowed(f"工单当前状态为「{state.name if state else ticket.status}」，不能{step.name}")
    return step


def can(ticket: Ticket, action: str, actor: Actor) -> bool:
    try:
        check(ticket, action, actor)
    except WorkflowError:
        return False
    return True


def allowed_actions(ticket: Ticket, actor: Actor) -> list[Transition]:
    """The actions `actor` may start on `ticket` now, in workflow.yaml's order (for the console's buttons)."""
    return [step for action, step in workflow().transitions.items() if can(ticket, action, actor)]


@dataclass
class Step:
    """One action under way: what its effect reads and may change before the event is written."""

    session: Session
    ticket: Ticket
    transition: Transition
    actor: Actor
    now: datetime
    reason: str
    note: str
    params: dict
    data: dict = field(default_factory=dict)
    extra_events: list[TicketEvent] = field(default_factory=list)  # e.g. on the surviving ticket of a merge


EFFECTS: dict[str, Callable[[Step], None]] = {}


def effect(action: str):
    """Register the effect of an action (submit.workflow_effects); it checks its inputs and limits,
    changes the ticket and fills step.data / step.note."""
    def register(fn: Callable[[Step], None]) -> Callable[[Step], None]:
        EFFECTS[action] = fn
        return fn
    return register


def _text(value: str | None, name: str, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(name, f"请填写{label}")
    if len(value) > MAX_TEXT:
        raise field_error(name, f"{label}请不要超过 {MAX_TEXT} 字")
    return value


def actor_fields(actor: Actor) -> dict:
    """The who of a TicketEvent."""
    staff = actor if isinstance(actor, StaffUser) else None
    return {"actor_kind": "staff" if staff else "citizen", "actor_staff_id": staff.id if staff else None,
            "actor_role": staff.role if staff else ""}


def _event(step: Step, from_status: str) -> TicketEvent:
    return TicketEvent(
        ticket=step.ticket, kind=step.transition.event, **actor_fields(step.actor), from_status=from_status,
        to_status=step.ticket.status, reason=step.reason, note=step.note, public=step.transition.public,
        data=step.data, at=step.now)


def transition(session: Session, ticket: Ticket, action: str, *, actor: Actor, reason: str = "", note: str = "",
               **params) -> TicketEvent:
    """Do `action` on `ticket` as `actor`; returns the event written (see the module's docstring)."""
    config = check(ticket, action, actor)
    number, from_status = ticket.number, ticket.status
    step = Step(session, ticket, config, actor, utcnow(),
                _text(reason, "reason", config.reason_required, f"{config.name}理由"),
                _text(note, "note", config.note_required, f"{config.name}内容"), params)
    if action not in EFFECTS and params:
        raise TypeError(f"{action} takes no parameters, got {sorted(params)}")
    try:
        with session.no_autoflush:  # effects validate before they change anything; one flush at the end
            if action in EFFECTS:
                EFFECTS[action](step)
            if config.target is not None:
                ticket.status = config.target
            event = _event(step, from_status)
            session.add(event)
            session.add_all(step.extra_events)
        session.flush()
    except StaleDataError:  # the ticket changed since this session read it (its revision moved on)
        session.rollback()
        raise ConcurrentChange(number) from None
    if config.notify:
        queue_notifications(session, ticket, event, config.notify)
    return event


# --- the named actions (their checks and effects: submit.workflow_effects) -----------------------------

def dispatch(session: Session, ticket: Ticket, *, actor: Actor, department: Department | int,
             co_departments: Iterable[Department | int] = (), instruction: str = "") -> TicketEvent:
    """派单 (also 重派 after a 退单, and after 重办): 主办 department, optional 协办; instruction is internal."""
    return transition(session, ticket, "dispatch", actor=actor, reason=instruction, department=department,
                      co_departments=tuple(co_departments))


def accept(session: Session, ticket: Ticket, *, actor: Actor) -> TicketEvent:
    """签收 by the department."""
    return transition(session, ticket, "accept", actor=actor)


def start(session: Session, ticket: Ticket, *, actor: Actor, note: str = "") -> TicketEvent:
    """开始办理 (internal note optional)."""
    return transition(session, ticket, "start", actor=actor, note=note)


def reply(session: Session, ticket: Ticket, *, actor: Actor, text: str) -> TicketEvent:
    """答复: the department's answer to the citizen, shown to them once the hotline approves it."""
    return transition(session, ticket, "reply", actor=actor, note=text)


def approve(session: Session, ticket: Ticket, *, actor: Actor, text: str = "") -> TicketEvent:
    """审核通过: the reply (as edited in `text`, else as the department wrote it) goes to the citizen."""
    return transition(session, ticket, "approve", actor=actor, note=text)


def send_back(session: Session, ticket: Ticket, *, actor: Actor, reason: str) -> TicketEvent:
    """审核退回: the reply is not good enough; the department works on it again."""
    return transition(session, ticket, "send_back", actor=actor, reason=reason)


def close(session: Session, ticket: Ticket, *, actor: Actor, note: str = "") -> TicketEvent:
    """办结 after 回访 (or 直接办结 of a ticket answered at intake); the citizen is invited to rate it."""
    return transition(session, ticket, "close", actor=actor, note=note)


def return_ticket(session: Session, ticket: Ticket, *, actor: Actor, reason: str) -> TicketEvent:
    """退单: the department returns a misrouted ticket (reason required, within the configured working days)."""
    return transition(session, ticket, "return", actor=actor, reason=reason)


def request_extension(session: Session, ticket: Ticket, *, actor: Actor, days: int, reason: str) -> TicketEvent:
    """申请延期 by N working days; the deadline pauses until a supervisor decides."""
    return transition(session, ticket, "request_extension", actor=actor, reason=reason, days=days)


def decide_extension(session: Session, ticket: Ticket, *, actor: Actor, approved: bool,
                     reason: str = "") -> TicketEvent:
    """延期审批: approved moves the deadline by the days asked; either way the clock runs again."""
    return transition(session, ticket, "decide_extension", actor=actor, reason=reason, approved=approved)


def chase(session: Session, ticket: Ticket, *, actor: Actor, note: str = "") -> TicketEvent:
    """催办 (督办 once overdue): the department sees the ticket flagged until it replies."""
    return transition(session, ticket, "chase", actor=actor, note=note)


def reopen(session: Session, ticket: Ticket, *, actor: Actor, reason: str = "",
           rating: TicketRating | None = None) -> TicketEvent:
    """重办: back to the hotline's queue as a new round with a fresh deadline."""
    return transition(session, ticket, "reopen", actor=actor, reason=reason, rating=rating)


def merge(session: Session, ticket: Ticket, *, actor: Actor, into: Ticket, reason: str = "") -> TicketEvent:
    """合并: `ticket` duplicates `into`; its citizen follows `into` from now on."""
    return transition(session, ticket, "merge", actor=actor, reason=reason, into=into)


def mark_invalid(session: Session, ticket: Ticket, *, actor: Actor, reason: str, note: str = "") -> TicketEvent:
    """无效 (spam, abuse, not a matter for the hotline): reason required, note is what the citizen reads."""
    return transition(session, ticket, "mark_invalid", actor=actor, reason=reason, note=note)


def add_note(session: Session, ticket: Ticket, *, actor: Actor, note: str) -> TicketEvent:
    """内部备注: never shown to the citizen."""
    return transition(session, ticket, "note", actor=actor, note=note)


__all__ = ["Actor", "Citizen", "ConcurrentChange", "InvalidAction", "LimitExceeded", "NotPermitted", "Step",
           "TransitionNotAllowed", "WorkflowError", "accept", "actor_fields", "add_note", "allowed_actions",
           "approve", "can", "can_view", "chase", "check", "close", "decide_extension", "dispatch", "effect",
           "mark_invalid", "merge", "reopen", "reply", "request_extension", "return_ticket", "send_back", "start",
           "transition"]

import submit.workflow_effects  # noqa: E402,F401 - registers the actions' effects
