"""我的工单 on H5: the citizen's own tickets, one ticket with its public history, its photos and, once
handled, its 回访 form (submit.views_rating takes the answers).

Whose tickets these are comes only from the openid in the server session. A ticket number that does
not exist and one that belongs to someone else get the same 404, and so do their photos.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from core.dates import china_date
from core.db import db
from submit.followup import (
    SATISFACTION,
    SOLVED,
    awaiting_rating,
    current_rating,
    offers_reopen,
    rating_words,
    reopen_refusal,
)
from submit.forms import RatingForm, ReopenForm
from submit.models import Ticket
from submit.service import get_ticket_for_citizen, public_history, public_status_name, tickets_of_citizen
from submit.views_photos import send_stored
from wechat.oauth import current_openid, require_openid

bp = Blueprint("tickets", __name__, url_prefix="/h5/tickets", template_folder="templates")
PAGE_SIZE = 10
MAX_PAGE = 1000


def _page_number() -> int:
    value = request.args.get("page", "1")
    return min(int(value), MAX_PAGE) if value.isdigit() and int(value) >= 1 else 1


def own_ticket_or_404(number: str) -> Ticket:
    ticket = get_ticket_for_citizen(db.session, number, current_openid())
    if ticket is None:
        abort(404)
    return ticket


@bp.app_template_filter("status_name")
def status_name(status: str) -> str:
    return public_status_name(status) or status


@bp.app_template_filter("china_day")
def china_day(moment) -> str:
    return china_date(moment).strftime("%Y年%-m月%-d日") if moment else ""


@bp.get("/")
@require_openid
def index():
    page = _page_number()
    rows = tickets_of_citizen(db.session, current_openid(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("submit/tickets.html", tickets=rows[:PAGE_SIZE], page=page,
                           more=len(rows) > PAGE_SIZE)


def render_ticket(found: Ticket, *, rating_form: RatingForm | None = None, status: int = 200):
    """The ticket page; with `rating_form` (answers refused) the 回访 form comes back as answered."""
    rating = current_rating(found)
    offered = offers_reopen(rating)
    refusal = reopen_refusal(found, rating) if offered else None
    return render_template(
        "submit/ticket.html", ticket=found, history=public_history(found)[::-1],
        awaiting=awaiting_rating(found), rating_form=rating_form or RatingForm(), solved=SOLVED,
        satisfaction=SATISFACTION, rating_words=rating_words(rating) if rating else "",
        reopen_form=ReopenForm() if offered and not refusal else None, reopen_refusal=refusal), status


@bp.get("/<number>")
@require_openid
def ticket(number: str):
    return render_ticket(own_ticket_or_404(number))


@bp.get("/<number>/photos/<int:attachment_id>")
@require_openid
def photo(number: str, attachment_id: int):
    found = own_ticket_or_404(number)
    attachment = next((item for item in found.attachments if item.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return send_stored(attachment.path, attachment.content_type)
