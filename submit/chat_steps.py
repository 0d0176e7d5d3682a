"""The first steps of the submission dialogue: the type, the description (a 咨询 is first put to
微查询; one it cannot answer goes to the editors' inbox like any unanswered question), and the
category chosen from suggestions."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from core.db import db
from faq.fields import clean_text
from faq.inbox import hash_openid, record_unanswered
from query.results import ANSWER, CHOICES
from query.web.answers import knowledge_base
from query.web.chat import entry_url
from reference.models import Category
from submit import categorise, messages
from submit.chat_draft import ENQUIRY, Draft, request_types
from submit.chat_flow import Again, Finish, Goto, Next, Outcome, Turn
from submit.fields import MIN_CONTENT
from wechat.replies import TextReply

MAX_CHAT_CONTENT = 2000  # longer texts are asked to be shortened (the H5 form takes them whole)
SUPPLEMENT_MIN = 4  # characters: shorter unknown replies at the category step are mistakes, not additions


def letters(text: str) -> int:
    return len("".join(text.split()))


# --- type -------------------------------------------------------------------------------------------
def ask_type(draft: Draft) -> str:
    lines = [messages.TYPE_LINE.format(number=number, name=kind.name)
             for number, kind in enumerate(request_types(db.session), 1)]
    return "\n".join([messages.ASK_TYPE, *lines])


def choose_type(turn: Turn) -> Outcome:
    kinds = request_types(db.session)
    word = turn.word
    picked = next((kind for number, kind in enumerate(kinds, 1) if word in (str(number), kind.name)), None)
    if picked is None:  # "我要投诉", "投诉一下"
        named = [kind for kind in kinds if kind.name in word]
        picked = named[0] if len(named) == 1 else None
    if picked is None:
        return Again(messages.TYPE_UNKNOWN.format(text=turn.text[:20]), reask=True)
    turn.draft.set_type(picked)
    return Next()


# --- description ------------------------------------------------------------------------------------
def ask_describe(draft: Draft) -> str:
    if draft.request_type == ENQUIRY and not draft.asked_knowledge_base:
        return messages.ASK_ENQUIRY
    return messages.ASK_DESCRIBE.format(type=draft.type_name, minimum=MIN_CONTENT)


def describe(turn: Turn) -> Outcome:
    draft = turn.draft
    text = clean_text("\n".join(filter(None, [draft.short, turn.text])), multiline=True)
    if draft.request_type == ENQUIRY and not draft.asked_knowledge_base:
        return ask_knowledge_base(turn.inbound.openid, draft, text)
    if len(text) > MAX_CHAT_CONTENT:
        return Again(messages.DESCRIPTION_LONG.format(count=len(text), maximum=MAX_CHAT_CONTENT))
    if letters(text) < MIN_CONTENT:
        draft.short = text
        return Again(messages.DESCRIPTION_SHORT.format(count=letters(text), minimum=MIN_CONTENT))
    draft.set_content(text)
    return Next()


# --- 咨询: 微查询 first ----------------------------------------------------------------------------
def _answer(entry) -> str:
    return messages.ENQUIRY_ANSWER.format(answer=entry.answer, url=entry_url(entry.id))


def record_enquiry(openid: str, question: str, best_score: float | None = None) -> None:
    """The editors' inbox (待答问题) gets the 咨询 微查询 could not answer, as query.web.chat.ask logs plain
    questions: the citizen known only by a keyed hash of the openid."""
    record_unanswered(db.session, question, channel="wechat", best_score=best_score,
                      openid_hash=hash_openid(openid, current_app.config["SECRET_KEY"]))
    db.session.commit()


def ask_knowledge_base(openid: str, draft: Draft, question: str) -> Outcome:
    """A confident answer ends the dialogue (直接办结); otherwise offer the choices and to go on."""
    draft.asked_knowledge_base, draft.short = True, question
    answer = knowledge_base().ask(question)
    if answer.outcome == ANSWER:
        url = entry_url(answer.entries[0].id)
        return Finish(TextReply(f"{_answer(answer.entries[0])}\n\n{messages.ENQUIRY_SOLVED}", more_url=url))
    draft.enquiry_ids = [entry.id for entry in answer.entries] if answer.outcome == CHOICES else []
    if not draft.enquiry_ids:  # no answer at all; declined choices are logged when the citizen goes on
        record_enquiry(openid, question, answer.result.hits[0].fused if answer.result.hits else None)
    return Goto("enquiry")


def ask_enquiry(draft: Draft) -> str:
    kb = knowledge_base()
    entries = [entry for entry in map(kb.entry, draft.enquiry_ids) if entry is not None]
    if not entries:
        return messages.ENQUIRY_NONE
    lines = "\n".join(f"{number}. {entry.question}" for number, entry in enumerate(entries, 1))
    return messages.ENQUIRY_CHOICES.format(lines=lines)


def after_enquiry(turn: Turn) -> Outcome:
    draft, word = turn.draft, turn.word
    if word.isdigit() and 1 <= int(word) <= len(draft.enquiry_ids):
        entry = knowledge_base().entry(draft.enquiry_ids[int(word) - 1])
        if entry is not None:
            return Finish(TextReply(f"{_answer(entry)}\n\n{messages.ENQUIRY_SOLVED}", more_url=entry_url(entry.id)))
    if word not in messages.CONTINUE_WORDS:
        return Again(messages.ENQUIRY_HINT)
    question = draft.short
    if draft.enquiry_ids:  # none of the entries offered answers it
        record_enquiry(turn.inbound.openid, question)
    if letters(question) < MIN_CONTENT or len(question) > MAX_CHAT_CONTENT:
        return Goto("describe", messages.ENQUIRY_MORE)
    draft.set_content(question)
    return Next()


# --- category -----------------------------------------------------------------------------------------
def suggest_categories(draft: Draft) -> None:
    if not draft.suggestions:
        draft.suggestions = [category.code for category in categorise.suggest(db.session, draft.content)]


def _options(draft: Draft) -> list[tuple[str, str]]:
    """(code, label) of each numbered option: the suggestions, then 其他."""
    found = {category.code: category
             for category in db.session.scalars(select(Category).where(Category.code.in_(draft.suggestions)))}
    options = [(code, found[code].path_name) for code in draft.suggestions if code in found]
    return [*options, ("", messages.CATEGORY_OTHER)]


def ask_category(draft: Draft) -> str:
    lines = [messages.CATEGORY_LINE.format(number=number, name=label)
             for number, (_code, label) in enumerate(_options(draft), 1)]
    return messages.ASK_CATEGORY.format(lines="\n".join(lines))


def choose_category(turn: Turn) -> Outcome:
    draft, word = turn.draft, turn.word
    options = _options(draft)
    picked = None
    if word.isdigit() and 1 <= int(word) <= len(options):
        picked = options[int(word) - 1][0] or None
        if picked is None:
            word = "其他"
    if word in messages.OTHER_WORDS:
        general = categorise.general_leaf(db.session)
        picked = general.code if general else None
    if picked is not None:
        category = db.session.scalars(select(Category).where(Category.code == picked)).one()
        draft.category, draft.category_name = category.code, category.path_name
        return Next()
    if letters(turn.text) < SUPPLEMENT_MIN:
        return Again(messages.CATEGORY_UNKNOWN.format(last=len(options)), reask=True)
    content = f"{draft.content}\n{clean_text(turn.text, multiline=True)}"
    if len(content) > MAX_CHAT_CONTENT:
        return Again(messages.DESCRIPTION_LONG.format(count=len(content), maximum=MAX_CHAT_CONTENT))
    draft.set_content(content)
    suggest_categories(draft)
    return Again(messages.SUPPLEMENTED, reask=True)
