"""One place that turns errors into pages: Chinese HTML for people, JSON for API clients.

No stack trace ever reaches a user; a 500 rolls the session back and is logged with its request id.
"""
from __future__ import annotations

import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.db import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求有误，请检查后重试",
    403: "您没有权限访问此页面",
    404: "页面不存在或已被移除",
    405: "请求方式不正确",
    413: "提交的内容过大",
    429: "操作太频繁，请稍后再试",
    500: "系统繁忙，请稍后再试",
}
CSRF_MESSAGE = "页面已过期，请刷新后重新提交"


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.path.startswith("/api/")


def _render(status: int, message: str):
    if _wants_json():
        return {"error": status, "message": message}, status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return _render(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code, MESSAGES.get(error.code, error.name))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, MESSAGES[500])
