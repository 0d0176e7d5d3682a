"""An entry's published versions with what each changed, its unpublished changes, and rollback."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import db
from faq.console import EDITORS, bp
from faq.console.choices import category_tree, department_tree
from faq.console.entry_actions import entry_or_404, refused
from faq.errors import FaqError
from faq.models import FaqEntry, FaqVersion
from faq.service import rollback
from faq.versions import FieldChange, diff_snapshots, history, live_snapshot, snapshot
from policies.models import PolicyDocument
from staff.access import roles_required


def code_names(session: Session) -> dict[str, dict[str, str]]:
    """Readable names for the codes a diff shows: categories (with their path), departments, policies."""
    return {
        "category": {node.code: f"{node.code} {node.path}" for node in category_tree(session).nodes},
        "department": {node.code: node.name for node in department_tree(session).nodes},
        "policies": {slug: title for slug, title in session.execute(select(PolicyDocument.slug, PolicyDocument.title))},
    }


def _base(session: Session, entry: FaqEntry, versions: list[FaqVersion]) -> dict | None:
    """What the working copy is compared with: the live version, else the last one published."""
    return live_snapshot(session, entry) or (versions[0].snapshot if versions else None)


@bp.get("/<int:entry_id>/history")
@roles_required(*EDITORS)
def entries_history(entry_id: int):
    entry = entry_or_404(entry_id)
    versions = history(db.session, entry.id)  # newest first
    diffs = {version.number: diff_snapshots(older.snapshot if older else None, version.snapshot)
             for version, older in zip(versions, [*versions[1:], None], strict=True)}
    pending: list[FieldChange] = diff_snapshots(_base(db.session, entry, versions), snapshot(entry)) \
        if versions else []
    return render_template("faq_console/entry_history.html", entry=entry, versions=versions, diffs=diffs,
                           pending=pending, names=code_names(db.session))


@bp.route("/<int:entry_id>/rollback/<int:number>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def entries_rollback(entry_id: int, number: int):
    """GET shows what rolling back would change and asks to confirm; POST publishes that version again."""
    entry = entry_or_404(entry_id)
    versions = history(db.session, entry.id)
    target = next((version for version in versions if version.number == number), None)
    if target is None:
        abort(404)
    if request.method == "GET":
        return render_template(
            "faq_console/entry_confirm.html", entry=entry, title=f"回滚到第 {number} 版",
            message=f"将把第 {number} 版的内容作为新版本重新发布（历史记录会保留）。以下是与当前发布内容相比的变化：",
            changes=diff_snapshots(_base(db.session, entry, versions), target.snapshot), note=True,
            names=code_names(db.session), button="确认回滚",
            action=url_for("faq_console.entries_rollback", entry_id=entry.id, number=number))
    try:
        version = rollback(db.session, entry.id, number, by=current_user.id,
                           note=request.form.get("note", "").strip())
    except FaqError as error:
        refused(error)
        return redirect(url_for("faq_console.entries_history", entry_id=entry_id))
    db.session.commit()
    flash(f"已回滚：第 {number} 版的内容已作为第 {version.number} 版发布", "success")
    return redirect(url_for("faq_console.entries_history", entry_id=entry_id))
