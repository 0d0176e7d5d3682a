"""回访 in chat: the citizen rates a closed ticket (是否解决, 满意度, an optional comment); an unsolved or
unsatisfied answer offers 重办. A dialogue table like the submission's (submit/chat_flow.py):

    entry points   menu 评价办理 (MY_RATE), or “评价” / “评价 TY20261128000123” typed
    states         pick (when several tickets wait) → solved → satisfaction → comment → reopen (if offered)

The ticket is looked up again by number and openid at each write, so only the citizen's own ticket that
still waits for its rating is rated (submit.followup decides; its Chinese refusals are shown as they are).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.db import db
from faq.fields import clean_text
from submit import messages
from submit.chat_flow import (
    LEAVE_ACTIONS,
    Again,
    DialogueData,
    DialogueTable,
    Finish,
    Goto,
    Next,
    Outcome,
    Step,
    Turn,
    register,
)
from submit.chat_tickets import typed_number
from submit.errors import SubmitError
from submit.followup import (
    MAX_COMMENT,
    SATISFACTION,
    SOLVED,
    InvalidRating,
    awaiting_rating,
    offers_reopen,
    rate_ticket,
    reopen_by_citizen,
)
from submit.models import Ticket
from submit.service import get_ticket_for_citizen, tickets_of_citizen
from wechat.inbound import Inbound
from wechat.menu import MenuKey
from wechat.replies import Reply, TextReply
from wechat.router import Context

DIALOGUE = "rating"
SHOWN = 5
LOOKED_AT = 50  # the citizen's latest tickets searched for ones waiting for a rating
REOPEN_YES = {"1", "是", "申请重办", "重办", "需要", "要"}
REOPEN_NO = {"2", "否", "不用", "不用了", "不需要", "算了"}


@dataclass
class RatingDraft(DialogueData):
    number: str = ""
    title: str = ""
    choices: list[list[str]] = field(default_factory=list)  # [number, title] of the tickets to pick from
    solved: str = ""
    satisfaction: str = ""
    comment: str | None = None  # None: not answered yet; "": skipped


def _numbered(options: dict[str, str]) -> str:
    return "\n".join(f"{number}. {label}" for number, label in enumerate(options.values(), 1))


def _chosen(word: str, options: dict[str, str]) -> str | None:
    """The option's code for its number or its words."""
    codes = list(options)
    if word.isdigit() and 1 <= int(word) <= len(codes):
        return codes[int(word) - 1]
    return next((code for code, label in options.items() if word == label), None)


# --- steps ------------------------------------------------------------------------------------------
def ask_pick(draft: RatingDraft) -> str:
    lines = [messages.RATE_PICK_LINE.format(number=index, ticket_number=number, title=title)
             for index, (number, title) in enumerate(draft.choices, 1)]
    return messages.RATE_PICK.format(count=len(draft.choices), lines="\n".join(lines))


def pick(turn: Turn) -> Outcome:
    draft, word = turn.draft, turn.word
    if not (word.isdigit() and 1 <= int(word) <= len(draft.choices)):
        return Again(messages.RATE_PICK_HINT.format(last=len(draft.choices)))
    draft.number, draft.title = draft.choices[int(word) - 1]
    return Next()


def ask_solved(draft: RatingDraft) -> str:
    return messages.ASK_SOLVED.format(number=draft.number, title=draft.title, lines=_numbered(SOLVED))


def solved(turn: Turn) -> Outcome:
    turn.draft.solved = _chosen(turn.word, SOLVED) or ""
    return Next() if turn.draft.solved else Again(messages.SOLVED_HINT)


def ask_satisfaction(draft: RatingDraft) -> str:
    return messages.ASK_SATISFACTION.format(lines=_numbered(SATISFACTION))


def satisfaction(turn: Turn) -> Outcome:
    turn.draft.satisfaction = _chosen(turn.word, SATISFACTION) or ""
    return Next() if turn.draft.satisfaction else Again(messages.SATISFACTION_HINT)


def ask_comment(draft: RatingDraft) -> str:
    return messages.ASK_COMMENT.format(maximum=MAX_COMMENT)


def comment(turn: Turn) -> Outcome:
    draft = turn.draft
    text = "" if turn.word in messages.SKIP_WORDS else clean_text(turn.text, multiline=True)
    if len(text) > MAX_COMMENT:
        return Again(messages.COMMENT_LONG.format(maximum=MAX_COMMENT, count=len(text)))
    draft.comment = text
    ticket = get_ticket_for_citizen(db.session, draft.number, turn.inbound.openid)
    if ticket is None:
        return Finish(TextReply(messages.RATE_NOT_WAITING.format(number=draft.number)))
    try:
        rating = rate_ticket(db.session, ticket, solved=draft.solved, satisfaction=draft.satisfaction, comment=text,
                             source="wechat")
        db.session.commit()
    except InvalidRating as exc:
        db.session.rollback()
        return Finish(TextReply("；".join(error.message for error in exc.errors)))
    if offers_reopen(rating):
        return Goto("reopen", messages.RATED)
    return Finish(TextReply(messages.RATED))


def ask_reopen(draft: RatingDraft) -> str:
    return messages.ASK_REOPEN.format(number=draft.number)


def reopen(turn: Turn) -> Outcome:
    draft = turn.draft
    if turn.word in REOPEN_NO:
        return Finish(TextReply(messages.NOT_REOPENED))
    if turn.word not in REOPEN_YES:
        return Again(messages.REOPEN_HINT)
    ticket = get_ticket_for_citizen(db.session, draft.number, turn.inbound.openid)
    if ticket is None:
        return Finish(TextReply(messages.RATE_NOT_WAITING.format(number=draft.number)))
    try:
        reopen_by_citizen(db.session, ticket, openid=turn.inbound.openid, reason=draft.comment or "")
        db.session.commit()
    except SubmitError as exc:  # ReopenRefused or a workflow refusal: their Chinese message
        db.session.rollback()
        return Finish(TextReply(str(exc)))
    return Finish(TextReply(messages.REOPENED.format(number=draft.number)))


TABLE = register(DialogueTable(
    name=DIALOGUE, title=messages.RATE_TITLE, data=RatingDraft,
    order=["pick", "solved", "satisfaction", "comment"], final="reopen",
    steps={
        "pick": Step(ask_pick, pick, lambda draft: bool(draft.number)),
        "solved": Step(ask_solved, solved, lambda draft: bool(draft.solved)),
        "satisfaction": Step(ask_satisfaction, satisfaction, lambda draft: bool(draft.satisfaction)),
        "comment": Step(ask_comment, comment, lambda draft: draft.comment is not None),
        "reopen": Step(ask_reopen, reopen),
    },
))


# --- entry points ---------------------------------------------------------------------------------------
def waiting_tickets(openid: str) -> list[Ticket]:
    """The citizen's tickets waiting for a rating, newest first."""
    return [ticket for ticket in tickets_of_citizen(db.session, openid, limit=LOOKED_AT) if awaiting_rating(ticket)]


def start(openid: str, number: str | None = None) -> Reply:
    waiting = waiting_tickets(openid)
    if number is not None:
        waiting = [ticket for ticket in waiting if ticket.number == number]
        if not waiting:
            return TextReply(messages.RATE_NOT_WAITING.format(number=number))
    if not waiting:
        return TextReply(messages.RATE_NONE)
    draft = RatingDraft()
    if len(waiting) == 1:
        draft.number, draft.title = waiting[0].number, waiting[0].title
    else:
        draft.choices = [[ticket.number, ticket.title] for ticket in waiting[:SHOWN]]
    return TABLE.begin(openid, draft)


def start_from_menu(inbound: Inbound, context: Context) -> Reply:
    return start(inbound.openid)


def _asked(text: str | None) -> tuple[bool, str | None]:
    """(is it “评价” with at most a ticket number after it, that number)."""
    text = (text or "").strip()
    word = next((word for word in sorted(messages.RATE_WORDS, key=len, reverse=True) if text.startswith(word)), None)
    if word is None:
        return False, None
    rest = text[len(word):].strip(" ：:")
    number = typed_number(rest) if rest else None
    return (not rest or number is not None), number


def is_rating_request(inbound: Inbound) -> bool:
    return inbound.kind == "text" and _asked(inbound.text)[0]


def start_from_text(inbound: Inbound, context: Context) -> Reply:
    return start(inbound.openid, _asked(inbound.text)[1])


def continue_dialogue(inbound: Inbound, context: Context) -> Reply | None:
    return TABLE.resume(inbound, context)


LEAVE_ACTIONS[MenuKey.MY_RATE] = start_from_menu
