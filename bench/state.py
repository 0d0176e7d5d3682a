"""Cost of one shared-store operation (dedup add, dialogue get/set, rate-limit incr) per backend.

Backends: the database table on a SQLite file (WAL), PostgreSQL and Redis when reachable.
Baseline in the same run: a plain in-process dict (what a module-level cache would cost, and
why it cannot be used: it does not hold across workers). Reports µs per operation and the ratio
to the SQLite backend, the embedded default.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid

import sqlalchemy as sa

from core.models import SharedStateEntry
from core.state import DatabaseStore, RedisStore

ROUNDS = int(os.environ.get("BENCH_STATE_ROUNDS", "2000"))
POSTGRES_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


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
    store = DatabaseStore(engine, prefix="bench:")
    store.engine = engine  # for _clean
    return store


def _backends(folder: str):
    yield "dict (baseline, not shared)", DictStore
    yield "database: SQLite WAL", lambda: _database_store(f"sqlite:///{folder}/bench.sqlite")
    yield "database: PostgreSQL", lambda: _database_store(POSTGRES_URL)
    yield "Redis", lambda: RedisStore(__import__("redis").Redis.from_url(REDIS_URL), prefix="bench:")


def _clean(store) -> None:
    if isinstance(store, DatabaseStore):
        table = SharedStateEntry.__table__
        with store.engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.key.like("bench:%")))
    elif isinstance(store, RedisStore):
        for key in store.client.scan_iter(match="bench:*"):
            store.client.delete(key)


def main() -> None:
    import core.db  # noqa: F401 - registers the SQLite WAL pragmas

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, make in _backends(folder):
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
