"""微查询 in WeChat chat: answer, offer choices (the next message 1/2/3 picks), or say so and log it."""
from __future__ import annotations

from flask import current_app

from core.db import db
from faq.inbox import hash_openid, record_unanswered
from query.results import ANSWER, CHOICES
from query.web import messages
from query.web.answers import knowledge_base
from stats.insight.questions import log_question
from wechat import dialogue
from wechat.dialogue import Dialogue
from wechat.inbound import Inbound
from wechat.replies import Reply, TextReply
from wechat.router import Context

CHOICE_DIALOGUE = "faq-choice"
CHOICE_SECONDS = 5 * 60


def entry_url(entry_id: int) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/h5/faq/{entry_id}"


def _show(entry) -> Reply:
    url = entry_url(entry.id)
    return TextReply(messages.ANSWER.format(answer=entry.answer, url=url), more_url=url)


def ask(inbound: Inbound, context: Context) -> Reply:
    question = (inbound.text or "").strip()
    if not question:
        return TextReply(messages.EMPTY_QUESTION)
    answer = knowledge_base().ask(question)
    citizen = hash_openid(inbound.openid, current_app.config["SECRET_KEY"])
    if answer.outcome in (ANSWER, CHOICES):
        log_question(db.session, question, outcome=answer.outcome, channel="wechat", openid_hash=citizen,
                     entry_id=answer.entries[0].id)
        db.session.commit()
    if answer.outcome == ANSWER:
        return _show(answer.entries[0])
    if answer.outcome == CHOICES:
        dialogue.save(inbound.openid, Dialogue(CHOICE_DIALOGUE, "pick", {"ids": [e.id for e in answer.entries]}),
                      idle_seconds=CHOICE_SECONDS)
        lines = [f"{n}. {entry.question}" for n, entry in enumerate(answer.entries, 1)]
        return TextReply("\n".join([messages.CHOICES_HEAD, *lines, messages.CHOICES_TAIL]))
    best = answer.result.hits[0].fused if answer.result.hits else None
    record_unanswered(db.session, question, channel="wechat", best_score=best, openid_hash=citizen)
    db.session.commit()
    return TextReply(messages.NO_ANSWER)


def pick_choice(inbound: Inbound, context: Context) -> Reply | None:
    """The message after a list of choices: a number picks one; other text is a new question; anything
    else (a follow, a menu click, a location…) ends the choice and is routed as usual."""
    dialogue.end(inbound.openid)
    ids = context.dialogue.data.get("ids", [])
    text = (inbound.text or "").strip()
    if text.isdigit() and 1 <= int(text) <= len(ids):
        entry = knowledge_base().entry(ids[int(text) - 1])
        if entry is not None:
            return _show(entry)
    if inbound.kind != "text":
        return None
    return ask(inbound, context)


def prompt(inbound: Inbound, context: Context) -> Reply:
    return TextReply(messages.ASK_PROMPT)


def hot_questions(inbound: Inbound, context: Context) -> Reply:
    entries = knowledge_base().latest(5)
    lines = [f"· {entry.question}\n  {entry_url(entry.id)}" for entry in entries]
    return TextReply("\n".join([messages.HOT_HEAD, *lines]) if lines else messages.ASK_PROMPT)
