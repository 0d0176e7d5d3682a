"""Citizen identity on H5 pages: WeChat web OAuth (snsapi_base), the openid in the server session.

The openid is only ever read from the server session (`current_openid`): never from a query
parameter, form field, header or cookie the page controls. `require_openid` sends a visitor
without one through WeChat's OAuth, or (demo/test mode, outside WeChat) to the dev login.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from functools import wraps
from urllib.parse import urlencode

import requests
from flask import current_app, redirect, render_template, request, session, url_for

from core.redirects import safe_next
from core.sessions import renew_session_id
from core.state import state as store

log = logging.getLogger(__name__)

AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
SCOPE = "snsapi_base"
STATE_TTL = 600  # seconds an OAuth `state` stays valid
CODE_TTL = 300  # WeChat codes live 5 minutes: remember used ones that long
HTTP_TIMEOUT = 5
MAX_PENDING = 5  # concurrent sign-ins (tabs) kept in the session; oldest dropped
OPENID_RE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
CODE_RE = re.compile(r"^[\x21-\x7e]{1,128}$")  # printable ASCII, bounded (it becomes a store key)
SESSION_KEY = "openid"
PENDING_KEY = "oauth_pending"
KEEP_ON_SIGN_IN = ("care_mode",)  # preferences that survive a change of identity
DEFAULT_NEXT = "/"


class OAuthError(Exception):
    """The code could not be exchanged for an openid."""

    def __init__(self, reason: str, status: int, errcode: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.errcode = errcode


def current_openid() -> str | None:
    """The citizen's openid from the server session, or None."""
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) and OPENID_RE.match(value) else None


def in_wechat() -> bool:
    return "MicroMessenger" in (request.user_agent.string or "")


def dev_login_allowed() -> bool:
    return bool(current_app.config.get("DEMO") or current_app.testing)


def render_message(status: int, title: str, desc: str, *, icon: str = "warn",
                   action_url: str | None = None, action_label: str = "重新进入"):
    page = render_template("wechat/message.html", title=title, desc=desc, icon=icon,
                           action_url=action_url, action_label=action_label)
    return page, status


def begin_sign_in(next_path: str):
    """The response that starts identifying the citizen, then lands on `next_path`."""
    next_path = safe_next(next_path)
    if not in_wechat():
        if dev_login_allowed():
            return redirect(url_for("wechat_identity.dev_login", next=next_path))
        return render_message(403, "请在微信中打开",
                              "本页面需要识别您的微信身份，请在微信中关注本市12345公众号，"
                              "从公众号菜单或消息中打开本页面。")
    return redirect(authorize_url(new_state(next_path)))


def require_openid(view):
    """View decorator: the view runs only for a citizen identified in the server session."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_openid() is None:
            # A POST (or other unsafe method) cannot be replayed after a redirect: go home instead.
            target = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else DEFAULT_NEXT
            return begin_sign_in(target)
        return view(*args, **kwargs)

    return wrapped


def callback_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("wechat_identity.oauth_callback")


def authorize_url(state_value: str) -> str:
    params = {
        "appid": current_app.config["WECHAT_APP_ID"],
        "redirect_uri": callback_url(),
        "response_type": "code",
        "scope": SCOPE,
        "state": state_value,
    }
    return f"{AUTHORIZE_URL}?{urlencode(params)}#wechat_redirect"


def new_state(next_path: str) -> str:
    """A fresh random `state`, remembered in the session with where to go afterwards."""
    now = time.time()
    pending = {key: value for key, value in (session.get(PENDING_KEY) or {}).items()
               if isinstance(value, list) and len(value) == 2 and value[1] > now}
    value = secrets.token_urlsafe(24)
    pending[value] = [safe_next(next_path), now + STATE_TTL]
    newest = sorted(pending.items(), key=lambda item: item[1][1])[-MAX_PENDING:]
    session[PENDING_KEY] = dict(newest)
    return value


def consume_state(value: str) -> str | None:
    """The `next` path stored with this state, consuming it; None if unknown, expired or used."""
    if not value or len(value) > 128:
        return None
    pending = session.get(PENDING_KEY) or {}
    match = next((key for key in pending if hmac.compare_digest(key.encode(), value.encode())), None)
    if match is None:
        return None
    next_path, expires_at = pending[match]
    if expires_at <= time.time():
        return None
    # Single use across workers, even if an old copy of the session cookie is sent again.
    if not store.add("oauth_state:" + value, "1", STATE_TTL):
        return None
    remaining = {key: item for key, item in pending.items() if key != match}
    session[PENDING_KEY] = remaining
    return safe_next(next_path)


def claim_code(code: str) -> bool:
    """True the first time this code is seen (within its lifetime); False for a replay."""
    return store.add("oauth_code:" + code, "1", CODE_TTL)


def exchange_code(code: str) -> dict:
    """Ask WeChat for the openid behind `code`; raise OAuthError on any failure."""
    config = current_app.config
    url = config["WECHAT_API_BASE"].rstrip("/") + "/sns/oauth2/access_token"
    params = {"appid": config["WECHAT_APP_ID"], "secret": config["WECHAT_APP_SECRET"],
              "code": code, "grant_type": "authorization_code"}
    try:
        response = requests.get(url, params=params, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except requests.RequestException as exc:
        # Never log str(exc): requests puts the full URL, secret included, in its messages.
        log.warning("oauth code exchange failed: %s", type(exc).__name__)
        raise OAuthError("unreachable", 502) from None
    except ValueError:
        log.warning("oauth code exchange: response is not JSON")
        raise OAuthError("bad_response", 502) from None
    if not isinstance(data, dict):
        log.warning("oauth code exchange: unexpected response shape")
        raise OAuthError("bad_response", 502)
    if data.get("errcode"):
        log.warning("oauth code exchange refused: errcode=%s errmsg=%s", data.get("errcode"), data.get("errmsg"))
        raise OAuthError("errcode", 400, errcode=data.get("errcode"))
    if not isinstance(data.get("openid"), str) or not OPENID_RE.match(data["openid"]):
        log.warning("oauth code exchange: response without a valid openid")
        raise OAuthError("bad_response", 502)
    return data


def sign_in(openid: str) -> None:
    """Start a fresh session for this citizen: old keys dropped, preferences kept."""
    kept = {key: session[key] for key in KEEP_ON_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    session[SESSION_KEY] = openid
    session.permanent = True
    renew_session_id()


def sign_out() -> None:
    session.pop(SESSION_KEY, None)
