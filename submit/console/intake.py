"""电话受理: an agent (or supervisor) enters a caller's matter as a ticket (/staff/tickets/new).

The same fields and rules as the citizen's form (submit.fields, through submit.service.create_ticket
with channel "phone" and the agent as `by`); beside the form, the caller's recent tickets by phone
number, so a matter already on file is not entered twice. A hidden per-form key makes a double
submit one ticket. Optionally the agent dispatches at once (submit.workflow.dispatch, same transaction:
a refused dispatch keeps nothing and says why beside the department).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from core.db import db
from faq.console.choices import department_tree
from reference.models import Department
from staff.access import roles_required
from submit.console import bp
from submit.errors import InvalidSubmission
from submit.fields import MIN_CONTENT, Submission
from submit.forms import SubmitForm, _cut, new_form_key
from submit.service import create_ticket, ticket_by_key
from submit.similar import caller_tickets
from submit.workflow import InvalidAction, WorkflowError, dispatch
from submit.workflow_config import workflow

INTAKE_ROLES = ("agent", "supervisor")


class IntakeForm(SubmitForm):
    """The citizen's form as an agent fills it for a caller: no photos, the caller's words for name and
    phone, and an optional immediate 派单."""

    photos = keep = not_duplicate = None  # not asked on the phone
    name = StringField("来电人姓名", filters=[_cut])
    phone = StringField("来电号码", filters=[_cut])
    confidential = BooleanField("来电人要求保密（承办单位看不到姓名和电话）")
    department = SelectField("立即派单给（可不选）", validate_choice=False)
    instruction = TextAreaField("派单说明（内部，可不填）", filters=[_cut])

    def fill_all(self) -> None:
        self.fill_choices(db.session)
        active = set(db.session.scalars(select(Department.id).where(Department.active)))
        self.department.choices = [("", "暂不派单")] + [
            (str(node.id), "　" * node.depth + node.name) for node in department_tree(db.session).nodes
            if node.id in active]

    def submission(self) -> Submission:
        return Submission(request_type=self.request_type.data or "", category=self.category.data or "",
                          content=self.content.data or "", address=self.address.data or "",
                          name=self.name.data or "", phone=self.phone.data or "",
                          confidential=bool(self.confidential.data))


def idempotency_key(staff_id: int, form_key: str) -> str:
    return f"phone:{staff_id}:{form_key}"


def ticket_page(ticket) -> str:
    return url_for("tickets_console.ticket_page", number=ticket.number)


def _render(form: IntakeForm, status: int = 200):
    return render_template("tickets_console/intake.html", form=form, min_content=MIN_CONTENT,
                           caller=caller_tickets(db.session, form.phone.data or "")), status


def _dispatch_now(form: IntakeForm, ticket) -> bool:
    """Dispatch the new ticket when a department was picked; False (messages beside the fields) if refused."""
    if not form.department.data or ticket.status != workflow().initial:
        return True
    if not form.department.data.isdigit():
        form.department.errors = ["请从列表中选择承办单位"]
        return False
    try:
        dispatch(db.session, ticket, actor=current_user._get_current_object(), department=int(form.department.data),
                 instruction=form.instruction.data or "")
    except InvalidAction as refused:
        for field, messages in refused.by_field().items():
            target = form.instruction if field == "reason" else form.department
            target.errors = [*target.errors, *messages]
        return False
    except WorkflowError as refused:
        form.department.errors = [str(refused)]
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*INTAKE_ROLES)
def intake():
    form = IntakeForm()
    form.fill_all()
    if request.method == "GET":
        form.key.data = new_form_key()
        form.phone.data = _cut(request.args.get("phone", ""))[:40]
        return _render(form)
    if not form.validate():  # a stale or missing form key (CSRF is checked app-wide)
        form.key.data = new_form_key()
        return _render(form, 400)
    key = idempotency_key(current_user.id, form.key.data)
    earlier = ticket_by_key(db.session, key)
    if earlier is not None:  # the same form sent again: the ticket it made
        return redirect(ticket_page(earlier))
    try:
        ticket = create_ticket(db.session, form.submission(), channel="phone", idempotency_key=key,
                               by=current_user._get_current_object())
    except InvalidSubmission as invalid:
        db.session.rollback()
        form.show_errors(invalid.by_field())
        return _render(form, 422)
    if not _dispatch_now(form, ticket):
        db.session.rollback()
        return _render(form, 422)
    db.session.commit()
    unit = f"，已派单给{ticket.department.name}" if ticket.status != workflow().initial else ""
    flash(f"已受理来电，工单编号 {ticket.number}{unit}", "success")
    return redirect(ticket_page(ticket))


@bp.get("/new/caller")
@roles_required(*INTAKE_ROLES)
def intake_caller():
    """The caller's recent tickets for a phone number (the panel beside the form; fetched as it is typed)."""
    phone = _cut(request.args.get("phone", ""))[:40]
    return render_template("tickets_console/intake_caller.html", caller=caller_tickets(db.session, phone))
