"""The ticket page's suggestions (the `_suggestions.html` partial): where to dispatch (submit.similar's
suggested departments) and similar open tickets, each with 合并 — a confirmation page
(/staff/tickets/<number>/merge/<other>?into=<survivor>) whose POST merges the other ticket into the
chosen surviving one through submit.workflow.merge (its citizen then follows the survivor).

Only hotline staff who may dispatch or merge see the suggestions: a department never sees other
tickets through them.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.db import db
from faq.fields import clean_text
from staff.access import has_role, roles_required
from submit.console import bp
from submit.console.ticket import find_ticket
from submit.models import Ticket
from submit.similar import DepartmentSuggestion, SimilarTicket, similar_open_tickets, suggest_departments
from submit.workflow import ConcurrentChange, InvalidAction, NotPermitted, WorkflowError, can, merge
from submit.workflow_config import workflow

HOTLINE = ("agent", "supervisor")
MAX_REASON = 2000


@dataclass(frozen=True)
class Suggestions:
    departments: list[DepartmentSuggestion]  # [] unless the ticket may be dispatched now
    similar: list[SimilarTicket]
    can_merge: bool  # 合并 buttons: this ticket may be merged (each other one is checked on its page)


@bp.app_template_global("ticket_suggestions")
def ticket_suggestions(ticket: Ticket) -> Suggestions | None:
    """For `_suggestions.html`; None for staff who neither dispatch nor merge (departments, analysts)."""
    if not has_role(*HOTLINE):
        return None
    staff = current_user._get_current_object()
    departments = suggest_departments(db.session, ticket) if can(ticket, "dispatch", staff) else []
    open_ = ticket.status not in workflow().terminal
    similar = similar_open_tickets(db.session, ticket) if open_ else []
    return Suggestions(departments, similar, can(ticket, "merge", staff))


def _pair(number: str, other: str) -> tuple[Ticket, Ticket, Ticket, Ticket]:
    """(this, other, merging, survivor) from the URL; 404 for an unknown number, 400 for a survivor that is
    neither of the two."""
    this, that = find_ticket(number, current_user), find_ticket(other, current_user)
    if this is None or that is None or this.id == that.id:
        abort(404)
    into = (request.values.get("into") or "").strip().upper()
    if into not in (this.number, that.number):
        abort(400)
    survivor = this if into == this.number else that
    return this, that, (that if survivor is this else this), survivor


def _confirm(this: Ticket, merging: Ticket, survivor: Ticket, *, status: int = 200, message: str = "",
             reason: str = "", errors: dict | None = None):
    that = survivor if this.id == merging.id else merging
    return render_template("tickets_console/similar_merge.html", this=this, that=that, merging=merging,
                           survivor=survivor, status_name=lambda ticket: workflow().state(ticket.status).name,
                           message=message, reason=reason, errors=errors or {}, max_reason=MAX_REASON), status


@bp.route("/<number>/merge/<other>", methods=["GET", "POST"])
@roles_required(*HOTLINE)
def merge_similar(number: str, other: str):
    this, _that, merging, survivor = _pair(number, other)
    if request.method == "GET":
        return _confirm(this, merging, survivor)
    reason = clean_text(request.form.get("reason", ""), multiline=True)[:MAX_REASON + 100]
    revisions = (request.form.get("revision", ""), request.form.get("survivor_revision", ""))
    try:
        if revisions != (str(merging.revision), str(survivor.revision)):
            raise ConcurrentChange(merging.number)  # one of them changed since the confirmation was shown
        merge(db.session, merging, actor=current_user._get_current_object(), into=survivor, reason=reason)
    except WorkflowError as refused:
        db.session.rollback()
        db.session.expire_all()
        this, _that, merging, survivor = _pair(number, other)
        status = 403 if isinstance(refused, NotPermitted) else 422 if isinstance(refused, InvalidAction) else 409
        errors = refused.by_field() if isinstance(refused, InvalidAction) else {}
        message = "；".join(message for messages in errors.values() for message in messages) or str(refused)
        return _confirm(this, merging, survivor, status=status, message=message, reason=reason, errors=errors)
    db.session.commit()
    flash(f"已将工单 {merging.number} 合并到 {survivor.number}，其市民将随主工单收到办理进展", "success")
    return redirect(url_for("tickets_console.ticket_page", number=survivor.number))
