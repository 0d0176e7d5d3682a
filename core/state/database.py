"""The shared store on a table of the main database (the embedded default).

Each operation is one SQL statement on a connection of its own in autocommit mode, so it is atomic
by itself and never joins (or waits for) the request's transaction: `add` is an
INSERT … ON CONFLICT DO UPDATE … WHERE expired, so exactly one racer wins. The connections are plain
DBAPI connections, one per thread, opened lazily (and again after a fork): the per-message dedup
and dialogue look-ups cost about a third of what the same statements cost through an Engine
(bench/webhook). SQLite (≥ 3.35) and PostgreSQL run the same SQL.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import time

from sqlalchemy import Engine

from core.db import configure_sqlite
from core.models import SharedStateEntry

T = SharedStateEntry.__tablename__  # the table every statement below works on

_GET = f"SELECT value, counter, expires_at FROM {T} WHERE key = :key AND expires_at > :now"
_SET = (f"INSERT INTO {T} (key, value, counter, expires_at) VALUES (:key, :value, 0, :expires) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, counter = 0, expires_at = excluded.expires_at")
_ADD = _SET + f" WHERE {T}.expires_at <= :now"
_INCR = (f"INSERT INTO {T} (key, value, counter, expires_at) VALUES (:key, NULL, :amount, :expires) "
         "ON CONFLICT (key) DO UPDATE SET "
         f"counter = CASE WHEN {T}.expires_at <= :now THEN :amount ELSE {T}.counter + :amount END, "
         f"expires_at = CASE WHEN {T}.expires_at <= :now THEN excluded.expires_at "
         f"ELSE {T}.expires_at END RETURNING counter")
_DELETE = f"DELETE FROM {T} WHERE key = :key"
_DELETE_IF = f"DELETE FROM {T} WHERE key = :key AND value = :value AND expires_at > :now"
_PURGE = f"DELETE FROM {T} WHERE expires_at <= :now"
_PING = f"SELECT 1 FROM {T} LIMIT 1"


def _connector(engine: Engine):
    """A function opening an autocommit DBAPI connection to the engine's database, and the SQL dialect."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        def connect():
            connection = sqlite3.connect(url.database, isolation_level=None, check_same_thread=False)
            configure_sqlite(connection)
            return connection

        return connect, lambda sql: sql
    import psycopg

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return (lambda: psycopg.connect(conninfo, autocommit=True)), lambda sql: re.sub(r":(\w+)", r"%(\1)s", sql)


class DatabaseStore:
    def __init__(self, engine: Engine, prefix: str = ""):
        self.prefix = prefix
        self._connect, translate = _connector(engine)
        self._sql = {name: translate(sql) for name, sql in
                     {"get": _GET, "set": _SET, "add": _ADD, "incr": _INCR, "delete": _DELETE, "delete_if": _DELETE_IF,
                      "purge": _PURGE,
                      "ping": _PING}.items()}
        self._local = threading.local()

    def _run(self, name: str, **params):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use in this thread, or in a forked child
            local.connection, local.pid = self._connect(), os.getpid()
        try:
            return local.connection.execute(self._sql[name], params)
        except Exception:
            local.pid = None  # a broken connection is replaced on the next call
            raise

    def _row(self, key: str):
        return self._run("get", key=self.prefix + key, now=time.time()).fetchone()

    def get(self, key: str) -> str | None:
        row = self._row(key)
        return None if row is None else row[0]

    def set(self, key: str, value: str, ttl: float) -> None:
        self._run("set", key=self.prefix + key, value=value, expires=time.time() + ttl)

    def add(self, key: str, value: str, ttl: float) -> bool:
        now = time.time()
        return self._run("add", key=self.prefix + key, value=value, expires=now + ttl, now=now).rowcount == 1

    def delete(self, key: str) -> None:
        self._run("delete", key=self.prefix + key)

    def delete_if(self, key: str, value: str) -> bool:
        return self._run("delete_if", key=self.prefix + key, value=value, now=time.time()).rowcount == 1

    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        now = time.time()
        return self._run("incr", key=self.prefix + key, amount=amount, expires=now + ttl, now=now).fetchone()[0]

    def ttl(self, key: str) -> float | None:
        row = self._row(key)
        return None if row is None else max(0.0, row[2] - time.time())

    def counter(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row[1]

    def ping(self) -> None:
        self._run("ping").fetchall()

    def purge_expired(self) -> int:
        return self._run("purge", now=time.time()).rowcount
