"""JS-SDK `wx.config` parameters: the signature over the page URL with a cached jsapi_ticket.

The ticket itself comes from the caller (`ticket_source`, e.g. `wechat_api().jsapi_ticket`),
which owns fetching and caching it; this module only signs.
"""
from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable

from flask import current_app

NONCE_ALPHABET = string.ascii_letters + string.digits
NONCE_LENGTH = 16


def jssdk_signature(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """sha1 hex of the four fields in WeChat's fixed order; the URL is signed without its #fragment."""
    page_url = url.split("#", 1)[0]
    raw = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={page_url}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def new_nonce() -> str:
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def jssdk_config(url: str, ticket_source: Callable[[], str], *, app_id: str | None = None,
                 timestamp: int | None = None, nonce: str | None = None) -> dict:
    """The values for `wx.config({...})` on the page at `url` (its exact address, any #fragment ignored).

    `app_id` defaults to WECHAT_APP_ID of the current app; `timestamp` and `nonce` are fresh unless
    given (tests). The page adds `debug` and `jsApiList` itself.
    """
    if not url or not url.startswith(("http://", "https://")):
        raise ValueError("jssdk_config needs the page's absolute http(s) URL")
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    nonce = new_nonce() if nonce is None else nonce
    return {
        "appId": app_id if app_id is not None else current_app.config["WECHAT_APP_ID"],
        "timestamp": timestamp,
        "nonceStr": nonce,
        "signature": jssdk_signature(ticket_source(), nonce, timestamp, url),
    }
