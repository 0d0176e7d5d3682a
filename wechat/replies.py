"""Neutral replies that handlers return; wechat/outbound.py turns them into WeChat XML."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextReply:
    text: str
    # Where the rest can be read when the text is too long for one chat message.
    more_url: str | None = None


@dataclass(frozen=True)
class NewsReply:
    """One article (WeChat allows one per passive reply)."""

    title: str
    description: str
    url: str
    picurl: str = ""


@dataclass(frozen=True)
class NoReply:
    """Answer `success`: nothing to say now (what follows, if anything, goes through 客服)."""


Reply = TextReply | NewsReply | NoReply
NO_REPLY = NoReply()


def reply_to_dict(reply: Reply) -> dict:
    """A plain dict (for the job queue and the dedup store)."""
    if isinstance(reply, TextReply):
        return {"type": "text", "text": reply.text, "more_url": reply.more_url}
    if isinstance(reply, NewsReply):
        return {"type": "news", "title": reply.title, "description": reply.description, "url": reply.url,
                "picurl": reply.picurl}
    return {"type": "none"}


def reply_from_dict(data: dict) -> Reply:
    kind = data.get("type")
    if kind == "text":
        return TextReply(data["text"], data.get("more_url"))
    if kind == "news":
        return NewsReply(data["title"], data["description"], data["url"], data.get("picurl", ""))
    return NO_REPLY
