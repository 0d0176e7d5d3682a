"""A client that talks to the webhook exactly as WeChat does: signed, and encrypted in safe mode.

Used by `flask wechat chat` (for people), by the end-to-end tests (over HTTP against gunicorn),
and by unit tests (through Flask's test client).
"""
from __future__ import annotations

import itertools
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from wechat.crypto import Envelope, check_signature, sign
from wechat.inbound import parse_xml
from wechat.outbound import cdata

Send = Callable[[str, bytes], tuple[int, str]]  # (path with query, body) -> (status, body)


@dataclass(frozen=True)
class Received:
    status: int
    body: str
    fields: dict  # the reply's XML fields, decrypted; empty for `success` or an error

    @property
    def text(self) -> str | None:
        return self.fields.get("Content")

    @property
    def kind(self) -> str | None:
        return self.fields.get("MsgType")


def http_sender(url: str, timeout: float = 10) -> Send:
    import requests

    session = requests.Session()
    base = url.split("?")[0]

    def send(path_query: str, body: bytes) -> tuple[int, str]:
        response = session.post(base + path_query.removeprefix("/wechat"), data=body, timeout=timeout,
                                headers={"Content-Type": "text/xml"})
        return response.status_code, response.content.decode("utf-8", errors="replace")

    return send


class WeChatSimulator:
    def __init__(self, send: Send, token: str, app_id: str = "", aes_key: str = "", openid: str = "o-sim-citizen",
                 account: str = "gh_minsheng", safe: bool = False):
        self.send, self.token, self.openid, self.account, self.safe = send, token, openid, account, safe
        self.envelope = Envelope(token, app_id, [aes_key]) if safe else None
        self._msg_ids = itertools.count(random.randrange(10**17, 10**18))
        self.last: str | None = None
        self.clock: Callable[[], float] = time.time  # WeChat's clock (tests skew it)

    # What a citizen does -------------------------------------------------------------------------
    def text(self, content: str) -> Received:
        return self.push("text", Content=content, MsgId=next(self._msg_ids))

    def click(self, key: str) -> Received:
        return self.push("event", Event="CLICK", EventKey=key)

    def location(self, lat: float, lng: float, label: str = "") -> Received:
        return self.push("location", Location_X=lat, Location_Y=lng, Scale=16, Label=label, MsgId=next(self._msg_ids))

    def image(self, media_id: str, pic_url: str = "") -> Received:
        return self.push("image", PicUrl=pic_url, MediaId=media_id, MsgId=next(self._msg_ids))

    def voice(self, recognition: str = "", media_id: str = "voice-media") -> Received:
        return self.push("voice", MediaId=media_id, Format="amr", Recognition=recognition, MsgId=next(self._msg_ids))

    def follow(self, scene: str | None = None) -> Received:
        return self.push("event", Event="subscribe", EventKey=f"qrscene_{scene}" if scene else "")

    def unfollow(self) -> Received:
        return self.push("event", Event="unsubscribe")

    def retry(self) -> Received:
        """Deliver the last message again, as WeChat does when an answer is late."""
        if self.last is None:
            raise RuntimeError("nothing to retry yet")
        return self.deliver(self.last)

    # How WeChat sends it -------------------------------------------------------------------------
    def push(self, kind: str, **fields) -> Received:
        body = "".join(f"<{name}>{cdata(str(value)) if isinstance(value, str) else value}</{name}>"
                       for name, value in fields.items())
        xml = (f"<xml><ToUserName>{cdata(self.account)}</ToUserName><FromUserName>{cdata(self.openid)}"
               f"</FromUserName><CreateTime>{int(self.clock())}</CreateTime><MsgType>{cdata(kind)}</MsgType>"
               f"{body}</xml>")
        self.last = xml
        return self.deliver(xml)

    def deliver(self, xml: str) -> Received:
        timestamp, nonce = str(int(self.clock())), str(secrets.randbelow(10**10))
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                 "openid": self.openid}
        body = xml
        if self.envelope is not None:
            encrypted = self.envelope.ciphers[0].encrypt(xml, self.envelope.app_id).decode()
            query.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypted))
            body = f"<xml><ToUserName>{cdata(self.account)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        status, text = self.send("/wechat?" + urlencode(query), body.encode())
        return Received(status, text, self._read(status, text))

    def _read(self, status: int, text: str) -> dict:
        if status != 200 or not text.startswith("<xml>"):
            return {}
        fields = parse_xml(text)
        if self.envelope is None:
            return fields
        check_signature(fields.get("MsgSignature"), self.token, fields["TimeStamp"], fields["Nonce"],
                        fields["Encrypt"])
        plaintext, _ = self.envelope.open(fields["Encrypt"], fields["MsgSignature"], fields["TimeStamp"],
                                          fields["Nonce"])
        return parse_xml(plaintext)
