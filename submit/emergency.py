"""Emergency diversion: a message that names an emergency first gets whom to call (119/120/110/122,
the gas line), then the usual answer.

The keyword list is data (submit/emergency.yaml, or the file of the setting EMERGENCY_FILE).
`advise_first(handler)` wraps any chat handler in the routing table (wechat/routes.py): the
adapter stays feature-agnostic, and the advice comes before 微查询's answer or the next question
of a dialogue, whichever handler answers the message.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app

from wechat.inbound import Inbound
from wechat.messages import FALLBACK
from wechat.replies import NewsReply, Reply, TextReply

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().with_name("emergency.yaml")
NOT_WORD = re.compile(r"[\W_]+")


class EmergencyFileError(ValueError):
    """The keyword file cannot be used; the message lists every problem."""


def compact(text: str | None) -> str:
    """What keywords are matched against: NFKC, lower case, no spaces or punctuation."""
    return NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


@dataclass(frozen=True)
class Service:
    code: str
    call: str
    advice: str
    keywords: tuple[str, ...]  # compacted


@dataclass(frozen=True)
class EmergencyList:
    heading: str
    footer: str
    services: tuple[Service, ...]
    not_emergency: tuple[str, ...]  # compacted

    def matches(self, text: str | None) -> list[Service]:
        """The services a message calls for, in the file's order."""
        words = compact(text)
        for phrase in self.not_emergency:
            words = words.replace(phrase, "|")
        return [service for service in self.services if any(word in words for word in service.keywords)]

    def advice(self, text: str | None) -> str | None:
        services = self.matches(text)
        if not services:
            return None
        lines = [f"· {service.advice}：{service.call}" for service in services]
        return "\n".join([self.heading, *lines, self.footer])


def parse(data: object, source: str = "emergency file") -> EmergencyList:
    """Validate the whole file; EmergencyFileError names every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("services"), list) or not data["services"]:
        raise EmergencyFileError(f"{source}: needs a non-empty `services:` list")
    services = []
    for index, row in enumerate(data["services"], 1):
        row = row if isinstance(row, dict) else {}
        keywords = tuple(compact(str(word)) for word in row.get("keywords") or [] if compact(str(word)))
        missing = [name for name in ("code", "call", "advice") if not str(row.get(name) or "").strip()]
        if missing or not keywords:
            problems.append(f"service {index}: missing {', '.join(missing + ([] if keywords else ['keywords']))}")
            continue
        services.append(Service(str(row["code"]), str(row["call"]).strip(), str(row["advice"]).strip(), keywords))
    if problems:
        raise EmergencyFileError(f"{source}: " + "; ".join(problems))
    return EmergencyList(str(data.get("heading") or "紧急情况请立即拨打："), str(data.get("footer") or ""),
                         tuple(services), tuple(filter(None, map(compact, data.get("not_emergency") or []))))


@functools.lru_cache(maxsize=4)
def _load(path: str, _mtime: float) -> EmergencyList:
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")), path)


def load(path: str | Path) -> EmergencyList:
    """The list in this file (re-read when the file changes)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)


def emergency_list() -> EmergencyList:
    """The configured list; a configured file that cannot be used is logged and the shipped one used."""
    configured = current_app.config.get("EMERGENCY_FILE")
    if configured:
        try:
            return load(configured)
        except (OSError, yaml.YAMLError, EmergencyFileError) as exc:
            log.error("EMERGENCY_FILE %s unusable, using the shipped list: %s", configured, exc)
    return load(DEFAULT_FILE)


def advice_for(text: str | None) -> str | None:
    """Whom to call, when the text names an emergency; None otherwise."""
    return emergency_list().advice(text) if text else None


def with_advice(advice: str, reply: Reply | None) -> TextReply:
    """The advice first, then what the handler said (a news article becomes its title and link)."""
    if isinstance(reply, TextReply):
        return TextReply(f"{advice}\n\n{reply.text}", reply.more_url)
    if isinstance(reply, NewsReply):
        return TextReply(f"{advice}\n\n{reply.title}\n{reply.url}", reply.url)
    return TextReply(advice)


def advise_first(handler):
    """Wrap a chat handler (a route's or a dialogue's): emergencies get the advice before its reply.
    A dialogue that declines the message (None) still declines: the table's handler advises then."""

    @functools.wraps(handler)
    def handle(inbound: Inbound, context):
        advice = advice_for(inbound.text) if inbound.kind == "text" else None
        if advice is None:
            return handler(inbound, context)
        try:
            reply = handler(inbound, context)
        except Exception:  # the advice must reach the citizen even when the answer fails
            log.exception("handler failed on a message naming an emergency")
            return TextReply(f"{advice}\n\n{FALLBACK}")
        return reply if reply is None else with_advice(advice, reply)

    return handle
