"""微受理 in chat: the submission dialogue as a state table, its entry points and fallbacks.

    entry points   menu 我要投诉/我要求助/我要建议 (type chosen), or words such as “微受理”, “我要举报”
    states         type → describe (→ enquiry) → category → place → photos → name → phone → confidential
                   → confirm (→ edit → the part to change → confirm; → duplicate: 是 keeps the earlier
                   ticket, 否 makes it); leave (a menu click mid-way)
    fallbacks      a photo or a location at any step is kept; help; voice; menu clicks; 取消 (the Router)

The next state is the first part of the form not yet answered (chat_draft.FILLED), so 修改 clears a
part and the same rule asks it again and comes back to the summary. wechat/routes.py wires the
public handlers below; the dialogue's state lives in the shared store (any worker continues it).
"""
from __future__ import annotations

from core.db import db
from submit import chat_confirm, chat_details, chat_steps, messages
from submit.chat_draft import FILLED, FORM, Draft, request_type
from submit.chat_flow import LEAVE_ACTIONS, DialogueTable, Step, register
from submit.guards import daily_limit, limit_message, may_submit
from submit.service import tickets_of_citizen
from wechat.inbound import Inbound
from wechat.menu import MenuKey
from wechat.replies import Reply, TextReply
from wechat.router import Context

DIALOGUE = "submit"
MENU_TYPES = {MenuKey.SUBMIT_COMPLAINT: "complaint", MenuKey.SUBMIT_HELP: "help",
              MenuKey.SUBMIT_SUGGESTION: "suggestion"}
START_WORDS = {"微受理": None, "我要反映": None, "反映问题": None, "提交诉求": None, "我要提交": None,
               "我要投诉": "complaint", "我要求助": "help", "我要咨询": "enquiry", "我要建议": "suggestion",
               "我要举报": "report", "我要表扬": "praise"}


def _form_step(name: str, ask, answer, enter=None) -> Step:
    return Step(ask, answer, FILLED[name], enter)


TABLE = register(DialogueTable(
    name=DIALOGUE, title="微受理", data=Draft, order=FORM, final="confirm",
    titled=lambda draft: draft.type_name,
    steps={
        "type": _form_step("type", chat_steps.ask_type, chat_steps.choose_type),
        "describe": _form_step("describe", chat_steps.ask_describe, chat_steps.describe),
        "category": _form_step("category", chat_steps.ask_category, chat_steps.choose_category,
                               enter=chat_steps.suggest_categories),
        "place": _form_step("place", chat_details.ask_place, chat_details.place),
        "photos": _form_step("photos", chat_details.ask_photos, chat_details.photos),
        "name": _form_step("name", chat_details.ask_name, chat_details.name),
        "phone": _form_step("phone", chat_details.ask_phone, chat_details.phone),
        "confidential": _form_step("confidential", chat_details.ask_confidential, chat_details.confidential),
        "enquiry": Step(chat_steps.ask_enquiry, chat_steps.after_enquiry),
        "confirm": Step(chat_confirm.summary, chat_confirm.confirm),
        "edit": Step(chat_confirm.ask_edit, chat_confirm.pick_field),
        "duplicate": Step(chat_confirm.ask_duplicate, chat_confirm.answer_duplicate),
    },
    fallbacks=[chat_details.take_photo, chat_details.take_location],
))


def start(openid: str, type_code: str | None = None) -> Reply:
    """A new submission (replacing any open dialogue), its type chosen when given; none when the citizen
    has reached today's limit (said before anything is typed; submit.guards counts at 确认)."""
    if not may_submit(openid):
        return TextReply(limit_message(daily_limit()))
    draft = Draft()
    kind = request_type(db.session, type_code) if type_code else None
    if kind is not None:
        draft.set_type(kind)
    previous = tickets_of_citizen(db.session, openid, limit=1)
    if previous:
        draft.last_name, draft.last_phone = previous[0].citizen_name, previous[0].phone
    return TABLE.begin(openid, draft, messages.START)


# --- the handlers wechat/routes.py wires ----------------------------------------------------------------
def start_from_menu(inbound: Inbound, context: Context) -> Reply:
    return start(inbound.openid, MENU_TYPES.get(inbound.event_key or ""))


def is_start_word(inbound: Inbound) -> bool:
    return inbound.kind == "text" and (inbound.text or "").strip() in START_WORDS


def start_from_text(inbound: Inbound, context: Context) -> Reply:
    return start(inbound.openid, START_WORDS.get((inbound.text or "").strip()))


def continue_dialogue(inbound: Inbound, context: Context) -> Reply | None:
    return TABLE.resume(inbound, context)


for _key in MENU_TYPES:
    LEAVE_ACTIONS[_key] = start_from_menu
