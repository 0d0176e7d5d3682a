"""GET /healthz: 200 when the database, the shared store and the job queue answer, else 503."""
from __future__ import annotations

import logging
import time

from flask import Blueprint, current_app
from sqlalchemy import text

from core.db import db
from core.state import state

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
_advisory: dict = {}


def health_part(name: str):
    """Register fn() -> dict as an advisory part of /healthz (e.g. a background job's last runs): shown
    with its own "ok", not counted in the status, so a failing job never takes the node out of service."""
    def register(check):
        _advisory[name] = check
        return check
    return register


def _probe(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 - a probe reports failures, it never raises
        log.warning("health probe failed: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    result = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail is not None:
        result.update(detail)
    return result


def _database():
    db.session.execute(text("SELECT 1"))
    return {"backend": db.engine.dialect.name}


def _shared_state():
    state.ping()
    return {"backend": "redis" if current_app.config.get("REDIS_URL") else "database"}


def _jobs():
    queue = current_app.extensions["jobs"]
    return {"backend": type(queue.storage).__name__, "pending": queue.storage.queue_size()}


@bp.get("/healthz")
def healthz():
    checks = {"database": _probe(_database), "shared_state": _probe(_shared_state), "jobs": _probe(_jobs)}
    healthy = all(check["ok"] for check in checks.values())
    checks.update({name: _probe(check) for name, check in _advisory.items()})
    return {"status": "ok" if healthy else "unavailable", "checks": checks}, 200 if healthy else 503
