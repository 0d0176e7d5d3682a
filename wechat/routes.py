"""The routing table: which handler answers which push, in order. Feature packages plug in here."""
from __future__ import annotations

from query.web import chat as query_chat
from submit import chat as submit_chat
from submit import chat_rating, chat_tickets
from submit.emergency import advise_first
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


def build_router() -> Router:
    routes = [
        Route("follow", event("subscribe", "subscribe_scan"), handlers.follow),
        Route("scan", event("scan"), handlers.scan),
        Route("unfollow", event("unsubscribe"), handlers.unfollow),
        Route("help", text_in(messages.HELP_WORDS), handlers.show_help),
        Route("menu:help", click(MenuKey.HELP), handlers.show_help),
        Route("menu:query-ask", click(MenuKey.QUERY_ASK), query_chat.prompt),
        Route("menu:query-hot", click(MenuKey.QUERY_HOT), query_chat.hot_questions),
        Route("menu:submit", click(*SUBMIT_KEYS), submit_chat.start_from_menu),
        Route("menu:tickets", click(MenuKey.MY_TICKETS), chat_tickets.my_tickets),
        Route("menu:rate", click(MenuKey.MY_RATE), chat_rating.start_from_menu),
        Route("location", is_location, handlers.location),
        Route("voice", kind("voice"), handlers.voice_not_recognised),
        Route("image", kind("image"), handlers.image),
        Route("submit:start", submit_chat.is_start_word, submit_chat.start_from_text),
        Route("submit:rate", chat_rating.is_rating_request, chat_rating.start_from_text),
        Route("ticket-number", chat_tickets.is_ticket_number, chat_tickets.show_ticket),
        # Free text naming an emergency (submit/emergency.yaml) gets whom to call first, then the answer;
        # the dialogues below are wrapped the same way, so the advice comes first wherever text is answered.
        Route("query", kind("text"), advise_first(query_chat.ask)),
        Route("media", kind("video", "shortvideo", "link", "file"), handlers.unsupported),
        Route("other-event", kind("event"), handlers.silent),
    ]
    return Router(routes, dialogues={query_chat.CHOICE_DIALOGUE: advise_first(query_chat.pick_choice),
                                     submit_chat.DIALOGUE: advise_first(submit_chat.continue_dialogue),
                                     chat_rating.DIALOGUE: advise_first(chat_rating.continue_dialogue)})
