"""Parse a pushed message into one neutral, immutable Inbound value.

The body is parsed with xmltodict (expat) after refusing DTDs outright, so no entity or external
reference is ever expanded. Anything that is not a well-formed WeChat push raises MalformedPush.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from xml.parsers.expat import ExpatError

import xmltodict

from core.privacy import mask_openid

MAX_BODY_BYTES = 64 * 1024  # real pushes are a few hundred bytes; a 客服 text is at most 2 KB


class MalformedPush(ValueError):
    """Not a WeChat push we can read: the reason is logged, the citizen gets `success`."""


@dataclass(frozen=True)
class Inbound:
    openid: str
    account: str  # ToUserName: our gh_ id
    kind: str  # text image voice video shortvideo location link event (or what WeChat sent)
    created_at: int
    msg_id: str | None = None
    event: str | None = None  # lower case: subscribe, unsubscribe, scan, location, click, view, ...
    event_key: str | None = None
    text: str | None = None  # Content; for voice, the Recognition when WeChat gives one
    media_id: str | None = None
    pic_url: str | None = None
    voice_format: str | None = None
    thumb_media_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: float | None = None
    scale: int | None = None
    label: str | None = None
    title: str | None = None
    description: str | None = None
    url: str | None = None
    raw: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @property
    def dedup_key(self) -> str:
        """MsgId; for events (which have none) FromUserName + CreateTime + Event + EventKey."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.openid}:{self.created_at}:{self.event or ''}:{self.event_key or ''}"

    @property
    def log_key(self) -> str:
        """What logs may say about the push: the MsgId, or the event with the openid masked (PIPL)."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{mask_openid(self.openid)}:{self.created_at}:{self.event or ''}"

    @property
    def qr_scene(self) -> str | None:
        """The scene of a follow or scan through a parametric QR code."""
        if self.event in {"subscribe", "subscribe_scan"} and self.event_key:
            return self.event_key.removeprefix("qrscene_") or None
        if self.event == "scan":
            return self.event_key or None
        return None


def _number(value, kind=float):
    try:
        return kind(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedPush("a field has nested elements")


def parse_xml(body: bytes | str) -> dict:
    data = body.encode() if isinstance(body, str) else body
    if len(data) > MAX_BODY_BYTES:
        raise MalformedPush(f"body of {len(data)} bytes is over the cap")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise MalformedPush("a DTD or entity declaration")
    try:
        document = xmltodict.parse(data, disable_entities=True)
    except (ExpatError, ValueError) as exc:
        raise MalformedPush(f"not XML: {exc}") from exc
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise MalformedPush("no <xml> root element")
    return root


def to_inbound(fields: dict) -> Inbound:
    get = lambda name: _text(fields.get(name))  # noqa: E731
    openid, kind, created = get("FromUserName"), get("MsgType"), _number(get("CreateTime"), int)
    if not openid or not kind or created is None:
        raise MalformedPush("FromUserName, MsgType or CreateTime missing")
    kind = kind.strip().lower()
    event = (get("Event") or "").strip().lower() or None
    location = (fields.get("SendLocationInfo") or {}) if event == "location_select" else {}
    return Inbound(
        openid=openid, account=get("ToUserName") or "", kind=kind, created_at=created,
        msg_id=get("MsgId") or get("MsgID") if kind != "event" else None,
        event=event if kind == "event" else None,
        event_key=get("EventKey"),
        text=get("Content") if kind == "text" else (get("Recognition") or None) if kind == "voice" else None,
        media_id=get("MediaId"), pic_url=get("PicUrl"), voice_format=get("Format"),
        thumb_media_id=get("ThumbMediaId"),
        latitude=_number(get("Location_X") or get("Latitude") or _text(location.get("Location_X"))),
        longitude=_number(get("Location_Y") or get("Longitude") or _text(location.get("Location_Y"))),
        precision=_number(get("Precision")),
        scale=_number(get("Scale") or _text(location.get("Scale")), int),
        label=get("Label") or _text(location.get("Label")),
        title=get("Title"), description=get("Description"), url=get("Url"),
        raw=MappingProxyType(dict(fields)),
    )


def parse_push(body: bytes | str) -> Inbound:
    return to_inbound(parse_xml(body))
