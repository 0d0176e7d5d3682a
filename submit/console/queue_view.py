"""GET /staff/tickets/: the queue page (tabs with counts, filters, search, sorting, pages)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from core.db import db, utcnow
from faq.console.choices import category_tree, department_tree
from reference.models import RequestType
from staff.access import roles_required
from submit.console import VIEWERS, bp
from submit.console.privacy import listed_contact
from submit.console.queue import TEXT_SEARCH_ROWS, list_tickets
from submit.console.queue_filters import CHANNEL_NAMES, DUE, SORTS, QueueFilters, is_department
from submit.workflow_config import workflow


@bp.get("/")
@roles_required(*VIEWERS)
def queue():
    staff = current_user._get_current_object()
    filters = QueueFilters.from_args(request.args, staff)
    categories, departments = category_tree(db.session), department_tree(db.session)
    page = list_tickets(db.session, filters, staff, categories=categories, departments=departments, now=utcnow())
    types = db.session.execute(select(RequestType.code, RequestType.name).order_by(RequestType.sort)).all()
    states = workflow().states
    choices = {
        "status": [(code, f"{state.name}（{page.by_status.get(code, 0)}）", 0) for code, state in states.items()],
        "type": [(code, name, 0) for code, name in types],
        "category": [(node.code, node.name, node.depth) for node in categories.nodes],
        "department": [(node.code, node.name, node.depth) for node in departments.nodes],
        "channel": [(code, name, 0) for code, name in CHANNEL_NAMES.items()],
        "due": [(code, name, 0) for code, name in DUE.items()],
    }
    if is_department(staff):
        del choices["department"]
    return render_template(
        "tickets_console/queue.html", page=page, filters=page.filters, choices=choices, states=states,
        channels=CHANNEL_NAMES, sorts=SORTS, department_view=is_department(staff), text_rows=TEXT_SEARCH_ROWS,
        contact=lambda ticket: listed_contact(ticket, staff))
