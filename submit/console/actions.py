"""The one endpoint every action of the ticket page posts to: POST /staff/tickets/<number>/act.

It reads the action and its fields (submit.console.forms), checks that the ticket is still at the
revision the page showed (else someone acted meanwhile: ConcurrentChange, nothing done), calls the
workflow (submit.workflow.transition, or submit.followup.record_follow_up_call for 电话回访), commits
and goes back to the page. A refusal re-renders the page with the latest state and the input kept:
field errors beside their fields (422), 「刚刚已被其他人处理，请刷新」 for a concurrent change (409), the
workflow's message for a state or limit (409) or a permission (403).
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from core.db import db
from faq.errors import FieldError
from staff.access import roles_required
from staff.models import StaffUser
from submit.console import ACTORS, bp
from submit.console.forms import ActionInput
from submit.console.ticket import find_ticket, render_ticket, ticket_or_404
from submit.followup import InvalidRating, record_follow_up_call
from submit.models import Ticket
from submit.workflow import ConcurrentChange, InvalidAction, NotPermitted, WorkflowError, check, transition
from submit.workflow_config import workflow

UNREVISIONED = ("note",)  # a note never conflicts with what others did meanwhile
DONE = {"note": "已添加内部备注", "follow_up_call": "已记录电话回访", "mark_invalid": "已标记为无效",
        "decide_extension": "已审批延期申请"}


def _params(session: Session, ticket: Ticket, staff: StaffUser, form: ActionInput) -> dict:
    """The workflow parameters of the action, from what was typed (the workflow checks their values)."""
    if form.action == "dispatch":
        return {"department": form.number("department"), "co_departments": tuple(form.numbers("co_departments"))}
    if form.action == "request_extension":
        return {"days": form.number("days")}
    if form.action == "decide_extension":
        return {"approved": form.yes_no("approved")}
    if form.action == "merge":
        number = form.text("into").replace(" ", "").upper()
        into = find_ticket(number, staff) if number else None
        if number and into is None:
            raise InvalidAction([FieldError("into", f"找不到编号为 {number} 的工单")])
        return {"into": into}
    return {}


def perform(session: Session, ticket: Ticket, staff: StaffUser, form: ActionInput) -> None:
    """Do the posted action on `ticket` as `staff` (the caller commits); raises the workflow's refusals."""
    if form.action not in UNREVISIONED and form.revision != ticket.revision:
        raise ConcurrentChange(ticket.number)  # someone acted since the page was shown
    check(ticket, form.action, staff)  # role, department and state, before any input is looked at
    if form.action == "follow_up_call":
        reached = form.yes_no("reached")
        if reached is None:
            raise InvalidAction([FieldError("reached", "请选择是否联系上市民")])
        record_follow_up_call(session, ticket, actor=staff, reached=reached, solved=form.text("solved") or None,
                              satisfaction=form.text("satisfaction") or None, comment=form.text("comment"))
        return
    transition(session, ticket, form.action, actor=staff, reason=form.text("reason"), note=form.text("note"),
               **_params(session, ticket, staff, form))


def _refused(number: str, form: ActionInput, error: Exception):
    """The page again with the latest state (the session is rolled back) and the input kept."""
    db.session.rollback()
    db.session.expire_all()
    ticket = ticket_or_404(number)
    if isinstance(error, InvalidAction | InvalidRating):
        form.errors = error.by_field()
        form.message = "；".join(form.errors.pop("ticket", [])) or "未能办理：请按提示修改后再提交。"
        return render_ticket(ticket, attempt=form, status=422)
    if isinstance(error, ConcurrentChange):
        form.message = "刚刚已被其他人处理，请刷新：下面是工单的最新状态，您填写的内容保留在下方。"
        return render_ticket(ticket, attempt=form, status=409, message=str(error))
    form.message = str(error)
    return render_ticket(ticket, attempt=form, status=403 if isinstance(error, NotPermitted) else 409,
                         message=str(error))


@bp.post("/<number>/act")
@roles_required(*ACTORS)
def act(number: str):
    ticket = ticket_or_404(number)  # another department's ticket: 404 before anything is read
    form = ActionInput.read(request.form)
    if form.action not in workflow().transitions:
        return render_ticket(ticket, status=400, message="未知的操作，请刷新页面后重试")
    try:
        perform(db.session, ticket, current_user, form)
    except (WorkflowError, InvalidRating) as error:
        return _refused(ticket.number, form, error)
    db.session.commit()
    name = workflow().transition(form.action).name
    flash(DONE.get(form.action, f"已{name}"), "success")
    if find_ticket(number, current_user) is None:  # e.g. 退单 then 重派 elsewhere: no longer this department's
        return redirect(url_for("tickets_console.queue"))
    return redirect(url_for("tickets_console.ticket_page", number=ticket.number))
