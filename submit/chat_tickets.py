"""我的工单 in chat: the citizen's own tickets, and one ticket's public history by its number.

The openid is WeChat's FromUserName (the push is signed), never something the citizen types; a number
that is not theirs gets the same answer as one that does not exist.
"""
from __future__ import annotations

import re

from flask import current_app

from core.dates import as_china, china_date
from core.db import db
from submit import messages
from submit.chat_flow import LEAVE_ACTIONS
from submit.models import Ticket
from submit.service import get_ticket_for_citizen, public_history, public_status_name, tickets_of_citizen
from wechat.inbound import Inbound
from wechat.menu import MenuKey
from wechat.replies import Reply, TextReply
from wechat.router import Context

SHOWN = 5
COUNTED = 100  # "共N件" counts up to this many
NUMBER = re.compile(r"[A-Z]{1,8}\d{14,15}")
SPACES = re.compile(r"[\s\-_]+")
HISTORY_NOTE = 120  # characters of a public note shown in chat (the H5 page has it whole)


def h5_url(path: str = "") -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/h5/tickets{path}"


def typed_number(text: str | None) -> str | None:
    """A ticket number as typed: any case, spaces or dashes inside (“ty 2026 1128 000123”)."""
    compact = SPACES.sub("", text or "").upper()
    return compact if NUMBER.fullmatch(compact) else None


def is_ticket_number(inbound: Inbound) -> bool:
    return inbound.kind == "text" and typed_number(inbound.text) is not None


def _line(number: int, ticket: Ticket) -> str:
    return messages.MY_TICKET_LINE.format(number=number, ticket_number=ticket.number, title=ticket.title,
                                          status=public_status_name(ticket.status),
                                          deadline=china_date(ticket.deadline_at))


def my_tickets(inbound: Inbound, context: Context) -> Reply:
    tickets = tickets_of_citizen(db.session, inbound.openid, limit=COUNTED)
    if not tickets:
        return TextReply(messages.NO_TICKETS)
    lines = [_line(number, ticket) for number, ticket in enumerate(tickets[:SHOWN], 1)]
    total = f"{len(tickets)}+" if len(tickets) == COUNTED else str(len(tickets))
    text = "\n".join([messages.MY_TICKETS_HEAD.format(total=total, shown=min(SHOWN, len(tickets))), *lines, "",
                      messages.MY_TICKETS_TAIL.format(url=h5_url())])
    return TextReply(text, more_url=h5_url())


def _history(ticket: Ticket) -> str:
    lines = []
    for event in public_history(ticket):
        line = messages.HISTORY_LINE.format(at=as_china(event.at), status=event.status_name or event.kind)
        note = event.note if len(event.note) <= HISTORY_NOTE else event.note[:HISTORY_NOTE] + "…"
        lines.append(f"{line}\n  {note}" if note else line)
    return "\n".join(lines)


def show_ticket(inbound: Inbound, context: Context) -> Reply:
    number = typed_number(inbound.text) or ""
    ticket = get_ticket_for_citizen(db.session, number, inbound.openid)
    if ticket is None:
        return TextReply(messages.TICKET_NOT_FOUND.format(number=number))
    url = h5_url(f"/{ticket.number}")
    return TextReply(messages.TICKET_DETAIL.format(
        number=ticket.number, title=ticket.title, type=ticket.request_type.name, category=ticket.category.name,
        status=public_status_name(ticket.status), received=as_china(ticket.received_at),
        deadline=china_date(ticket.deadline_at), history=_history(ticket), url=url), more_url=url)


LEAVE_ACTIONS[MenuKey.MY_TICKETS] = my_tickets
