"""What an editor does to an entry as a whole: publish, unpublish, archive, restore, delete a draft.

Every action is a POST (CSRF checked by the app); a refused one (faq.errors) is rolled back and
told in Chinese on the page the editor came from, never a 500.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.db import db
from faq.console import EDITORS, bp
from faq.errors import EntryNotFound, FaqError, InvalidEntry
from faq.models import FaqEntry
from faq.service import archive, delete_draft, get_entry, publish, restore, unpublish
from staff.access import roles_required

# action → (service, what to tell the editor when done)
STATE_ACTIONS = {
    "unpublish": (unpublish, "已撤回发布：市民将不再看到这条解答，条目成为草稿"),
    "archive": (archive, "已归档"),
    "restore": (restore, "已恢复为草稿"),
}


def entry_or_404(entry_id: int) -> FaqEntry:
    try:
        return get_entry(db.session, entry_id)
    except EntryNotFound:
        abort(404)


def refused(error: FaqError) -> None:
    """Undo what the refused action did and tell the editor why."""
    db.session.rollback()
    messages = error.by_field().values() if isinstance(error, InvalidEntry) else [[str(error)]]
    flash("操作未完成：" + "；".join(message for group in messages for message in group), "error")


def back_to_entry(entry_id: int):
    return redirect(url_for("faq_console.entries_edit", entry_id=entry_id))


@bp.post("/<int:entry_id>/publish")
@roles_required(*EDITORS)
def entries_publish(entry_id: int):
    """Publish the saved working copy (the form's own 保存并发布 saves first)."""
    entry_or_404(entry_id)
    try:
        version = publish(db.session, entry_id, by=current_user.id, note=request.form.get("note", "").strip())
    except FaqError as error:
        refused(error)
        return back_to_entry(entry_id)
    db.session.commit()
    flash(f"已发布第 {version.number} 版，市民几秒钟内即可查到", "success")
    return back_to_entry(entry_id)


@bp.post("/<int:entry_id>/<any(unpublish, archive, restore):action>")
@roles_required(*EDITORS)
def entries_state(entry_id: int, action: str):
    entry_or_404(entry_id)
    service, done = STATE_ACTIONS[action]
    try:
        service(db.session, entry_id, by=current_user.id)
    except FaqError as error:
        refused(error)
        return back_to_entry(entry_id)
    db.session.commit()
    flash(done, "success")
    return back_to_entry(entry_id)


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@roles_required(*EDITORS)
def entries_delete(entry_id: int):
    """GET asks for confirmation (works without JavaScript); POST deletes a never-published draft."""
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        return render_template("faq_console/entry_confirm.html", entry=entry, title="删除草稿",
                               message=f"确定删除草稿「{entry.question}」吗？删除后无法恢复。",
                               action=url_for("faq_console.entries_delete", entry_id=entry.id),
                               button="确认删除", danger=True)
    question = entry.question
    try:
        delete_draft(db.session, entry_id)
    except FaqError as error:
        refused(error)
        return back_to_entry(entry_id)
    db.session.commit()
    flash(f"已删除草稿「{question}」", "success")
    return redirect(url_for("faq_console.entries"))
