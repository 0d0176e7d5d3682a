"""Render a Reply as the XML of a passive reply: To/From swapped, every CDATA escaped, text cut to 2048 bytes."""
from __future__ import annotations

import re

from wechat import messages
from wechat.inbound import Inbound
from wechat.replies import NewsReply, NoReply, Reply, TextReply

MAX_TEXT_BYTES = 2048
SUCCESS = "success"


# Characters XML 1.0 forbids even inside CDATA.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cdata(value: str) -> str:
    """A CDATA section that stays one section whatever the value holds (`]]>` split, controls dropped)."""
    return "<![CDATA[" + _NOT_XML.sub("", value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def fit_text(text: str, more_url: str, limit: int = MAX_TEXT_BYTES) -> str:
    """The text if it fits in `limit` UTF-8 bytes, else its head on a character boundary + a pointer."""
    if len(text.encode()) <= limit:
        return text
    tail = messages.TRUNCATED.format(url=more_url)
    room = limit - len(tail.encode())
    head = text.encode()[:room].decode("utf-8", errors="ignore")
    return head + tail


def render(reply: Reply, inbound: Inbound, now: int, default_more_url: str) -> str:
    """The plaintext reply body; `success` for NoReply."""
    if isinstance(reply, NoReply):
        return SUCCESS
    head = (f"<xml><ToUserName>{cdata(inbound.openid)}</ToUserName><FromUserName>{cdata(inbound.account)}"
            f"</FromUserName><CreateTime>{now}</CreateTime>")
    if isinstance(reply, TextReply):
        text = fit_text(reply.text, reply.more_url or default_more_url)
        return head + f"<MsgType><![CDATA[text]]></MsgType><Content>{cdata(text)}</Content></xml>"
    if isinstance(reply, NewsReply):
        item = (f"<item><Title>{cdata(reply.title)}</Title><Description>{cdata(reply.description)}</Description>"
                f"<PicUrl>{cdata(reply.picurl)}</PicUrl><Url>{cdata(reply.url)}</Url></item>")
        return (head + "<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount>"
                f"<Articles>{item}</Articles></xml>")
    raise TypeError(f"not a reply: {reply!r}")
