"""Shared state that must outlive one worker: dedup keys, dialogue state, tokens, rate limits.

One small interface, two backends: a table in the main database (the embedded default) and
Redis (when HOTLINE_REDIS_URL is set). Every key expires; values are strings (callers encode).
"""
from __future__ import annotations

import time
from typing import Protocol

from flask import current_app
from sqlalchemy import Engine, select, text
from werkzeug.local import LocalProxy

from core.models import SharedStateEntry


class SharedStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float) -> None: ...
    def add(self, key: str, value: str, ttl: float) -> bool:
        """Set only if absent (or expired); True when this call created the key."""
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        """Add to a counter; a new counter's window of `ttl` seconds starts with its first increment."""
    def counter(self, key: str) -> int:
        """Current value of a counter made by incr (0 when absent or expired)."""
    def ttl(self, key: str) -> float | None:
        """Seconds left before the key expires, None if absent."""
    def ping(self) -> None:
        """Raise if the backend cannot be reached."""
    def purge_expired(self) -> int: ...


_table = SharedStateEntry.__table__

# Plain SQL that SQLite (≥ 3.35) and PostgreSQL both speak; text() statements are compiled once and cached,
# where the equivalent ORM upserts were recompiled on every call (measured in bench/webhook).
_GET = text("SELECT value, counter, expires_at FROM shared_state WHERE key = :key AND expires_at > :now")
_SET = text(
    "INSERT INTO shared_state (key, value, counter, expires_at) VALUES (:key, :value, 0, :expires) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, counter = 0, expires_at = excluded.expires_at"
)
_ADD = text(
    "INSERT INTO shared_state (key, value, counter, expires_at) VALUES (:key, :value, 0, :expires) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, counter = 0, expires_at = excluded.expires_at "
    "WHERE shared_state.expires_at <= :now"
)
_INCR = text(
    "INSERT INTO shared_state (key, value, counter, expires_at) VALUES (:key, NULL, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "counter = CASE WHEN shared_state.expires_at <= :now THEN :amount ELSE shared_state.counter + :amount END, "
    "expires_at = CASE WHEN shared_state.expires_at <= :now THEN excluded.expires_at "
    "ELSE shared_state.expires_at END "
    "RETURNING counter"
)
_DELETE = text("DELETE FROM shared_state WHERE key = :key")
_PURGE = text("DELETE FROM shared_state WHERE expires_at <= :now")


class DatabaseStore:
    """Backend on the `shared_state` table, in its own short transactions (never the request's)."""

    def __init__(self, engine: Engine, prefix: str = ""):
        self.engine = engine
        self.prefix = prefix

    def _row(self, key: str):
        with self.engine.connect() as conn:
            return conn.execute(_GET, {"key": self.prefix + key, "now": time.time()}).first()

    def _write(self, statement, **params):
        with self.engine.begin() as conn:
            return conn.execute(statement, params)

    def get(self, key: str) -> str | None:
        row = self._row(key)
        return None if row is None else row.value

    def set(self, key: str, value: str, ttl: float) -> None:
        self._write(_SET, key=self.prefix + key, value=value, expires=time.time() + ttl)

    def add(self, key: str, value: str, ttl: float) -> bool:
        now = time.time()
        return self._write(_ADD, key=self.prefix + key, value=value, expires=now + ttl, now=now).rowcount == 1

    def delete(self, key: str) -> None:
        self._write(_DELETE, key=self.prefix + key)

    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            return conn.execute(_INCR, {"key": self.prefix + key, "amount": amount, "expires": now + ttl,
                                        "now": now}).scalar_one()

    def ttl(self, key: str) -> float | None:
        row = self._row(key)
        return None if row is None else max(0.0, row.expires_at - time.time())

    def counter(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row.counter

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(select(_table.c.key).limit(1))

    def purge_expired(self) -> int:
        return self._write(_PURGE, now=time.time()).rowcount


class RedisStore:
    """Backend on Redis: native expiry, atomic SET NX and INCR."""

    def __init__(self, client, prefix: str = ""):
        self.client = client
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        value = self.client.get(self.prefix + key)
        return None if value is None else value.decode()

    def set(self, key: str, value: str, ttl: float) -> None:
        self.client.set(self.prefix + key, value, px=max(1, int(ttl * 1000)))

    def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(self.client.set(self.prefix + key, value, px=max(1, int(ttl * 1000)), nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        full = self.prefix + key
        pipe = self.client.pipeline()
        pipe.incrby(full, amount)
        pipe.pexpire(full, max(1, int(ttl * 1000)), nx=True)
        value, _ = pipe.execute()
        return int(value)

    def ttl(self, key: str) -> float | None:
        millis = self.client.pttl(self.prefix + key)
        return None if millis < 0 else millis / 1000

    def counter(self, key: str) -> int:
        return int(self.client.get(self.prefix + key) or 0)

    def ping(self) -> None:
        self.client.ping()

    def purge_expired(self) -> int:
        return 0  # Redis expires keys itself.


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
