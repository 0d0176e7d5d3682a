"""The agents' and departments' console for tickets (/staff/tickets): the queue, the ticket page, its
actions and the privacy rules of what staff see. Hotline agents, supervisors, department handlers
(their department's tickets only) and analysts (read-only, phones masked); admins see everything."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tickets_console", __name__, url_prefix="/staff/tickets", template_folder="templates")

VIEWERS = ("agent", "supervisor", "handler", "analyst")  # may open the queue and ticket pages
ACTORS = ("agent", "supervisor", "handler")  # may act on tickets (what each may do: workflow.yaml)

from submit.console import actions, canned, intake, queue_view, similar, ticket  # noqa: E402,F401 - views register on bp
