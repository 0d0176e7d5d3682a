"""回访 on H5: the citizen rates a handled ticket of theirs and, when unsatisfied or unsolved, asks
for 重办. Both are POSTs on the ticket page (CSRF checked app-wide); the ticket must be theirs (404)."""
from __future__ import annotations

from flask import flash, redirect, url_for

from core.db import db
from submit.followup import InvalidRating, ReopenRefused, offers_reopen, rate_ticket, reopen_by_citizen
from submit.forms import RatingForm, ReopenForm
from submit.views_tickets import bp, own_ticket_or_404, render_ticket
from submit.workflow_errors import WorkflowError
from wechat.oauth import current_openid, require_openid


def _back_to(number: str):
    return redirect(url_for("tickets.ticket", number=number) + "#rating")


@bp.post("/<number>/rating")
@require_openid
def rate(number: str):
    ticket = own_ticket_or_404(number)
    form = RatingForm()
    try:
        rating = rate_ticket(db.session, ticket, solved=form.solved.data or "", satisfaction=form.satisfaction.data
                             or "", comment=form.comment.data or "", source="h5")
    except InvalidRating as refused:
        db.session.rollback()
        by_field = refused.by_field()
        if "ticket" in by_field:  # not waiting for a rating (any more): nothing to answer on the form
            flash(by_field["ticket"][0], "info")
            return _back_to(ticket.number)
        for field, messages in by_field.items():
            getattr(form, field).errors = messages
        return render_ticket(own_ticket_or_404(number), rating_form=form, status=422)
    db.session.commit()
    flash("感谢您的评价！" + ("如问题仍未解决，可以在下方申请重新办理。" if offers_reopen(rating) else ""), "info")
    return _back_to(ticket.number)


@bp.post("/<number>/reopen")
@require_openid
def reopen(number: str):
    ticket = own_ticket_or_404(number)
    form = ReopenForm()
    try:
        reopen_by_citizen(db.session, ticket, openid=current_openid(), reason=form.reason.data or "")
    except (ReopenRefused, WorkflowError) as refused:
        db.session.rollback()
        flash(str(refused) if ticket.status != "reopened" else "您已申请重新办理，12345 会重新安排办理", "info")
        return _back_to(ticket.number)
    db.session.commit()
    flash("已为您申请重新办理，12345 会重新转交承办单位，进度会通知您。", "info")
    return _back_to(ticket.number)
