"""What the end-to-end tests of 微受理 share: citizens talking to a real gunicorn over HTTP with the
simulator's own client code (WeChat's retries included), and a citizen's H5 browser session."""
from __future__ import annotations

import itertools
import re
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from config import DEMO_SECRETS
from tests.support import csrf_token_from
from wechat.outbound import cdata
from wechat.simulator import WeChatSimulator, http_sender

COPIES = 3
KEY_FIELD = re.compile(r'name="key" value="([^"]*)"')


def scale_out(backend: str, postgres_url: str = "", redis_url: str = "") -> dict:
    """PostgreSQL + Redis settings for the "postgres+redis" run (none for the embedded default)."""
    if backend == "sqlite":
        return {}
    return {"HOTLINE_DATABASE_URL": postgres_url, "HOTLINE_REDIS_URL": redis_url,
            "HOTLINE_STATE_PREFIX": f"e2e-{time.time_ns()}:"}


class Storm:
    """One citizen whose every message WeChat delivers `copies` times at once (workers race for it)."""

    def __init__(self, service, openid: str, copies: int = COPIES):
        self.openid = openid
        self.senders = [WeChatSimulator(http_sender(f"{service.base}/wechat"), DEMO_SECRETS["WECHAT_TOKEN"],
                                        openid=openid) for _ in range(copies)]
        self.msg_ids = itertools.count(time.time_ns() // 1000)
        self.second = int(time.time())

    def push(self, kind: str, **fields) -> str:
        self.second += 1  # each push its own CreateTime (clicks are deduplicated on it)
        fields = {"MsgId": next(self.msg_ids), **fields} if kind != "event" else fields
        body = "".join(f"<{name}>{cdata(str(value))}</{name}>" for name, value in fields.items())
        xml = (f"<xml><ToUserName>{cdata('gh_minsheng')}</ToUserName><FromUserName>{cdata(self.openid)}"
               f"</FromUserName><CreateTime>{self.second}</CreateTime><MsgType>{cdata(kind)}</MsgType>{body}</xml>")
        copies = len(self.senders)
        with ThreadPoolExecutor(max_workers=copies) as pool:
            replies = list(pool.map(WeChatSimulator.deliver, self.senders, [xml] * copies))
        texts = {reply.text for reply in replies}
        assert [reply.status for reply in replies] == [200] * copies and len(texts) == 1, texts
        return texts.pop() or ""

    def says(self, text: str) -> str:
        return self.push("text", Content=text)

    def clicks(self, key: str) -> str:
        return self.push("event", Event="CLICK", EventKey=key)


class Browser:
    """A citizen's H5 session over HTTP, signed in through the demo's dev login (as WeChat's OAuth would)."""

    def __init__(self, service, openid: str):
        self.base, self.openid = service.base, openid
        self.http = requests.Session()
        page = self.http.get(f"{self.base}/wechat/h5/dev-login", timeout=10).text
        signed = self.http.post(f"{self.base}/wechat/h5/dev-login", timeout=10, allow_redirects=False,
                                data={"csrf_token": csrf_token_from(page), "openid": openid})
        assert signed.status_code == 302, signed.text[:300]

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=10, allow_redirects=False)

    def new_form(self) -> dict:
        """A fresh submission form's hidden fields (CSRF token and idempotency key)."""
        html = self.get("/h5/submit/").text
        return {"csrf_token": csrf_token_from(html), "key": KEY_FIELD.search(html).group(1)}

    def submit(self, hidden: dict, **fields) -> requests.Response:
        """Post a form (a new requests session with this one's cookies, so threads may send at once)."""
        http = requests.Session()
        http.cookies.update(self.http.cookies)
        return http.post(f"{self.base}/h5/submit/", data={**hidden, **fields}, timeout=30, allow_redirects=False)
