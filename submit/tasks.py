"""Background jobs of 微受理: delivering the messages submit.notifications queued."""
from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db import db, utcnow
from core.jobs import job, periodic_job
from submit.models import TicketNotification

log = logging.getLogger(__name__)

DELIVERY_RETRIES = 5  # after 30 s, 1, 2, 4 and 8 minutes
MAX_ERROR = 300
STALLED_AFTER = timedelta(minutes=10)  # a queued message never tried by then lost its job
STALLED_BATCH = 500


def _claim(session: Session, row: TicketNotification) -> bool:
    """Take this attempt of the message: one worker wins even if its job was queued twice."""
    seen = row.attempts
    claimed = session.execute(update(TicketNotification).where(
        TicketNotification.id == row.id, TicketNotification.status == "queued", TicketNotification.attempts == seen)
        .values(attempts=seen + 1)).rowcount
    session.commit()
    return claimed == 1


@job(retries=DELIVERY_RETRIES, retry_delay=30, retry_backoff=2, context=True)
def deliver_notification(notification_id: int, task=None) -> str | None:
    """Send one queued message (客服, else the progress template) and record the outcome on its row.

    A transient WeChat error (network, system busy) is retried with backoff; the last failure, or a
    permanent error (blocked, unknown openid, no template configured), marks the row failed. Runs in a
    session of its own: it may run inline right after the staff action's commit (tests, JOBS_IMMEDIATE).
    Returns the row's status (None when the row is gone or another worker is sending it)."""
    from wechat.api import WeChatAPIError
    from wechat.notify import notify_citizen

    with Session(db.engine) as session:
        row = session.get(TicketNotification, notification_id)
        if row is None or row.status != "queued":
            return row.status if row else None
        if not _claim(session, row):
            return None
        try:
            row.channel = notify_citizen(row.openid, row.text, template_data=row.template_data, url=row.url,
                                         client_msg_id=row.client_msg_id)
            row.status = "sent"
        except Exception as exc:  # noqa: BLE001 - any failure is recorded; transient ones retried
            transient = not isinstance(exc, WeChatAPIError) or exc.transient
            row.error = str(exc)[:MAX_ERROR]
            if transient and task is not None and task.retries > 0:
                session.commit()
                log.info("notification %s: %s; will retry", notification_id, row.error)
                raise
            row.status = "failed"
            log.warning("notification %s failed after %s attempt(s): %s", notification_id, row.attempts, row.error)
        row.finished_at = utcnow()
        session.commit()
        return row.status


@periodic_job(crontab(minute="*/10"))
def resend_stalled_notifications() -> int:
    """Queue again the messages whose job never ran (the queue was down when the action committed)."""
    with Session(db.engine) as session:
        stalled = list(session.scalars(
            select(TicketNotification.id).where(TicketNotification.status == "queued",
                                                TicketNotification.attempts == 0,
                                                TicketNotification.created_at < utcnow() - STALLED_AFTER)
            .order_by(TicketNotification.id).limit(STALLED_BATCH)))
    for notification_id in stalled:
        deliver_notification(notification_id)
    return len(stalled)
