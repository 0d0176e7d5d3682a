"""Background jobs of 微受理: delivering the messages submit.notifications queued."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from core.db import db, utcnow
from core.jobs import job
from submit.models import TicketNotification

log = logging.getLogger(__name__)

DELIVERY_RETRIES = 5  # after 30 s, 1, 2, 4 and 8 minutes
MAX_ERROR = 300


@job(retries=DELIVERY_RETRIES, retry_delay=30, retry_backoff=2, context=True)
def deliver_notification(notification_id: int, task=None) -> str | None:
    """Send one queued message (客服, else the progress template) and record the outcome on its row.

    A transient WeChat error (network, system busy) is retried with backoff; the last failure, or a
    permanent error (blocked, unknown openid, no template configured), marks the row failed. Runs in a
    session of its own: it may run inline right after the staff action's commit (tests, JOBS_IMMEDIATE).
    Returns the row's status (None when the row is gone)."""
    from wechat.api import WeChatAPIError
    from wechat.notify import notify_citizen

    with Session(db.engine) as session:
        row = session.get(TicketNotification, notification_id)
        if row is None or row.status != "queued":
            return row.status if row else None
        row.attempts += 1
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
