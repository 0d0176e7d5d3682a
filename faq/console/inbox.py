"""待答问题: questions that got no answer or a 没用 vote, grouped by similarity; a group becomes a
draft entry whose similar questions are the group's wordings (the editor picks the standard one)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from core.db import db
from faq.console import EDITORS, bp
from faq.console.trial_links import edit_url
from faq.errors import InvalidEntry
from faq.fields import MAX_QUESTION, MAX_SIMILAR
from faq.inbox import could_be_question
from faq.inbox_review import PERIODS, SORTS, draft_from_open_group, handled_groups, open_groups
from staff.access import roles_required

CUSTOM = "__custom__"  # the radio choice "another wording, typed below"
LISTED = 10  # wordings offered as the standard question; the rest are listed folded
MAX_IDS = 20_000  # far above any real group; bounds what a forged form can make the server parse


def _filters(values) -> dict:
    period = values.get("period", "30")
    sort = values.get("sort", "count")
    page = values.get("page", "1")
    return {"status": "handled" if values.get("status") == "handled" else "open",
            "period": period if period in PERIODS else "30", "sort": sort if sort in SORTS else "count",
            "page": int(page) if page.isdigit() and len(page) < 7 else 1}


def _render(filters: dict, *, errors: dict[int, list[str]] | None = None, typed: dict[int, dict] | None = None,
            status: int = 200):
    if filters["status"] == "handled":
        page = handled_groups(db.session, period=filters["period"], page=filters["page"])
    else:
        page = open_groups(db.session, period=filters["period"], sort=filters["sort"], page=filters["page"])
    return render_template("faq_console/inbox.html", page=page, filters=filters, errors=errors or {},
                           typed=typed or {}, custom=CUSTOM, edit_url=edit_url, usable=could_be_question,
                           max_question=MAX_QUESTION, max_similar=MAX_SIMILAR, listed=LISTED), status


@bp.get("/inbox")
@roles_required(*EDITORS)
def inbox():
    return _render(_filters(request.args))


def _ids(raw: str) -> list[int]:
    parts = raw.split(",")
    if len(parts) > MAX_IDS:
        return []
    return sorted({int(part) for part in parts if part.strip().isdigit() and len(part.strip()) < 12})


@bp.post("/inbox/draft")
@roles_required(*EDITORS)
def inbox_draft():
    filters = _filters(request.form)
    ids = _ids(request.form.get("ids", ""))
    choice = request.form.get("choice", "")
    custom = request.form.get("custom", "")
    question = custom if choice == CUSTOM else choice
    key = ids[0] if ids else 0
    if not ids:
        return _render(filters, errors={key: ["没有选中任何问题，请刷新页面后重试"]}, status=422)
    if not question.strip():
        return _render(filters, errors={key: ["请选择或填写标准问"]}, typed={key: {"choice": choice, "custom": custom}},
                       status=422)
    try:
        entry = draft_from_open_group(db.session, ids, question=question, by=current_user.id)
    except InvalidEntry as error:
        db.session.rollback()
        return _render(filters, errors={key: [problem.message for problem in error.errors]},
                       typed={key: {"choice": choice, "custom": custom}}, status=422)
    db.session.commit()
    flash(f"已新建草稿「{entry.question}」，相似问法 {len(entry.similar)} 条；请补充答复和分类后发布", "success")
    return redirect(edit_url(entry.id))
