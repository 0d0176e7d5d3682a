"""Throw-away PostgreSQL databases for benchmarks (never the shared `test` database itself)."""
from __future__ import annotations

import contextlib
import os
import uuid

import sqlalchemy as sa

POSTGRES_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.contextmanager
def temporary_postgres():
    """Yield the URL of a new empty database on the test server; drop it afterwards."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"minsheng_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
