"""Outbound WeChat API: one access token for every worker and host, messages, menu, JS-SDK ticket, media.

The token and the jsapi_ticket live in the shared store (core.state). Refreshing happens under a lock
in that store: one caller fetches, the others wait briefly and re-read (no stampede). A call rejected
for its token (40001/40014/42001) forces one refresh and is retried once.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable

import requests
from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_BASE = "https://api.weixin.qq.com"
DEFAULT_TIMEOUT = 5.0
TOKEN_KEY = "wechat:access_token"
TOKEN_LOCK_KEY = "wechat:token_lock"
TICKET_KEY = "wechat:jsapi_ticket"
TICKET_LOCK_KEY = "wechat:ticket_lock"
LOCK_TTL = 10  # seconds; longer than one token fetch (timeout 5 s)
LOCK_POLL = 0.05
EXPIRY_MARGIN = 300  # refresh 5 minutes before WeChat's expiry

# Our own codes for failures that never got a WeChat answer.
SYSTEM_BUSY = -1  # WeChat's own "system busy"
NETWORK_ERROR = -2  # connection failure, timeout, HTTP error status
BAD_RESPONSE = -3  # a body that is not the JSON WeChat promises
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
WINDOW_EXPIRED = 45015  # 客服: more than 48 h since the citizen's last message
OUT_OF_QUOTA = 45047  # 客服: too many messages since the citizen's last message
TRANSIENT_ERRORS = frozenset({SYSTEM_BUSY, NETWORK_ERROR, BAD_RESPONSE, 45011})

_TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s'\"]+")


class WeChatAPIError(Exception):
    """A WeChat errcode, or one of our negative codes when WeChat could not be reached."""

    def __init__(self, errcode: int, errmsg: str = "", path: str = ""):
        super().__init__(f"WeChat API error {errcode}: {errmsg}" + (f" ({path})" if path else ""))
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path

    def __reduce__(self):
        return self.__class__, (self.errcode, self.errmsg, self.path)

    @property
    def transient(self) -> bool:
        """Worth retrying later (network, system busy, minute quota)."""
        return self.errcode in TRANSIENT_ERRORS


def _redact(text: str) -> str:
    return _TOKEN_IN_TEXT.sub(r"\1***", text)


def _field_values(data: dict) -> dict:
    """Template fields: {"thing1": "x"} or {"thing1": {"value": "x"}} → WeChat's {"thing1": {"value": "x"}}."""
    return {name: value if isinstance(value, dict) else {"value": str(value)} for name, value in data.items()}


class WeChatAPI:
    def __init__(self, app_id: str, app_secret: str, store, base_url: str = DEFAULT_BASE,
                 timeout: float = DEFAULT_TIMEOUT):
        self.app_id = app_id
        self.app_secret = app_secret
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()  # one requests.Session per thread

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    # --- HTTP -------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, params=None, body=None, stream=False) -> requests.Response:
        data, headers = None, {}
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            resp = self.session.request(method, self.base_url + path, params=params, data=data, headers=headers,
                                        timeout=self.timeout, stream=stream)
        except requests.RequestException as exc:
            # The exception text holds the URL, and so the token: never pass it on unredacted.
            raise WeChatAPIError(NETWORK_ERROR, _redact(f"{type(exc).__name__}: {exc}"), path) from None
        if resp.status_code >= 400:
            resp.close()
            raise WeChatAPIError(NETWORK_ERROR, f"HTTP {resp.status_code}", path)
        return resp

    @staticmethod
    def _parse(content: bytes, path: str) -> dict:
        try:
            data = json.loads(content)
        except ValueError:
            raise WeChatAPIError(BAD_RESPONSE, f"not JSON: {content[:80]!r}", path) from None
        if not isinstance(data, dict):
            raise WeChatAPIError(BAD_RESPONSE, "JSON is not an object", path)
        errcode = data.get("errcode") or 0
        if errcode != 0:
            raise WeChatAPIError(int(errcode), str(data.get("errmsg", "")), path)
        return data

    def call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
        """One API call with the shared token; the JSON answer, or WeChatAPIError."""
        def attempt(token: str) -> dict:
            resp = self._request(method, path, params={"access_token": token, **(params or {})}, body=body)
            return self._parse(resp.content, path)

        return self._authorized(attempt)

    def _authorized(self, attempt: Callable[[str], object]):
        token = self.access_token()
        try:
            return attempt(token)
        except WeChatAPIError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.warning("WeChat rejected the access token (%s on %s); refreshing once", exc.errcode, exc.path)
        return attempt(self._shared(TOKEN_KEY, TOKEN_LOCK_KEY, lambda: self._fetch_token(True), stale=token))

    # --- shared token and ticket ------------------------------------------------------------------

    def access_token(self) -> str:
        return self._shared(TOKEN_KEY, TOKEN_LOCK_KEY, lambda: self._fetch_token(False))

    def jsapi_ticket(self) -> str:
        """The JS-SDK ticket (7200 s), shared like the token."""
        def fetch() -> tuple[str, int]:
            data = self.call("GET", "/cgi-bin/ticket/getticket", params={"type": "jsapi"})
            if not data.get("ticket"):
                raise WeChatAPIError(BAD_RESPONSE, "no ticket in answer", "/cgi-bin/ticket/getticket")
            return data["ticket"], int(data.get("expires_in", 7200))

        return self._shared(TICKET_KEY, TICKET_LOCK_KEY, fetch)

    def _fetch_token(self, force: bool) -> tuple[str, int]:
        path = "/cgi-bin/stable_token"
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret,
                "force_refresh": force}
        data = self._parse(self._request("POST", path, body=body).content, path)
        if not data.get("access_token"):
            raise WeChatAPIError(BAD_RESPONSE, "no access_token in answer", path)
        expires_in = int(data.get("expires_in", 7200))
        log.info("WeChat access token fetched (force_refresh=%s, expires_in=%s)", force, expires_in)
        return data["access_token"], expires_in

    def _shared(self, key: str, lock_key: str, fetch: Callable[[], tuple[str, int]], stale: str | None = None) -> str:
        """The value under `key` unless it is `stale`; else one caller fetches it under the lock."""
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_TTL + 2
        while True:
            value = self.store.get(key)
            if value and value != stale:
                return value
            if self.store.add(lock_key, owner, ttl=LOCK_TTL):
                try:
                    value = self.store.get(key)  # the previous holder may have just stored it
                    if value and value != stale:
                        return value
                    value, expires_in = fetch()
                    self.store.set(key, value, ttl=max(expires_in - EXPIRY_MARGIN, expires_in / 2))
                    return value
                finally:
                    if self.store.get(lock_key) == owner:
                        self.store.delete(lock_key)
            if time.monotonic() > deadline:
                raise WeChatAPIError(NETWORK_ERROR, f"waited too long for another worker to refresh {key}")
            time.sleep(LOCK_POLL)

    # --- messages -----------------------------------------------------------------------------------

    def send_text(self, openid: str, text: str) -> dict:
        """客服 text message (within 48 h of the citizen's last message; 45015/45047 otherwise)."""
        return self.call("POST", "/cgi-bin/message/custom/send",
                         body={"touser": openid, "msgtype": "text", "text": {"content": text}})

    def send_news(self, openid: str, title: str, description: str, url: str, picurl: str = "") -> dict:
        """客服 news message with one article."""
        article = {"title": title, "description": description, "url": url, "picurl": picurl}
        return self.call("POST", "/cgi-bin/message/custom/send",
                         body={"touser": openid, "msgtype": "news", "news": {"articles": [article]}})

    def send_template(self, openid: str, template_id: str, data: dict, url: str | None = None,
                      client_msg_id: str | None = None) -> dict:
        """Template message; `client_msg_id` makes WeChat drop a repeat within 10 minutes."""
        body = {"touser": openid, "template_id": template_id, "data": _field_values(data)}
        if url:
            body["url"] = url
        if client_msg_id:
            body["client_msg_id"] = client_msg_id
        return self.call("POST", "/cgi-bin/message/template/send", body=body)

    def send_subscription(self, openid: str, template_id: str, data: dict, page: str | None = None) -> dict:
        """Subscription message (the citizen agreed to receive it)."""
        body = {"touser": openid, "template_id": template_id, "data": _field_values(data)}
        if page:
            body["page"] = page
        return self.call("POST", "/cgi-bin/message/subscribe/bizsend", body=body)

    def create_menu(self, menu: dict) -> dict:
        return self.call("POST", "/cgi-bin/menu/create", body=menu)

    # --- media ----------------------------------------------------------------------------------------

    def download_media(self, media_id: str, *, max_bytes: int | None = None) -> tuple[bytes, str]:
        """Temporary media as (bytes, content type). With `max_bytes`, reading stops after max_bytes + 1
        bytes, so an oversized file shows as longer than the limit without being read whole."""
        path = "/cgi-bin/media/get"

        def attempt(token: str) -> tuple[bytes, str]:
            resp = self._request("GET", path, params={"access_token": token, "media_id": media_id}, stream=True)
            with resp:
                content_type = resp.headers.get("Content-Type", "application/octet-stream")
                content_type = content_type.split(";")[0].strip().lower()
                chunks, size = [], 0
                try:
                    for chunk in resp.iter_content(64 * 1024):
                        chunks.append(chunk)
                        size += len(chunk)
                        if max_bytes is not None and size > max_bytes:
                            break
                except requests.RequestException as exc:
                    raise WeChatAPIError(NETWORK_ERROR, _redact(f"{type(exc).__name__}: {exc}"), path) from None
            content = b"".join(chunks)
            if content_type in ("application/json", "text/plain") and content[:1] == b"{":
                self._parse(content, path)  # WeChat's errors come as JSON (errcode 40007 ...)
            return content, content_type

        return self._authorized(attempt)


def wechat_api() -> WeChatAPI:
    """The client of the current app (one per app, shared by its threads)."""
    app = current_app._get_current_object()
    api = app.extensions.get("wechat_api")
    if api is None:
        api = WeChatAPI(app.config["WECHAT_APP_ID"], app.config["WECHAT_APP_SECRET"], app.extensions["shared_state"],
                        base_url=app.config.get("WECHAT_API_BASE") or DEFAULT_BASE,
                        timeout=float(app.config.get("WECHAT_API_TIMEOUT", DEFAULT_TIMEOUT)))
        api = app.extensions.setdefault("wechat_api", api)
    return api
