"""Hints while the citizen writes (JSON for the form's script): whom to call when the text names an
emergency (submit.emergency), and the likeliest categories (submit.categorise). The form works
without them: the server itself shows the advice when the form comes back and on the result page."""
from __future__ import annotations

from flask import request

from core.db import db
from submit.categorise import suggest
from submit.emergency import advice_for
from submit.views import bp
from wechat.oauth import require_openid

MAX_HINT_TEXT = 500  # the start of the text is enough to suggest from
MIN_HINT_TEXT = 4


def category_label(category) -> str:
    """The leaf's path below its top-level class, as the form's category list shows it."""
    return " · ".join(node.name for node in category.path[1:])


@bp.post("/hints")
@require_openid
def hints():
    text = (request.form.get("content") or "")[:MAX_HINT_TEXT]
    if len("".join(text.split())) < MIN_HINT_TEXT:
        return {"emergency": None, "categories": []}
    return {"emergency": advice_for(text),
            "categories": [{"code": leaf.code, "label": category_label(leaf)} for leaf in suggest(db.session, text)]}
