"""Tell a citizen something later: 客服 message first, a template message when the 48 h window is shut."""
from __future__ import annotations

import logging
import uuid

from flask import current_app

from core.jobs import job
from wechat.api import OUT_OF_QUOTA, WINDOW_EXPIRED, WeChatAPIError, wechat_api

log = logging.getLogger(__name__)

CHANNEL_CUSTOM = "custom"
CHANNEL_TEMPLATE = "template"
FALLBACK_ERRORS = frozenset({WINDOW_EXPIRED, OUT_OF_QUOTA})


def notify_citizen(openid: str, text: str, *, template_id: str | None = None, template_data: dict | None = None,
                   url: str | None = None, client_msg_id: str | None = None) -> str:
    """Deliver `text`; returns the channel that took it (CHANNEL_CUSTOM or CHANNEL_TEMPLATE).

    The template fallback needs `template_data` (its fields depend on the template chosen in the console)
    and a template id: `template_id`, else the setting WECHAT_TEMPLATE_PROGRESS. Without them, or on any
    other error, WeChatAPIError is raised.
    """
    api = wechat_api()
    try:
        api.send_text(openid, text)
        return CHANNEL_CUSTOM
    except WeChatAPIError as exc:
        template_id = template_id or current_app.config.get("WECHAT_TEMPLATE_PROGRESS")
        if exc.errcode not in FALLBACK_ERRORS or not template_id or not template_data:
            raise
        log.info("客服 message refused (%s); sending template %s instead", exc.errcode, template_id)
    api.send_template(openid, template_id, template_data, url=url, client_msg_id=client_msg_id)
    return CHANNEL_TEMPLATE


@job(retries=5, retry_delay=30, retry_backoff=2)
def send_later(openid: str, text: str, *, template_id: str | None = None, template_data: dict | None = None,
               url: str | None = None, client_msg_id: str | None = None) -> dict:
    """Job around notify_citizen: transient errors (network, system busy) are retried with backoff,
    permanent ones are not. Returns {"channel": ...} or {"channel": None, "errcode", "errmsg"}."""
    try:
        return {"channel": notify_citizen(openid, text, template_id=template_id, template_data=template_data,
                                          url=url, client_msg_id=client_msg_id)}
    except WeChatAPIError as exc:
        if exc.transient:
            raise
        log.warning("could not notify a citizen: %s", exc)
        return {"channel": None, "errcode": exc.errcode, "errmsg": exc.errmsg}


def enqueue_notification(openid: str, text: str, **options):
    """Queue send_later with a client_msg_id fixed now, so its retries never send a template twice."""
    options.setdefault("client_msg_id", uuid.uuid4().hex)
    return send_later(openid, text, **options)

