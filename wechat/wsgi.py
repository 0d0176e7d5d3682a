"""/wechat as a plain WSGI endpoint in front of Flask.

The webhook is the hot path in a surge and needs none of Flask's per-request machinery (routing,
sessions, CSRF, login, template error pages): skipping it saves CPU on every push (bench/webhook).
It keeps what matters: an application context, a request id in logs and in the response, and the
rule that nothing here ever answers a 5xx.
"""
from __future__ import annotations

import logging
import uuid

from werkzeug.wrappers import Request, Response

from core.logs import SAFE_REQUEST_ID, request_id
from wechat.inbound import MAX_BODY_BYTES
from wechat.webhook import SUCCESS, Webhook

log = logging.getLogger(__name__)
PATH = "/wechat"


class WebhookMiddleware:
    def __init__(self, flask_app, webhook: Webhook):
        self.flask_app = flask_app
        self.next_app = flask_app.wsgi_app
        self.webhook = webhook

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.next_app(environ, start_response)
        request = Request(environ)
        incoming = request.headers.get("X-Request-Id", "")
        rid = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        try:
            response = self._answer(request)
        finally:
            request_id.reset(token)
        kind = "application/xml" if response.body.startswith("<xml>") else "text/plain"
        return Response(response.body, response.status, {"Content-Type": f"{kind}; charset=utf-8",
                                                          "X-Request-Id": rid})(environ, start_response)

    def _answer(self, request: Request):
        try:
            with self.flask_app.app_context():
                if request.method == "GET":
                    return self.webhook.verify(request.args)
                if request.method == "POST":
                    return self.webhook.receive(request.args, request.stream.read(MAX_BODY_BYTES + 1))
                return self.webhook.not_allowed
        except Exception:
            log.exception("webhook failed; answered success")
            return SUCCESS
