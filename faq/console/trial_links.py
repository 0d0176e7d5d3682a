"""Links from the 试问 and 待答问题 pages to an entry's edit page (written in faq/console/entries.py)."""
from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError


def edit_url(entry_id: int) -> str:
    """/staff/faq/<id>/edit; the plain path while the entries_edit view is not registered yet."""
    try:
        return url_for("faq_console.entries_edit", entry_id=entry_id)
    except BuildError:
        return f"/staff/faq/{int(entry_id)}/edit"
