"""The ticket page (/staff/tickets/<number>): what the citizen gave (photos through an authorised
route, a map link), the citizen's contact under the privacy rules, the full history, internal notes,
the forms of the actions the viewer may take, 回访 and the messages sent to the citizen.

A ticket a staff member may not see (a handler and another department's ticket) is a 404, the same
as a number that does not exist: its page, its photos, its phone and its actions alike.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import db, utcnow
from faq.console.choices import department_tree
from reference.models import Department
from reference.workdays import WorkCalendar
from staff.access import roles_required
from staff.models import StaffUser
from submit.console import VIEWERS, bp
from submit.console.forms import DANGER, FIELDS, REQUIRED, ActionInput, label
from submit.console.history import contact_views, history_of, internal_notes, last_reply
from submit.console.privacy import RevealRefused, contact_of, may_see, reveal_phone
from submit.console.queue_filters import CHANNEL_NAMES
from submit.followup import SATISFACTION, SOLVED, SOURCES, current_rating
from submit.models import Ticket, TicketAttachment, TicketEvent
from submit.notifications import notifications_of
from submit.views_photos import send_stored
from submit.workflow import allowed_actions
from submit.workflow_config import workflow
from submit.workflow_deadlines import aware

OWN_SECTIONS = ("note", "follow_up_call")  # actions with a section of their own, not a button
NOTIFICATION_STATES = {"queued": "待发送", "sent": "已发送", "failed": "发送失败"}
NOTIFICATION_CHANNELS = {"custom": "客服消息", "template": "模板消息"}
MAP_URL = "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"


def find_ticket(number: str, staff: StaffUser) -> Ticket | None:
    """The ticket with this number if `staff` may see it, with what its page reads loaded."""
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.number == number.strip().upper()[:24])
        .options(selectinload(Ticket.events).selectinload(TicketEvent.actor_staff),
                 selectinload(Ticket.co_departments), selectinload(Ticket.attachments),
                 selectinload(Ticket.ratings)))
    return ticket if ticket is not None and may_see(ticket, staff) else None


def ticket_or_404(number: str) -> Ticket:
    ticket = find_ticket(number, current_user)
    if ticket is None:
        abort(404)
    return ticket


def map_url(ticket: Ticket) -> str:
    if ticket.latitude is None or ticket.longitude is None:
        return ""
    return MAP_URL.format(lat=ticket.latitude, lon=ticket.longitude)


def deadline_flags(ticket: Ticket, now: datetime) -> dict[str, bool]:
    """overdue, due_soon (within 1 working day), paused and chased, as the queue shows them."""
    open_ = ticket.status not in workflow().terminal
    deadline, paused = aware(ticket.deadline_at), ticket.paused_at is not None
    soon_until = WorkCalendar.from_session(db.session).add_workdays(now, 1)
    return {"overdue": open_ and (aware(ticket.paused_at) or now) > deadline,
            "due_soon": open_ and not paused and now <= deadline <= soon_until,
            "paused": open_ and paused, "chased": open_ and ticket.chased_at is not None}


def _dispatch_choices() -> list:
    active = set(db.session.scalars(select(Department.id).where(Department.active.is_(True))))
    return [node for node in department_tree(db.session).nodes if node.id in active]


def render_ticket(ticket: Ticket, *, attempt: ActionInput | None = None, status: int = 200,
                  revealed: bool = False, message: str = ""):
    """The page as the signed-in staff member may see it; `attempt` is a refused action shown again
    as typed with its messages, `message` a refusal for the top of the page."""
    staff, now = current_user, utcnow()
    steps = allowed_actions(ticket, staff)
    departments = department_tree(db.session)
    offered = {step.action for step in steps}
    context = {
        "ticket": ticket, "state": workflow().states.get(ticket.status), "flags": deadline_flags(ticket, now),
        "contact": contact_of(ticket, staff, revealed=revealed), "map_url": map_url(ticket),
        "history": history_of(ticket, departments), "notes": internal_notes(ticket),
        "views": contact_views(ticket), "notifications": notifications_of(db.session, ticket),
        "steps": [step for step in steps if step.action not in OWN_SECTIONS],
        "can_note": any(step.action == "note" for step in steps),
        "can_call": any(step.action == "follow_up_call" for step in steps),
        "rating": current_rating(ticket), "last_reply": last_reply(ticket),
        "attempt": attempt, "message": message,
        "kept": attempt if attempt and attempt.action not in offered and any(attempt.values.values()) else None,
        "fields": FIELDS, "label": label, "required": REQUIRED,
        "danger": DANGER, "solved": SOLVED, "satisfaction": SATISFACTION, "sources": SOURCES,
        "channels": CHANNEL_NAMES, "notification_states": NOTIFICATION_STATES,
        "notification_channels": NOTIFICATION_CHANNELS,
        "dispatch_choices": _dispatch_choices() if any(step.action == "dispatch" for step in steps) else [],
        "extension_max": workflow().limits.extension_max_workdays,
    }
    return render_template("tickets_console/ticket.html", **context), status


@bp.get("/<number>")
@roles_required(*VIEWERS)
def ticket_page(number: str):
    return render_ticket(ticket_or_404(number))


@bp.get("/<number>/photos/<int:attachment_id>")
@roles_required(*VIEWERS)
def photo(number: str, attachment_id: int):
    found = db.session.scalar(select(TicketAttachment).where(TicketAttachment.id == attachment_id,
                                                             TicketAttachment.ticket_id == ticket_or_404(number).id))
    if found is None:
        abort(404)
    return send_stored(found.path, found.content_type)


@bp.post("/<number>/contact")
@roles_required(*VIEWERS)
def reveal_contact(number: str):
    """显示号码: the view is recorded in the history (and committed) before the number is shown."""
    ticket = ticket_or_404(number)
    try:
        reveal_phone(db.session, ticket, current_user)
    except RevealRefused as refused:
        return render_ticket(ticket, status=403, message=str(refused))
    db.session.commit()
    return render_ticket(ticket_or_404(number), revealed=True)
