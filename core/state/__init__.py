"""Shared state that must outlive one worker: dedup keys, dialogue state, tokens, rate limits.

One small interface, two backends: a table in the main database (the embedded default) and
Redis (when HOTLINE_REDIS_URL is set). Every key expires; values are strings (callers encode).
"""
from __future__ import annotations

from typing import Protocol

from flask import current_app
from sqlalchemy import Engine
from werkzeug.local import LocalProxy

from core.state.database import DatabaseStore
from core.state.redis import RedisStore

__all__ = ["DatabaseStore", "RedisStore", "SharedStore", "state"]


class SharedStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float) -> None: ...
    def add(self, key: str, value: str, ttl: float) -> bool:
        """Set only if absent (or expired); True when this call created the key."""
    def delete(self, key: str) -> None: ...
    def delete_if(self, key: str, value: str) -> bool:
        """Delete only if the key still holds `value` (compare-and-delete); True when it did."""
    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        """Add to a counter; a new counter's window of `ttl` seconds starts with its first increment."""
    def counter(self, key: str) -> int:
        """Current value of a counter made by incr (0 when absent or expired)."""
    def ttl(self, key: str) -> float | None:
        """Seconds left before the key expires, None if absent."""
    def ping(self) -> None:
        """Raise if the backend cannot be reached."""
    def purge_expired(self) -> int: ...


def make_store(app, engine: Engine) -> SharedStore:
    prefix = app.config["STATE_PREFIX"]
    if app.config.get("REDIS_URL"):
        import redis

        return RedisStore(redis.Redis.from_url(app.config["REDIS_URL"]), prefix)
    return DatabaseStore(engine, prefix)


def init_app(app) -> None:
    from core.db import db

    with app.app_context():
        app.extensions["shared_state"] = make_store(app, db.engine)


state: SharedStore = LocalProxy(lambda: current_app.extensions["shared_state"])
