"""知识条目: the list (search, filters, counts, pages) and the new/edit form with its preview.

Actions on a whole entry are in entry_actions, its history and rollback in entry_history.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.dates import china_today
from core.db import db
from faq.console import EDITORS, bp, entry_history  # noqa: F401 - entry_history registers its views on bp
from faq.console.choices import category_tree, department_tree, policy_choices
from faq.console.editing import EditConflict, edit_stamp, field_messages, preview, save_and_publish, save_edit
from faq.console.entry_actions import entry_or_404
from faq.console.entry_form import EntryForm
from faq.console.listing import SORTS, STATUS_LABELS, EntryFilters, list_entries, withheld_policies
from faq.errors import FaqError, InvalidEntry
from faq.models import FaqEntry
from faq.service import create_entry, publish
from faq.versions import has_pending_changes
from query.web.chat import entry_url
from query.web.messages import ANSWER
from staff.access import roles_required


@bp.get("/")
@roles_required(*EDITORS)
def entries():
    filters = EntryFilters.from_args(request.args)
    categories, departments = category_tree(db.session), department_tree(db.session)
    page = list_entries(db.session, filters, categories=categories, departments=departments, today=china_today())
    return render_template("faq_console/entries.html", page=page, filters=page.filters, categories=categories,
                           departments=departments, statuses=STATUS_LABELS, sorts=SORTS)


def _render_form(form: EntryForm, entry: FaqEntry | None, *, status: int = 200, problem: str = ""):
    """The form page; with action=preview also what citizens would see."""
    shown = preview(db.session, form.fields(with_key=entry is None)) if form.action == "preview" else None
    if shown is not None:
        form.errors = field_messages(shown.errors)
    chat = ANSWER.format(answer=shown.data["answer"], url=entry_url(entry.id) if entry else "（发布后生成链接）") \
        if shown else ""
    context = {
        "form": form, "entry": entry, "shown": shown, "chat": chat, "problem": problem,
        "categories": category_tree(db.session), "departments": department_tree(db.session),
        "policies": policy_choices(db.session, china_today()),
    }
    if entry is not None:
        context["pending"] = has_pending_changes(db.session, entry)
        context["deletable"] = not entry.versions
        context["withheld"] = withheld_policies(db.session, china_today()).get(entry.id)
    return render_template("faq_console/entry_form.html", **context), status


def _refused_form(form: EntryForm, entry: FaqEntry | None, error: FaqError):
    """Nothing was saved: the editor's input again, each message beside its field."""
    db.session.rollback()
    if isinstance(error, InvalidEntry):
        form.errors = field_messages(error.errors)
        return _render_form(form, entry, status=422, problem="未保存：请按提示修改后再提交。")
    if isinstance(error, EditConflict):
        form.latest = edit_stamp(error.entry)
    return _render_form(form, entry, status=409, problem=str(error))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def entries_new():
    if request.method == "GET":
        return _render_form(EntryForm(), None)
    form = EntryForm.from_request(request.form)
    if form.action == "preview":
        return _render_form(form, None)
    try:
        entry = create_entry(db.session, form.fields(with_key=True), by=current_user.id)
        if form.action == "publish":
            publish(db.session, entry.id, by=current_user.id, note=form.note.strip())
    except FaqError as error:
        return _refused_form(form, None, error)
    db.session.commit()
    flash("已创建并发布第 1 版" if form.action == "publish" else "已保存为草稿", "success")
    return redirect(url_for("faq_console.entries_edit", entry_id=entry.id))


@bp.route("/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def entries_edit(entry_id: int):
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        return _render_form(EntryForm.from_entry(entry, edit_stamp(entry)), entry)
    form = EntryForm.from_request(request.form)
    if form.action == "preview":
        return _render_form(form, entry)
    changes, by = form.fields(with_key=False), current_user.id
    try:
        if form.action == "publish":
            save_and_publish(db.session, entry_id, changes, seen=form.seen, by=by, note=form.note.strip())
        else:
            save_edit(db.session, entry_id, changes, seen=form.seen, by=by)
    except FaqError as error:
        return _refused_form(form, entry, error)
    db.session.commit()
    if form.action == "publish":
        flash(f"已保存并发布第 {entry.live_version} 版", "success")
    else:
        unpublished = "（尚未发布：市民看到的仍是上一次发布的内容）" if entry.status == "published" else ""
        flash("已保存" + unpublished, "success")
    return redirect(url_for("faq_console.entries_edit", entry_id=entry_id))
