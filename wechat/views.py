"""/wechat: the webhook's HTTP edge. Never a 5xx: any failure is logged and answered `success`."""
import logging

from flask import Blueprint, current_app, request

from wechat.inbound import MAX_BODY_BYTES
from wechat.webhook import SUCCESS, Response

bp = Blueprint("wechat", __name__)
log = logging.getLogger(__name__)


def _send(response: Response):
    kind = "application/xml" if response.body.startswith("<xml>") else "text/plain"
    return response.body, response.status, {"Content-Type": f"{kind}; charset=utf-8"}


@bp.get("/wechat")
def verify():
    return _send(current_app.extensions["wechat_webhook"].verify(request.args))


@bp.post("/wechat")
def receive():
    try:
        body = request.stream.read(MAX_BODY_BYTES + 1)  # the parser refuses anything over the cap
        response = current_app.extensions["wechat_webhook"].receive(request.args, body)
    except Exception:
        log.exception("webhook failed; answered success")
        response = SUCCESS
    return _send(response)
