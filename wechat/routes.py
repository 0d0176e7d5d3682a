"""The routing table: which handler answers which push, in order. Feature packages plug in here."""
from __future__ import annotations

from query.web import chat as query_chat
from wechat import handlers, messages
from wechat.inbound import Inbound
from wechat.menu import MenuKey
from wechat.router import Route, Router


def event(*names: str):
    return lambda inbound: inbound.kind == "event" and inbound.event in names


def click(*keys: str):
    return lambda inbound: inbound.kind == "event" and inbound.event == "click" and inbound.event_key in keys


def kind(*kinds: str):
    return lambda inbound: inbound.kind in kinds


def text_in(words: set[str]):
    return lambda inbound: inbound.kind == "text" and (inbound.text or "").strip().lower() in words


def is_location(inbound: Inbound) -> bool:
    return inbound.kind == "location" or (inbound.kind == "event" and inbound.event in {"location",
                                                                                        "location_select"})


SUBMIT_KEYS = (MenuKey.SUBMIT_COMPLAINT, MenuKey.SUBMIT_HELP, MenuKey.SUBMIT_SUGGESTION)
TICKET_KEYS = (MenuKey.MY_TICKETS, MenuKey.MY_RATE)


def build_router() -> Router:
    routes = [
        Route("follow", event("subscribe", "subscribe_scan"), handlers.follow),
        Route("scan", event("scan"), handlers.scan),
        Route("unfollow", event("unsubscribe"), handlers.unfollow),
        Route("help", text_in(messages.HELP_WORDS), handlers.show_help),
        Route("menu:help", click(MenuKey.HELP), handlers.show_help),
        Route("menu:query-ask", click(MenuKey.QUERY_ASK), query_chat.prompt),
        Route("menu:query-hot", click(MenuKey.QUERY_HOT), query_chat.hot_questions),
        # Until 微受理 registers its handlers, its entries say so honestly.
        Route("menu:submit", click(*SUBMIT_KEYS), handlers.not_open("微受理")),
        Route("menu:tickets", click(*TICKET_KEYS), handlers.not_open("我的工单")),
        Route("location", is_location, handlers.location),
        Route("voice", kind("voice"), handlers.voice_not_recognised),
        Route("image", kind("image"), handlers.image),
        Route("query", kind("text"), query_chat.ask),
        Route("media", kind("video", "shortvideo", "link", "file"), handlers.unsupported),
        Route("other-event", kind("event"), handlers.silent),
    ]
    return Router(routes, dialogues={query_chat.CHOICE_DIALOGUE: query_chat.pick_choice})
