"""The editors' console for the knowledge base (/staff/faq): entries, try a question, the unanswered
inbox, synonyms and dictionary, import and export. Editors (and admins) only."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("faq_console", __name__, url_prefix="/staff/faq", template_folder="templates")

EDITORS = ("editor",)

from faq.console import entries, inbox, transfer, trial, vocabulary  # noqa: E402,F401 - views register on bp
