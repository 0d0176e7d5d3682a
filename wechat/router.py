"""An ordered table of (predicate, handler): the first route that matches handles the push.

An open dialogue for the citizen comes first (取消 always leaves it); then the table in order.
A handler takes (Inbound, Context) and returns a Reply.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from wechat import dialogue, messages
from wechat.dialogue import Dialogue
from wechat.inbound import Inbound
from wechat.replies import NO_REPLY, Reply, TextReply


@dataclass(frozen=True)
class Context:
    dialogue: Dialogue | None
    city_name: str
    public_url: str


Handler = Callable[[Inbound, Context], Reply]
DialogueHandler = Callable[[Inbound, Context], Reply | None]
Predicate = Callable[[Inbound], bool]


@dataclass(frozen=True)
class Route:
    name: str
    matches: Predicate
    handle: Handler


def normalise(inbound: Inbound) -> Inbound:
    """A voice message WeChat recognised is routed as the text it says."""
    if inbound.kind == "voice" and inbound.text:
        return dataclasses.replace(inbound, kind="text")
    return inbound


def is_cancel(inbound: Inbound) -> bool:
    return inbound.kind == "text" and (inbound.text or "").strip().lower() in messages.CANCEL_WORDS


class Router:
    def __init__(self, routes: list[Route], dialogues: dict[str, DialogueHandler]):
        self.routes = routes
        self.dialogues = dialogues

    def dispatch(self, inbound: Inbound, context: Context) -> tuple[str, Reply]:
        """Return (name of the route that answered, its reply)."""
        inbound = normalise(inbound)
        open_dialogue = context.dialogue
        if open_dialogue is not None:
            if is_cancel(inbound):
                dialogue.end(inbound.openid)
                return "cancel", TextReply(messages.CANCELLED)
            continue_dialogue = self.dialogues.get(open_dialogue.name)
            if continue_dialogue is not None:
                reply = continue_dialogue(inbound, context)
                if reply is not None:  # None: the dialogue declines this push; the table answers it
                    return f"dialogue:{open_dialogue.name}", reply
        for route in self.routes:
            if route.matches(inbound):
                return route.name, route.handle(inbound, context)
        return "unmatched", NO_REPLY
