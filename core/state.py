"""Shared state that must outlive one worker: dedup keys, dialogue state, tokens, rate limits.

One small interface, two backends: a table in the main database (the embedded default) and
Redis (when HOTLINE_REDIS_URL is set). Every key expires; values are strings (callers encode).
"""
from __future__ import annotations

import time
from typing import Protocol

from flask import current_app
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
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


class DatabaseStore:
    """Backend on the `shared_state` table, in its own short transactions (never the request's)."""

    def __init__(self, engine: Engine, prefix: str = ""):
        self.engine = engine
        self.prefix = prefix
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def _live(self, key: str):
        return select(_table.c.value, _table.c.counter, _table.c.expires_at).where(
            _table.c.key == self.prefix + key, _table.c.expires_at > time.time()
        )

    def get(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(self._live(key)).first()
        return None if row is None else row.value

    def set(self, key: str, value: str, ttl: float) -> None:
        stmt = self._insert(_table).values(
            key=self.prefix + key, value=value, counter=0, expires_at=time.time() + ttl
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={"value": stmt.excluded.value, "counter": 0, "expires_at": stmt.excluded.expires_at},
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def add(self, key: str, value: str, ttl: float) -> bool:
        now = time.time()
        stmt = self._insert(_table).values(
            key=self.prefix + key, value=value, counter=0, expires_at=now + ttl
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={"value": stmt.excluded.value, "counter": 0, "expires_at": stmt.excluded.expires_at},
            where=_table.c.expires_at <= now,
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(_table).where(_table.c.key == self.prefix + key))

    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        now = time.time()
        stmt = self._insert(_table).values(
            key=self.prefix + key, value=None, counter=amount, expires_at=now + ttl
        )
        expired = _table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "counter": case((expired, amount), else_=_table.c.counter + amount),
                "expires_at": case((expired, now + ttl), else_=_table.c.expires_at),
            },
        ).returning(_table.c.counter)
        with self.engine.begin() as conn:
            return conn.execute(stmt).scalar_one()

    def ttl(self, key: str) -> float | None:
        with self.engine.connect() as conn:
            row = conn.execute(self._live(key)).first()
        return None if row is None else max(0.0, row.expires_at - time.time())

    def counter(self, key: str) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(self._live(key)).first()
        return 0 if row is None else row.counter

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(select(_table.c.key).limit(1))

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(_table).where(_table.c.expires_at <= time.time())).rowcount


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
