"""常用语 (/staff/tickets/canned): agents and supervisors keep the canned replies; departments read them
and use them on the ticket page (the `_canned.html` partial, through the `canned_replies` template
global). Every change goes through submit.canned, which checks the fields and the placeholders."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from core.db import db
from faq.console.choices import category_tree
from reference.models import Category
from staff.access import has_role, roles_required
from submit.canned import (
    MAX_TEXT,
    PLACEHOLDERS,
    CannedIn,
    InvalidCannedReply,
    Offered,
    create_canned,
    delete_canned,
    get_canned,
    list_canned,
    replies_for,
    update_canned,
)
from submit.console import bp
from submit.console.privacy import hides_citizen
from submit.models import CannedReply, Ticket

EDITORS = ("agent", "supervisor")
READERS = (*EDITORS, "handler")
PLACEHOLDER_HINT = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
MAX_INPUT = MAX_TEXT + 1000  # longer than allowed: the service says so and the text is kept


def _cut(value):
    return value[:MAX_INPUT] if isinstance(value, str) else value


class CannedForm(FlaskForm):
    title = StringField("标题", filters=[_cut])
    category = SelectField("适用分类", validate_choice=False)
    text = TextAreaField("内容", filters=[_cut])
    active = BooleanField("启用", default=True)

    def fill_choices(self) -> None:
        """Every active category node (a node covers what is below it), indented by depth; "" = general."""
        active = set(db.session.scalars(select(Category.id).where(Category.active)))
        self.category.choices = [("", "通用（所有分类）")] + [
            (node.code, "　" * node.depth + node.name) for node in category_tree(db.session).nodes if node.id in active]

    def given(self) -> CannedIn:
        return CannedIn(title=self.title.data or "", text=self.text.data or "", category=self.category.data or "",
                        active=bool(self.active.data))

    def show_errors(self, invalid: InvalidCannedReply) -> None:
        for field, messages in invalid.by_field().items():
            target = getattr(self, field, None) or self.text
            target.errors = [*target.errors, *messages]


def _form(row: CannedReply | None = None, *, formdata=True) -> CannedForm:
    data = None if row is None else {"title": row.title, "text": row.text, "active": row.active,
                                     "category": row.category.code if row.category else ""}
    form = CannedForm(data=data) if formdata else CannedForm(formdata=None, data=data)
    form.fill_choices()
    return form


def _page(form: CannedForm | None = None, status: int = 200):
    return render_template("tickets_console/canned.html", rows=list_canned(db.session),
                           form=form or _form(formdata=False), editable=has_role(*EDITORS),
                           placeholders=PLACEHOLDER_HINT, max_text=MAX_TEXT), status


def _row(reply_id: int) -> CannedReply:
    return get_canned(db.session, reply_id) or abort(404)


@bp.get("/canned")
@roles_required(*READERS)
def canned():
    return _page()


def _saved(form: CannedForm, change: Callable[[], CannedReply], done: str):
    """Run the service call `change` and commit, then back to the list at the row; or, when it refuses,
    roll back, put its messages beside the fields and return None."""
    try:
        row = change()
    except InvalidCannedReply as invalid:
        db.session.rollback()
        form.show_errors(invalid)
        return None
    db.session.commit()
    flash(f"{done}常用语“{row.title}”", "success")
    return redirect(url_for(".canned", _anchor=f"canned-{row.id}"))


@bp.post("/canned")
@roles_required(*EDITORS)
def canned_create():
    form = _form()
    staff = current_user._get_current_object()
    if form.validate() and (done := _saved(form, lambda: create_canned(db.session, form.given(), by=staff), "已新增")):
        return done
    return _page(form, 422)


@bp.route("/canned/<int:reply_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def canned_edit(reply_id: int):
    row, staff = _row(reply_id), current_user._get_current_object()
    form = _form(row)
    if request.method == "POST" and form.validate() and (
            done := _saved(form, lambda: update_canned(db.session, row, form.given(), by=staff), "已保存")):
        return done
    return render_template("tickets_console/canned_edit.html", row=row, form=form, placeholders=PLACEHOLDER_HINT,
                           max_text=MAX_TEXT), 422 if request.method == "POST" else 200


@bp.route("/canned/<int:reply_id>/delete", methods=["GET", "POST"])
@roles_required(*EDITORS)
def canned_delete(reply_id: int):
    row = _row(reply_id)
    if request.method == "GET":
        return render_template("tickets_console/canned_delete.html", row=row)
    title = row.title
    delete_canned(db.session, row)
    db.session.commit()
    flash(f"已删除常用语“{title}”", "success")
    return redirect(url_for(".canned"))


@bp.app_template_global("canned_replies")
def canned_replies(ticket: Ticket) -> list[Offered]:
    """For `_canned.html`: the canned replies of the ticket's category for the signed-in staff member
    ({市民} stays a plain 市民 where the citizen is hidden from them)."""
    if not has_role(*READERS):
        return []
    shown = current_user.role != "analyst" and not hides_citizen(ticket, current_user)
    return replies_for(db.session, ticket, citizen_shown=shown)
