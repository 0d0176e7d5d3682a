"""Alert list and alert page (/staff/insight/alerts): evidence for readers, actions for supervisors."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.dates import china_today
from core.db import db
from staff.access import has_role, roles_required
from stats.insight.alert_actions import AlertActionError, TaskForm, acknowledge, dismiss, make_task
from stats.insight.alert_page import (
    KIND_NAMES,
    STATUS_NAMES,
    alert_page,
    alert_view,
    department_choices,
    leaf_choices,
)
from stats.insight.models import Alert
from stats.insight.views import READERS, bp

ACTORS = ("supervisor",)
PER_PAGE = 25


def _int(value: str | None, default: int | None = None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else default


@bp.get("/alerts")
@roles_required(*READERS)
def alerts():
    status = request.args.get("status", "active")
    kind = request.args.get("kind", "")
    page = max(1, _int(request.args.get("page"), 1))
    rows, total = alert_page(db.session, status, kind, page, PER_PAGE)
    return render_template("insight/alerts.html", alerts=rows, total=total, page=page, per_page=PER_PAGE,
                           status=status, kind=kind, status_names=STATUS_NAMES, kind_names=KIND_NAMES)


def _alert(alert_id: int) -> Alert:
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        abort(404)
    return alert


def _form_defaults(alert: Alert) -> dict:
    category = alert.category
    return {"department": str(category.department_id or "") if category else "",
            "category": category.code if category and not category.children else "",
            "contact_name": current_user.display_name[:20], "contact_phone": "", "instruction": "", "reason": ""}


def _render(alert: Alert, *, errors: dict | None = None, typed: dict | None = None, status: int = 200):
    view = alert_view(db.session, alert, china_today())
    can_act = has_role(*ACTORS) and alert.status in ("open", "acknowledged")
    choices = {"departments": department_choices(db.session), "categories": leaf_choices(db.session)} \
        if can_act else {}
    return render_template("insight/alert.html", view=view, alert=alert, errors=errors or {}, can_act=can_act,
                           form={**_form_defaults(alert), **(typed or {})}, status_names=STATUS_NAMES,
                           kind_names=KIND_NAMES, **choices), status


@bp.get("/alerts/<int:alert_id>")
@roles_required(*READERS)
def alert(alert_id: int):
    return _render(_alert(alert_id))


def _act(alert_id: int, action, done: str, typed_fields: tuple[str, ...] = ()):
    alert = _alert(alert_id)
    typed = {name: request.form.get(name, "") for name in typed_fields}
    try:
        result = action(alert)
    except AlertActionError as error:
        db.session.rollback()
        return _render(db.session.get(Alert, alert_id), errors=error.errors, typed=typed, status=422)
    db.session.commit()
    flash(done if isinstance(done, str) else done(result), "success")
    return redirect(url_for("insight.alert", alert_id=alert_id))


@bp.post("/alerts/<int:alert_id>/acknowledge")
@roles_required(*ACTORS)
def alert_acknowledge(alert_id: int):
    return _act(alert_id, lambda alert: acknowledge(db.session, alert, actor=current_user), "已确认该预警")


@bp.post("/alerts/<int:alert_id>/dismiss")
@roles_required(*ACTORS)
def alert_dismiss(alert_id: int):
    return _act(alert_id, lambda alert: dismiss(db.session, alert, actor=current_user,
                                                reason=request.form.get("reason", "")),
                "已忽略该预警", ("reason",))


@bp.post("/alerts/<int:alert_id>/task")
@roles_required(*ACTORS)
def alert_task(alert_id: int):
    form = TaskForm(department_id=_int(request.form.get("department")), category=request.form.get("category", ""),
                    contact_name=request.form.get("contact_name", ""),
                    contact_phone=request.form.get("contact_phone", ""),
                    instruction=request.form.get("instruction", ""))
    return _act(alert_id, lambda alert: make_task(db.session, alert, actor=current_user, form=form),
                lambda ticket: f"已生成主动治理工单 {ticket.number} 并派发至{ticket.department.short_name}",
                ("department", "category", "contact_name", "contact_phone", "instruction"))
