"""Cost of one shared-store operation (dedup add, dialogue get/set, rate-limit incr) per backend.

Backends: the database table on a SQLite file (WAL), PostgreSQL and Redis when reachable.
Baseline in the same run: a plain in-process dict (what a module-level cache would cost, and
why it cannot be used: it does not hold across workers). Reports µs per operation and the ratio
to the SQLite backend, the embedded default.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid

import sqlalchemy as sa

from bench.services import REDIS_URL, temporary_postgres
from core.models import SharedStateEntry
from core.state import DatabaseStore, RedisStore

ROUNDS = int(os.environ.get("BENCH_STATE_ROUNDS", "2000"))


class DictStore:
    def __init__(self):
        self.data = {}

    def add(self, key, value, ttl):
        return self.data.setdefault(key, value) is value

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ttl):
        self.data[key] = value

    def incr(self, key, ttl, amount=1):
        self.data[key] = self.data.get(key, 0) + amount
        return self.data[key]


def _time(store, operation) -> float:
    prefix = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for n in range(ROUNDS):
        operation(store, f"{prefix}:{n % 200}", n)
    return (time.perf_counter() - started) / ROUNDS * 1e6


OPERATIONS = {
    "add (dedup)": lambda s, k, n: s.add(k + str(n), "reply", 300),
    "set (dialogue)": lambda s, k, n: s.set(k, '{"step":"describe"}', 1800),
    "get (dialogue)": lambda s, k, n: s.get(k),
    "incr (limit)": lambda s, k, n: s.incr(k, 60),
}


def _database_store(url: str) -> DatabaseStore:
    engine = sa.create_engine(url)
    SharedStateEntry.__table__.create(engine, checkfirst=True)
    return DatabaseStore(engine, prefix="bench:")


def _backends(folder: str, postgres_url: str):
    yield "dict (baseline, not shared)", DictStore
    yield "database: SQLite WAL", lambda: _database_store(f"sqlite:///{folder}/bench.sqlite")
    yield "database: PostgreSQL", lambda: _database_store(postgres_url)
    yield "Redis", lambda: RedisStore(__import__("redis").Redis.from_url(REDIS_URL), prefix="bench:")


def _clean(store) -> None:
    """Redis is shared with other users of the machine: remove the benchmark's keys."""
    if isinstance(store, RedisStore):
        for key in store.client.scan_iter(match="bench:*"):
            store.client.delete(key)


def main() -> None:
    import core.db  # noqa: F401 - registers the SQLite WAL pragmas

    results = {}
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        try:
            postgres_url = stack.enter_context(temporary_postgres())
        except Exception as exc:  # noqa: BLE001 - reported below as a skipped backend
            postgres_url = f"unreachable: {exc}"
        for name, make in _backends(folder, postgres_url):
            try:
                store = make()
                results[name] = {op: _time(store, fn) for op, fn in OPERATIONS.items()}
                _clean(store)
            except Exception as exc:  # noqa: BLE001 - an unreachable service is reported, not fatal
                print(f"  {name}: skipped ({type(exc).__name__}: {exc})")
    sqlite = results.get("database: SQLite WAL")
    if sqlite is None:
        return
    print(f"  {ROUNDS} operations each; µs per operation (ratio to SQLite)")
    print("  " + f"{'backend':<30}" + "".join(f"{op:>22}" for op in OPERATIONS))
    for name, row in results.items():
        cells = "".join(f"{row[op]:>12.1f} ({row[op] / sqlite[op]:>5.2f}×)" for op in OPERATIONS)
        print(f"  {name:<30}{cells}")
