"""What supervisors do with an alert: acknowledge it, dismiss it with a reason, or turn it into a
主动治理 task: a ticket made through submit.service.create_ticket (entered by the supervisor, titled
and written as 【未诉先办·主动治理】 with the alert's summary and its ticket numbers), dispatched to a
department through submit.workflow.dispatch, with an internal note on each of the alert's tickets
naming it. Analysts read alerts; only supervisors (and admins) act. Every refusal is Chinese, per field.

Type and channel: the task comes in on its own channel, `proactive` (主动治理): the queue can filter
it, its page says so, and detection leaves it out (a task about an event is not one more citizen
reporting it). Its request type is 建议 (the hotline proposing that a unit act, 10 working days): a
`proactive` request type would be offered to citizens by the 微受理 forms, which list every active
type.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.db import utcnow
from reference.models import Department
from staff.models import StaffUser
from stats.insight.models import Alert, AlertEvidence
from submit.errors import InvalidSubmission
from submit.fields import Submission
from submit.models import Ticket
from submit.service import create_ticket
from submit.workflow import WorkflowError, add_note, can, dispatch

ACTORS = ("supervisor", "admin")
ACTIONABLE = ("open", "acknowledged")
TASK_TYPE = "suggestion"
TASK_CHANNEL = "proactive"
MAX_NOTES = 200
MAX_REASON = 500
MAX_INSTRUCTION = 1000


class AlertActionError(Exception):
    """A refused action; `errors` maps a form field ('' for the page) to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class TaskForm:
    department_id: int | None
    category: str  # a leaf code
    contact_name: str
    contact_phone: str
    instruction: str


def _check(alert: Alert, actor: StaffUser) -> None:
    if actor.role not in ACTORS:
        raise AlertActionError({"": "只有值班长可以处理预警"})
    if alert.status not in ACTIONABLE:
        raise AlertActionError({"": "该预警已处理，请刷新页面"})


def _stamp(session: Session, alert: Alert, actor: StaffUser, status: str) -> None:
    alert.status, alert.acted_by_id, alert.acted_at = status, actor.id, utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise AlertActionError({"": "刚刚已被其他人处理，请刷新"}) from exc


def acknowledge(session: Session, alert: Alert, *, actor: StaffUser) -> Alert:
    _check(alert, actor)
    if alert.status != "open":
        raise AlertActionError({"": "该预警已确认"})
    _stamp(session, alert, actor, "acknowledged")
    return alert


def dismiss(session: Session, alert: Alert, *, actor: StaffUser, reason: str) -> Alert:
    _check(alert, actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise AlertActionError({"reason": "请写明忽略的理由（如：已知的季节性情况、重复反映）"})
    if len(reason) > MAX_REASON:
        raise AlertActionError({"reason": f"理由最多 {MAX_REASON} 字"})
    alert.dismiss_reason = reason
    _stamp(session, alert, actor, "dismissed")
    return alert


def evidence_tickets(session: Session, alert: Alert) -> list[Ticket]:
    return list(session.scalars(select(Ticket).join(AlertEvidence, AlertEvidence.ticket_id == Ticket.id)
                                .where(AlertEvidence.alert_id == alert.id).order_by(Ticket.received_at)))


def task_content(alert: Alert, tickets: list[Ticket], instruction: str) -> str:
    numbers = "、".join(ticket.number for ticket in tickets[:50])
    more = f"等 {len(tickets)} 件" if len(tickets) > 50 else f"共 {len(tickets)} 件"
    lines = [f"【未诉先办·主动治理】{alert.summary}", f"相关工单：{numbers}{more}" if tickets else "",
             f"处置要求：{instruction}" if instruction else ""]
    return "\n".join(line for line in lines if line)


def make_task(session: Session, alert: Alert, *, actor: StaffUser, form: TaskForm) -> Ticket:
    """Create and dispatch the 主动治理 ticket; the alert becomes `task`. Raises AlertActionError, after
    which the caller rolls the session back (a ticket may have been written)."""
    _check(alert, actor)
    errors = {}
    department = session.get(Department, form.department_id) if form.department_id else None
    if department is None or not department.active:
        errors["department"] = "请选择承办单位"
    instruction = (form.instruction or "").strip()
    if len(instruction) > MAX_INSTRUCTION:
        errors["instruction"] = f"处置要求最多 {MAX_INSTRUCTION} 字"
    tickets = evidence_tickets(session, alert)
    submission = Submission(request_type=TASK_TYPE, category=form.category, content=task_content(alert, tickets,
                            instruction), name=form.contact_name, phone=form.contact_phone,
                            title=f"主动治理：{alert.summary}"[:100], address=alert.area_name)
    try:
        ticket = create_ticket(session, submission, channel=TASK_CHANNEL, idempotency_key=f"insight:alert:{alert.id}",
                               by=actor)
    except InvalidSubmission as exc:
        fields = {"name": "contact_name", "phone": "contact_phone"}
        errors.update({fields.get(error.field, error.field): error.message for error in exc.errors})
    if errors:
        raise AlertActionError(errors)
    try:
        dispatch(session, ticket, actor=actor, department=department, instruction=instruction)
    except WorkflowError as exc:
        raise AlertActionError({"": str(exc)}) from exc
    for item in tickets[:MAX_NOTES]:
        if item.id != ticket.id and can(item, "note", actor):
            add_note(session, item, actor=actor, note=f"已纳入主动治理工单 {ticket.number}（未诉先办预警 #{alert.id}）")
    alert.task_ticket_id = ticket.id
    _stamp(session, alert, actor, "task")
    return ticket
