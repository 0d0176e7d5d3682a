"""A push's way through the adapter: authenticate, open, parse, dedup, route within budget, render, seal."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask

from wechat import dedup, dialogue, messages, outbound
from wechat.budget import Overran, run_within
from wechat.crypto import DecryptFailed, Envelope, InvalidSignature, check_signature
from wechat.inbound import Inbound, MalformedPush, parse_push, parse_xml, to_inbound
from wechat.replies import NoReply, Reply, TextReply, reply_to_dict
from wechat.router import Context, Router

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    status: int
    body: str


FORBIDDEN = Response(403, "forbidden")
NOT_ALLOWED = Response(405, "method not allowed")
SUCCESS = Response(200, outbound.SUCCESS)


class Webhook:
    not_allowed = NOT_ALLOWED

    def __init__(self, app: Flask, router: Router):
        config = app.config
        self.app = app
        self.router = router
        self.token = config["WECHAT_TOKEN"]
        self.envelope = Envelope(config["WECHAT_TOKEN"], config["WECHAT_APP_ID"],
                                 [config["WECHAT_AES_KEY"], config.get("WECHAT_AES_KEY_PREVIOUS")])
        self.budget = config["WECHAT_REPLY_BUDGET"]
        self.max_age = config["WECHAT_MAX_PUSH_AGE"]
        self.more_url = config["PUBLIC_URL"].rstrip("/") + "/h5/"

    def _authentic(self, args) -> bool:
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            check_signature(args.get("signature"), self.token, timestamp, nonce)
        except InvalidSignature:
            return False
        return True

    def verify(self, args) -> Response:
        """GET: WeChat checks that this server holds the token."""
        if not self._authentic(args):
            return FORBIDDEN
        return Response(200, args.get("echostr", ""))

    def receive(self, args, body: bytes) -> Response:
        if not self._authentic(args):
            log.warning("push refused: bad signature")
            return FORBIDDEN
        if not self._fresh(args.get("timestamp", "")):
            log.warning("push refused: timestamp %r outside the window", args.get("timestamp"))
            return FORBIDDEN
        try:
            inbound, key_index = self._open(args, body)
        except InvalidSignature:
            log.warning("push refused: bad msg_signature")
            return FORBIDDEN
        except (MalformedPush, DecryptFailed) as exc:
            log.warning("unreadable push answered with success: %s: %s", type(exc).__name__, exc)
            return SUCCESS
        reply_body = self._reply_once(inbound)
        if key_index is None or reply_body == outbound.SUCCESS:
            return Response(200, reply_body)
        return Response(200, self.envelope.seal(reply_body, key_index, args.get("nonce", ""),
                                                args.get("timestamp") or str(int(time.time()))))

    def _fresh(self, timestamp: str) -> bool:
        try:
            return abs(time.time() - int(timestamp)) <= self.max_age
        except ValueError:
            return False

    def _open(self, args, body: bytes) -> tuple[Inbound, int | None]:
        if args.get("encrypt_type", "raw").lower() != "aes":
            return parse_push(body), None
        encrypted = parse_xml(body).get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise MalformedPush("safe mode push without <Encrypt>")
        plaintext, key_index = self.envelope.open(encrypted, args.get("msg_signature"), args.get("timestamp", ""),
                                                  args.get("nonce", ""))
        return to_inbound(parse_xml(plaintext)), key_index

    def _reply_once(self, inbound: Inbound) -> str:
        if not dedup.claim(inbound.dedup_key):
            log.info("retry of %s answered with the first reply", inbound.log_key)
            return dedup.first_reply(inbound.dedup_key, wait_seconds=self.budget) or outbound.SUCCESS
        try:
            reply = run_within(self.budget, lambda: self._route(inbound), late=self._deliver_late(inbound))
        except Overran:
            log.warning("%s overran the %.1f s budget: answered success, reply follows via 客服",
                        inbound.log_key, self.budget)
            reply = NoReply()
        except Exception:
            log.exception("handler failed on %s", inbound.log_key)
            reply = TextReply(messages.FALLBACK)
        body = outbound.render(reply, inbound, int(time.time()), self.more_url)
        dedup.remember(inbound.dedup_key, body)
        return body

    def _route(self, inbound: Inbound) -> Reply:
        with self.app.app_context():
            context = Context(dialogue=dialogue.current(inbound.openid), city_name=self.app.config["CITY_NAME"],
                              public_url=self.app.config["PUBLIC_URL"])
            route, reply = self.router.dispatch(inbound, context)
            log.info("%s %s/%s → %s", inbound.log_key, inbound.kind, inbound.event or "-", route)
            return reply

    def _deliver_late(self, inbound: Inbound):
        def deliver(future) -> None:
            if future.exception() is not None:
                log.error("late handler failed on %s", inbound.log_key, exc_info=future.exception())
                return
            reply = future.result()
            if not isinstance(reply, NoReply):
                from wechat.tasks import deliver_reply

                deliver_reply(inbound.openid, reply_to_dict(reply))

        return deliver
