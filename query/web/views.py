"""微查询 H5 pages: search (as you type or on submit), an entry with its policies and a vote,
category browsing. They work inside WeChat and in a plain browser."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from core.db import db
from faq.inbox import hash_openid, record_unanswered, record_vote
from query.results import NONE
from query.web.answers import knowledge_base
from reference.models import Category
from stats.insight.questions import log_question
from wechat.oauth import current_openid

bp = Blueprint("query", __name__, url_prefix="/h5/faq", template_folder="templates")
MAX_QUESTION = 200


def _citizen_hash() -> str:
    """Who votes or asks: the openid when known, else this browser's session (never stored raw)."""
    secret = current_app.config["SECRET_KEY"]
    openid = current_openid()
    if openid:
        return hash_openid(openid, secret)
    session.setdefault("visitor", secrets.token_hex(8))
    return hash_openid("visitor:" + session["visitor"], secret)


def _question() -> str:
    return " ".join(request.args.get("q", "").split())[:MAX_QUESTION]


@bp.get("/")
def search():
    question = _question()
    answer = knowledge_base().ask(question) if question else None
    if answer is not None and answer.outcome == NONE:
        record_unanswered(db.session, question, channel="h5", openid_hash=_citizen_hash())
        db.session.commit()
    elif answer is not None:
        log_question(db.session, question, outcome=answer.outcome, channel="h5", openid_hash=_citizen_hash(),
                     entry_id=answer.entries[0].id)
        db.session.commit()
    roots = db.session.scalars(select(Category).where(Category.parent_id.is_(None)).order_by(Category.sort)).all()
    return render_template("query/search.html", question=question, answer=answer, categories=roots)


@bp.get("/suggest")
def suggest():
    """As-you-type suggestions (JSON): the best few entries, whatever the outcome."""
    question = _question()
    if not question:
        return {"items": []}
    return {"items": [{"id": entry.id, "question": entry.question, "url": url_for("query.entry", entry_id=entry.id)}
                      for entry in knowledge_base().suggest(question)]}


@bp.get("/<int:entry_id>")
def entry(entry_id: int):
    served = knowledge_base().entry(entry_id)
    if served is None:
        abort(404)
    return render_template("query/entry.html", entry=served, voted=session.get(f"voted:{entry_id}"))


@bp.post("/<int:entry_id>/vote")
def vote(entry_id: int):
    served = knowledge_base().entry(entry_id)
    if served is None:
        abort(404)
    helpful = request.form.get("helpful") == "1"
    record_vote(db.session, served.id, helpful, channel="h5", openid_hash=_citizen_hash(),
                question=request.form.get("q", "")[:MAX_QUESTION] or None)
    db.session.commit()
    session[f"voted:{entry_id}"] = "helpful" if helpful else "unhelpful"
    flash("感谢您的评价！" if helpful else "感谢反馈，我们会改进这条解答。", "info")
    return redirect(url_for("query.entry", entry_id=entry_id))


@bp.get("/category/<code>")
def category(code: str):
    node = db.session.scalar(select(Category).where(Category.code == code))
    if node is None:
        abort(404)
    return render_template("query/category.html", category=node, entries=knowledge_base().in_category(code))
