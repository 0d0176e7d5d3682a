"""What each workflow action does beyond the status change: its inputs, its limits, the ticket's
department and deadline, and the event's data. Registered with submit.workflow.effect; called by
submit.workflow.transition after the role, department and state checks.
"""
from __future__ import annotations

from reference.models import Department
from reference.workdays import WorkCalendar
from submit.models import Ticket, TicketEvent
from submit.workflow import Step, actor_fields, effect
from submit.workflow_config import workflow
from submit.workflow_deadlines import aware, extend, fresh, is_overdue, pause, resume
from submit.workflow_errors import LimitExceeded, TransitionNotAllowed, field_error

PUBLIC_NOTES = {
    "dispatch": "您的诉求已转交{department}办理",
    "accept": "承办单位已签收，正在办理",
    "close": "您的诉求已办结，感谢您对12345热线的支持",
    "reopen": "您的诉求已重新办理",
    "merge": "您的诉求与相同事项的工单 {number} 合并办理，办理进展会继续通知您",
    "mark_invalid": "经核实，您的诉求不属于12345热线受理范围，不予受理",
}


def _calendar(step: Step) -> WorkCalendar:
    return WorkCalendar.from_session(step.session)


def _department(step: Step, value: Department | int | None, field: str) -> Department:
    department = value if isinstance(value, Department) else (
        step.session.get(Department, value) if isinstance(value, int) else None)
    if department is None:
        raise field_error(field, "请选择主办单位" if field == "department" else "找不到所选的协办单位")
    if not department.active:
        raise field_error(field, f"{department.name}已停用，请选择其他单位")
    return department


def _no_pending_extension(step: Step) -> None:
    if step.ticket.extension_days is not None:
        raise TransitionNotAllowed(f"延期申请正在审批中，审批后才能{step.transition.name}")


def _drop_pending(step: Step) -> None:
    """A ticket leaving the departments' hands (merged, invalid) drops a waiting 延期 request."""
    step.ticket.extension_days = None
    step.ticket.paused_at = None


def _last_reply(ticket: Ticket) -> str:
    replies = [event for event in ticket.events if event.kind == "replied" and event.data.get("round") == ticket.round]
    return replies[-1].note if replies else ""


@effect("dispatch")
def _dispatch(step: Step) -> None:
    ticket = step.ticket
    department = _department(step, step.params.get("department"), "department")
    co = {}
    for value in step.params.get("co_departments") or ():
        helper = _department(step, value, "co_departments")
        if helper.id != department.id:
            co[helper.id] = helper
    previous = ticket.department
    step.data.update(resume(_calendar(step), ticket, step.now))
    ticket.department = department
    ticket.co_departments = list(co.values())
    ticket.dispatched_at = step.now
    step.data.update(department=department.code, co_departments=[helper.code for helper in co.values()],
                     previous_department=previous.code if previous else None, again=ticket.status != "received")
    step.note = step.note or PUBLIC_NOTES["dispatch"].format(department=department.name)


@effect("accept")
def _accept(step: Step) -> None:
    step.note = step.note or PUBLIC_NOTES["accept"]
    step.data["department"] = step.ticket.department.code if step.ticket.department else None


@effect("reply")
def _reply(step: Step) -> None:
    _no_pending_extension(step)
    step.data.update(round=step.ticket.round, chased=step.ticket.chased_at is not None)
    step.ticket.chased_at = None  # answered: the 催办 flag is done with


@effect("approve")
def _approve(step: Step) -> None:
    original = _last_reply(step.ticket)
    step.data["edited"] = bool(step.note) and step.note != original
    step.note = step.note or original
    if not step.note:
        raise field_error("note", "没有可发给市民的答复内容，请填写")


@effect("close")
def _close(step: Step) -> None:
    step.data["direct"] = step.ticket.status == workflow().initial  # 直接办结 at intake
    step.note = step.note or PUBLIC_NOTES["close"]
    step.ticket.closed_at = step.now


@effect("return")
def _return(step: Step) -> None:
    ticket = step.ticket
    _no_pending_extension(step)
    limit = workflow().limits.return_within_workdays
    since = _calendar(step).workdays_between(ticket.dispatched_at or ticket.received_at, step.now)
    if since > limit:
        raise LimitExceeded(f"派单已超过 {limit} 个工作日，不能再退单；确属错派请联系热线值班长改派")
    pause(ticket, step.now)
    step.data.update(department=ticket.department.code if ticket.department else None, workdays_since_dispatch=since)


@effect("request_extension")
def _request_extension(step: Step) -> None:
    ticket, limits = step.ticket, workflow().limits
    if ticket.extension_days is not None:
        raise TransitionNotAllowed("已有一份延期申请在审批中")
    days = step.params.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limits.extension_max_workdays:
        raise field_error("days", f"延期天数须为 1–{limits.extension_max_workdays} 个工作日")
    if _approved_extensions(ticket) >= limits.extensions_per_round:
        raise LimitExceeded(f"本工单已延期 {limits.extensions_per_round} 次，不能再申请延期")
    ticket.extension_days = days
    pause(ticket, step.now)
    step.data.update(days=days, deadline=aware(ticket.deadline_at).isoformat())


def _approved_extensions(ticket: Ticket) -> int:
    return sum(1 for event in ticket.events if event.kind == "extension_decided" and event.data.get("approved")
               and event.data.get("round") == ticket.round)


@effect("decide_extension")
def _decide_extension(step: Step) -> None:
    ticket = step.ticket
    if ticket.extension_days is None:
        raise TransitionNotAllowed("没有待审批的延期申请")
    approved = step.params.get("approved")
    if not isinstance(approved, bool):
        raise field_error("approved", "请选择同意或不同意延期")
    calendar, days = _calendar(step), ticket.extension_days
    step.data.update(approved=approved, days=days, round=ticket.round, resumed=resume(calendar, ticket, step.now))
    if approved:
        step.data.update(extend(calendar, ticket, days))
    else:
        step.data["deadline"] = aware(ticket.deadline_at).isoformat()
    ticket.extension_days = None


@effect("chase")
def _chase(step: Step) -> None:
    ticket = step.ticket
    overdue = is_overdue(ticket, step.now, workflow().terminal)
    if workflow().limits.chase_overdue_only and not overdue:
        raise TransitionNotAllowed("工单尚未超期，不能催办")
    ticket.chased_at = step.now
    ticket.chase_count = (ticket.chase_count or 0) + 1
    step.data.update(level="督办" if overdue else "催办", overdue=overdue, count=ticket.chase_count,
                     department=ticket.department.code if ticket.department else None)


@effect("reopen")
def _reopen(step: Step) -> None:
    ticket, rating = step.ticket, step.params.get("rating")
    ticket.round += 1
    ticket.closed_at = None
    ticket.chased_at = None
    ticket.extension_days = None
    step.data.update(fresh(_calendar(step), ticket, step.now), round=ticket.round,
                     rating=rating.id if rating is not None else None)
    step.note = step.note or PUBLIC_NOTES["reopen"]


@effect("merge")
def _merge(step: Step) -> None:
    ticket, into = step.ticket, step.params.get("into")
    if not isinstance(into, Ticket) or into.id == ticket.id:
        raise field_error("into", "请选择另一件工单作为合并后的主工单")
    if into.status in workflow().terminal:
        raise field_error("into", f"工单 {into.number} 已{workflow().state(into.status).name}，不能合并到它")
    _drop_pending(step)
    ticket.merged_into = into
    into.updated_at = step.now  # touches its version: a merge the other way at the same time loses
    step.data.update(into=into.number)
    step.note = step.note or PUBLIC_NOTES["merge"].format(number=into.number)
    step.extra_events.append(TicketEvent(
        ticket=into, kind="merged_in", **actor_fields(step.actor), from_status=into.status, to_status=into.status,
        note=f"工单 {ticket.number} 已合并到本工单", reason=step.reason, public=False,
        data={"ticket": ticket.number}, at=step.now))


@effect("mark_invalid")
def _mark_invalid(step: Step) -> None:
    _drop_pending(step)
    step.note = step.note or PUBLIC_NOTES["mark_invalid"]


@effect("follow_up_call")
def _follow_up_call(step: Step) -> None:
    reached = step.params.get("reached")
    if not isinstance(reached, bool):
        raise field_error("reached", "请选择是否联系上市民")
    step.data.update(reached=reached, round=step.ticket.round, rated=bool(step.params.get("rated")))

