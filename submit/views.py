"""微受理 H5: the submission form, its result page and the photos of a form being filled in.

The citizen is identified by the openid in the server session (wechat.oauth); the form carries an
idempotency key, so a double tap, a back-and-resubmit or a retried request makes one ticket.
The form view does its own CSRF check (exempted from the app-wide one, see init_app) so that an
expired page is shown again with everything typed, instead of an error page that loses it.
Tickets are made through submit.guards: the same content again within 10 minutes brings the form back
with a notice and the box “这不是重复提交，仍然提交”; past the daily limit it comes back with the limit
beside the content. Either way nothing typed or uploaded is lost.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from core.dates import china_date
from core.db import db
from submit.emergency import advice_for
from submit.errors import InvalidSubmission
from submit.fields import MAX_ATTACHMENTS, MIN_CONTENT, Submission, validate_submission
from submit.forms import SubmitForm, new_form_key
from submit.guards import DailyLimitReached, PossibleDuplicate, create_guarded, daily_limit, limit_message, may_submit
from submit.service import get_ticket_for_citizen, ticket_by_key, tickets_of_citizen
from submit.views_photos import as_attachments, forget, pending, send_stored, take_photos
from wechat.oauth import current_openid, require_openid

bp = Blueprint("submit", __name__, url_prefix="/h5/submit", template_folder="templates")


def idempotency_key(openid: str, form_key: str) -> str:
    return f"h5:{openid}:{form_key}"


def _prefill(form: SubmitForm, openid: str) -> None:
    """A new form: a fresh key, the type from ?type=, the name and phone of the citizen's last ticket."""
    form.key.data = new_form_key()
    wanted = request.args.get("type", "")
    if wanted in dict(form.request_type.choices):
        form.request_type.data = wanted
    last = tickets_of_citizen(db.session, openid, limit=1)
    if last:
        form.name.data, form.phone.data = last[0].citizen_name, last[0].phone
        form.from_last_ticket = True


def _render(form: SubmitForm, photos: list[dict], status: int = 200, *, duplicate=None, limit_note: str = ""):
    """The form; `duplicate` (guards.PossibleDuplicate) adds its notice and the box to send it anyway."""
    return render_template("submit/form.html", form=form, photos=photos, max_photos=MAX_ATTACHMENTS,
                           min_content=MIN_CONTENT, emergency=advice_for(form.content.data),
                           duplicate=duplicate, limit_note=limit_note), status


def _submission(form: SubmitForm, openid: str, photos: list[dict]) -> Submission:
    return Submission(request_type=form.request_type.data or "", category=form.category.data or "",
                      content=form.content.data or "", address=form.address.data or "",
                      name=form.name.data or "", phone=form.phone.data or "", openid=openid,
                      confidential=bool(form.confidential.data), attachments=as_attachments(photos))


def _refused(form: SubmitForm):
    """CSRF token or form key missing or stale: nothing is taken; the form comes back as typed."""
    kept = []
    if form.key.errors:
        form.key.data = new_form_key()
    else:
        keep = set(form.kept_photos())
        kept = [item for item in pending(form.key.data) if item["sha256"] in keep]
    if any(upload.filename for upload in request.files.getlist("photos")):
        form.photos.errors = ["页面已过期，刚才选择的图片未保存，请重新选择"]
    return _render(form, kept, 400)


@bp.route("/", methods=["GET", "POST"])
@require_openid
def form():
    openid = current_openid()
    form = SubmitForm()
    form.fill_choices(db.session)
    if request.method == "GET":
        _prefill(form, openid)
        return _render(form, [], limit_note="" if may_submit(openid) else limit_message(daily_limit()))
    if not form.validate():
        return _refused(form)
    key = idempotency_key(openid, form.key.data)
    earlier = ticket_by_key(db.session, key)
    if earlier is not None:  # the same form sent again: the ticket it made
        return redirect(url_for(".done", number=earlier.number))
    photos, photo_errors = take_photos(form.key.data, form.kept_photos(), request.files.getlist("photos"))
    submission = _submission(form, openid, photos)
    try:
        if photo_errors:  # no ticket with photos missing; the other fields are still checked, to say all at once
            validate_submission(db.session, submission)
        else:
            ticket = create_guarded(db.session, submission, channel="h5", idempotency_key=key,
                                    not_duplicate=bool(form.not_duplicate.data))
        errors = {}
    except InvalidSubmission as invalid:
        errors = invalid.by_field()
    except PossibleDuplicate as duplicate:
        db.session.rollback()
        return _render(form, photos, 409, duplicate=duplicate)
    except DailyLimitReached as refused:
        db.session.rollback()
        form.show_errors({"content": [refused.message]})
        return _render(form, photos, 429, limit_note=refused.message)
    if photo_errors:
        errors["attachments"] = photo_errors + errors.get("attachments", [])
    if errors:
        db.session.rollback()
        form.show_errors(errors)
        return _render(form, photos, 422)
    db.session.commit()
    forget(form.key.data)
    return redirect(url_for(".done", number=ticket.number))


@bp.get("/done/<number>")
@require_openid
def done(number: str):
    ticket = get_ticket_for_citizen(db.session, number, current_openid())
    if ticket is None:
        abort(404)
    return render_template("submit/done.html", ticket=ticket, deadline=china_date(ticket.deadline_at),
                           emergency=advice_for(ticket.content))


@bp.get("/photos/<form_key>/<sha256>")
@require_openid
def pending_photo(form_key: str, sha256: str):
    """A photo of a form not yet accepted: only to the session that uploaded it."""
    photo = next((item for item in pending(form_key) if item.get("sha256") == sha256), None)
    if photo is None:
        abort(404)
    return send_stored(photo["path"], photo["content_type"])


def init_app(app) -> None:
    from submit import views_hints, views_rating  # noqa: F401 - their routes are on the blueprints
    from submit.views_tickets import bp as tickets_bp

    app.register_blueprint(bp)
    app.register_blueprint(tickets_bp)
    app.extensions["csrf"].exempt(form)  # checked by SubmitForm itself (module docstring)
