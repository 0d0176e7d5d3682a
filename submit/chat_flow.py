"""Dialogue as data (python-telegram-bot's ConversationHandler, for WeChat): a DialogueTable holds its
steps by state name, the form's order, and fallbacks; each step is a short function returning an
Outcome. The state lives in the shared store (wechat.dialogue), so any worker takes the next step.

Every save bumps the dialogue's `turn` and schedules `end_if_idle` idle_seconds() later
(HOTLINE_DIALOGUE_IDLE_SECONDS, 30 minutes): if the dialogue has not been touched since, it ends and
the citizen is told through 客服.
"""
from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from flask import current_app

from core.jobs import job
from submit import messages
from wechat import dialogue
from wechat.dialogue import Dialogue
from wechat.inbound import Inbound
from wechat.messages import HELP_WORDS
from wechat.notify import enqueue_notification
from wechat.replies import Reply, TextReply
from wechat.router import Context

STORE_GRACE = 10 * 60  # the stored state outlives the idle job, which decides and says so


@dataclass
class DialogueData:
    """What every dialogue keeps; feature dialogues subclass it with their fields (JSON values only)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    turn: int = 0
    touched: float = 0.0
    resume: str = ""  # the state to go back to after "leave?"
    leave_key: str = ""  # the menu key clicked mid-dialogue

    @classmethod
    def from_dict(cls, data: dict):
        names = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class Turn:
    inbound: Inbound
    context: Context
    draft: Any  # the table's DialogueData subclass
    state: str

    @property
    def text(self) -> str:
        return (self.inbound.text or "").strip() if self.inbound.kind == "text" else ""

    @property
    def word(self) -> str:
        """The text as a command word: lower case, no surrounding punctuation or spaces."""
        return self.text.strip(" 。.!！?？~～、，,").lower()


@dataclass(frozen=True)
class Next:
    """The answer was taken: ask what the form still lacks."""
    note: str = ""


@dataclass(frozen=True)
class Goto:
    state: str
    note: str = ""


@dataclass(frozen=True)
class Again:
    """Not taken: say what is wrong (and, with reask, ask the step's question again)."""
    problem: str
    reask: bool = False


@dataclass(frozen=True)
class Finish:
    """The dialogue ends with this reply."""
    reply: Reply


@dataclass(frozen=True)
class Done:
    """The step has ended or replaced the dialogue itself; just reply."""
    reply: Reply


Outcome = Next | Goto | Again | Finish | Done


@dataclass(frozen=True)
class Step:
    ask: Callable[[Any], str]  # the question, from the draft
    answer: Callable[[Turn], Outcome]
    filled: Callable[[Any], bool] | None = None  # part of the form: is it answered?
    enter: Callable[[Any], None] | None = None  # prepare the draft when the step begins


Fallback = Callable[[Turn], Outcome | None]  # None: not this fallback's push


@dataclass
class DialogueTable:
    name: str  # the wechat.dialogue name the Router knows it by
    title: str  # how citizens hear of it (【投诉】, 评价)
    data: type  # DialogueData subclass
    steps: dict[str, Step]
    order: list[str]  # the form: the first step not filled comes next
    final: str  # the step when everything is filled
    fallbacks: list[Fallback] = field(default_factory=list)  # before the step's own answer
    titled: Callable[[Any], str] | None = None  # a title from the draft (e.g. the request type)

    def title_of(self, draft) -> str:
        return (self.titled(draft) if self.titled else "") or self.title

    def next_step(self, draft) -> str:
        return next((name for name in self.order if not self.steps[name].filled(draft)), self.final)

    def begin(self, openid: str, draft, note: str = "") -> Reply:
        return self._enter(openid, draft, self.next_step(draft), note)

    def _enter(self, openid: str, draft, state: str, note: str = "") -> Reply:
        step = self.steps[state]
        if step.enter is not None:
            step.enter(draft)
        save(openid, self, state, draft)
        return TextReply("\n\n".join(filter(None, [note, step.ask(draft)])))

    def apply(self, openid: str, draft, state: str, outcome: Outcome) -> Reply:
        if isinstance(outcome, Finish):
            dialogue.end(openid)
            return outcome.reply
        if isinstance(outcome, Done):
            return outcome.reply
        if isinstance(outcome, Again):
            save(openid, self, state, draft)
            parts = [outcome.problem, self.steps[state].ask(draft) if outcome.reask else ""]
            return TextReply("\n\n".join(filter(None, parts)))
        target = outcome.state if isinstance(outcome, Goto) else self.next_step(draft)
        return self._enter(openid, draft, target, outcome.note)

    def resume(self, inbound: Inbound, context: Context) -> Reply | None:
        """The Router's dialogue handler: take the push as the answer to the current step."""
        draft = self.data.from_dict(context.dialogue.data)
        if time.time() - draft.touched > idle_seconds():  # the idle job has not run (yet)
            dialogue.end(inbound.openid)
            return TextReply(idle_ended(self.title_of(draft)))
        turn = Turn(inbound, context, draft, context.dialogue.step)
        if turn.state not in self.steps:
            dialogue.end(inbound.openid)
            return None
        for fallback in [*self.fallbacks, *COMMON_FALLBACKS]:
            outcome = fallback(turn)
            if outcome is not None:
                return self.apply(inbound.openid, draft, turn.state, outcome)
        if inbound.kind != "text":
            return None  # follows, menu views, automatic location reports…: the table answers
        return self.apply(inbound.openid, draft, turn.state, self.steps[turn.state].answer(turn))


TABLES: dict[str, DialogueTable] = {}
LEAVE_ACTIONS: dict[str, Callable[[Inbound, Context], Reply]] = {}  # menu key → what it does, once left


def register(table: DialogueTable) -> DialogueTable:
    table.steps.setdefault(LEAVE, Step(ask_leave(table), answer_leave(table)))
    TABLES[table.name] = table
    return table


def idle_seconds() -> int:
    return current_app.config["DIALOGUE_IDLE_SECONDS"]


def idle_ended(title: str) -> str:
    seconds = idle_seconds()
    idle = f"{seconds // 60}分钟" if seconds >= 60 else f"{seconds}秒"
    return messages.IDLE_ENDED.format(idle=idle, title=title)


def save(openid: str, table: DialogueTable, state: str, draft: DialogueData) -> None:
    draft.turn += 1
    draft.touched = time.time()
    dialogue.save(openid, Dialogue(table.name, state, asdict(draft)), idle_seconds=idle_seconds() + STORE_GRACE)
    end_if_idle.schedule((openid, table.name, draft.id, draft.turn), delay=idle_seconds())


@job(retries=2, retry_delay=30)
def end_if_idle(openid: str, name: str, dialogue_id: str, turn: int) -> bool:
    """Job: end the dialogue if it is still where it was `turn` saves ago, and tell the citizen."""
    current = dialogue.current(openid)
    if (current is None or current.name != name or current.data.get("id") != dialogue_id
            or current.data.get("turn") != turn):
        return False
    if not dialogue.end_unchanged(openid, current):  # the citizen answered just now: their step wins
        return False
    table = TABLES.get(name)
    title = table.title_of(table.data.from_dict(current.data)) if table else ""
    enqueue_notification(openid, idle_ended(title))
    return True


# --- what every dialogue does: help, voice not recognised, a menu click asks whether to leave --------
LEAVE = "leave"


def _help(turn: Turn) -> Outcome | None:
    if turn.inbound.kind == "text" and turn.word in HELP_WORDS and turn.state != LEAVE:
        return Again(messages.IN_DIALOGUE_HELP.format(title=TABLES[turn.context.dialogue.name].title_of(turn.draft)),
                     reask=True)
    return None


def _voice(turn: Turn) -> Outcome | None:
    return Again(messages.VOICE_NOT_RECOGNISED) if turn.inbound.kind == "voice" else None


def _menu_click(turn: Turn) -> Outcome | None:
    inbound = turn.inbound
    if inbound.kind != "event" or inbound.event != "click":
        return None
    if turn.state != LEAVE:
        turn.draft.resume = turn.state
    turn.draft.leave_key = inbound.event_key or ""
    return Goto(LEAVE)


COMMON_FALLBACKS: list[Fallback] = [_help, _voice, _menu_click]


def ask_leave(table: DialogueTable):
    return lambda draft: messages.ASK_LEAVE.format(title=table.title_of(draft))


def answer_leave(table: DialogueTable):
    def answer(turn: Turn) -> Outcome:
        if turn.word in messages.NO_WORDS:
            return Goto(turn.draft.resume or table.next_step(turn.draft), messages.RESUMED)
        if turn.word not in messages.YES_WORDS:
            return Again(messages.LEAVE_HINT)
        dialogue.end(turn.inbound.openid)
        action = LEAVE_ACTIONS.get(turn.draft.leave_key)
        if action is None:
            return Done(TextReply(messages.LEFT))
        click = dataclasses.replace(turn.inbound, kind="event", event="click", event_key=turn.draft.leave_key,
                                    text=None)  # the click, as it would have been routed
        return Done(action(click, dataclasses.replace(turn.context, dialogue=None)))

    return answer
