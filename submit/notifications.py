"""Messages to citizens about their tickets: dispatched, answered, closed (with the rating invitation),
reopened, merged.

queue_notifications runs inside the staff action's transaction (submit.workflow.transition): it
writes one TicketNotification row (status queued) per recipient — the ticket's own citizen when it
has an openid (WeChat and H5 tickets), and the citizens of tickets merged into it, each with their own
ticket's number and page. Only after the transaction commits are the delivery jobs queued
(submit.tasks.deliver_notification): a rolled-back action sends nothing, and neither the queue nor
WeChat can fail or slow the staff action. The job sends through wechat.notify (客服 message within
the 48-hour window, else the progress template) and marks the row sent or failed.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from reference.workdays import CHINA
from submit import tasks  # also registers the delivery job wherever the workflow is imported (consumer included)
from submit.models import Ticket, TicketEvent, TicketNotification

log = logging.getLogger(__name__)

PENDING_KEY = "submit.notifications"  # session.info: ids of rows to send once the transaction commits
MAX_REPLY_IN_MESSAGE = 120
TEXTS = {
    "dispatched": "【12345】您的工单 {number} 已转交{department}办理，办理时限至{deadline}。查看进度：{url}",
    "answered": "【12345】您的工单 {number} 有了答复：{reply}\n查看详情：{url}",
    "closed": "【12345】您的工单 {number} 已办结。您的问题解决了吗？请花一分钟评价：{url}",
    "reopened": "【12345】您的工单 {number} 已重新办理，我们会尽快处理并告知您结果。查看进度：{url}",
    "merged": "【12345】您的工单 {number} 与相同事项的工单合并办理，办理进展会继续通知您。查看：{url}",
}
# The progress template's fields (a WeChat template chosen in the 公众号 console, id in the setting
# WECHAT_TEMPLATE_PROGRESS): 工单编号, 办理状态 (phrase: at most 5 characters), 时间, 说明 (thing: ≤ 20).
TEMPLATE_STATUS = {"dispatched": "已派单", "answered": "已答复", "closed": "已办结", "reopened": "重新办理",
                   "merged": "已合并"}
TEMPLATE_NOTE = {"dispatched": "已转交承办单位办理", "answered": "承办单位已答复，点击查看",
                 "closed": "已办结，点击评价办理结果", "reopened": "已重新办理", "merged": "已与相同诉求合并办理"}


def ticket_url(number: str) -> str:
    """The citizen's H5 page of a ticket."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/h5/tickets/{number}"


def _china_time(moment: datetime, pattern: str) -> str:
    return moment.astimezone(CHINA).strftime(pattern) if moment.tzinfo else moment.strftime(pattern)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_text(kind: str, ticket: Ticket, event: TicketEvent, number: str) -> str:
    """The message of `kind` about `ticket` for the citizen of ticket `number` (the same, or merged into it)."""
    from submit.workflow_deadlines import aware

    day = aware(ticket.deadline_at).astimezone(CHINA)
    deadline = f"{day.month}月{day.day}日"
    department = ticket.department.name if ticket.department else "承办单位"
    return TEXTS[kind].format(number=number, department=department, deadline=deadline, url=ticket_url(number),
                              reply=_shorten(event.note, MAX_REPLY_IN_MESSAGE))


def template_data(kind: str, event: TicketEvent, number: str) -> dict:
    return {"character_string1": number, "phrase2": TEMPLATE_STATUS[kind],
            "time3": _china_time(event.at, "%Y-%m-%d %H:%M"), "thing4": TEMPLATE_NOTE[kind]}


def recipients(session: Session, ticket: Ticket) -> list[tuple[str, str]]:
    """(openid, ticket number) of everyone following `ticket`: its citizen and those of tickets merged into it."""
    own = [(ticket.citizen_openid, ticket.number)] if ticket.citizen_openid else []
    merged = session.execute(select(Ticket.citizen_openid, Ticket.number).where(
        Ticket.merged_into_id == ticket.id, Ticket.citizen_openid.is_not(None)).order_by(Ticket.id))
    return own + [(openid, number) for openid, number in merged]


def queue_notifications(session: Session, ticket: Ticket, event: TicketEvent, kind: str) -> list[TicketNotification]:
    """Write the messages of `event` (kind: see TEXTS) in the current transaction; jobs go after commit."""
    rows = []
    for openid, number in recipients(session, ticket):
        rows.append(TicketNotification(
            ticket_id=ticket.id, event_id=event.id, openid=openid, kind=kind,
            text=message_text(kind, ticket, event, number), url=ticket_url(number),
            template_data=template_data(kind, event, number), client_msg_id=uuid.uuid4().hex, status="queued"))
    if rows:
        session.add_all(rows)
        session.flush()
        session.info.setdefault(PENDING_KEY, []).extend(row.id for row in rows)
    return rows


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    for notification_id in pending:
        try:
            tasks.deliver_notification(notification_id)
        except Exception:  # noqa: BLE001 - the staff action has committed; the row stays queued
            log.exception("could not queue notification %s", notification_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def notifications_of(session: Session, ticket: Ticket) -> list[TicketNotification]:
    """The messages about a ticket and their outcome, oldest first (for the staff console)."""
    return list(session.scalars(select(TicketNotification).where(TicketNotification.ticket_id == ticket.id)
                                .order_by(TicketNotification.id)))


