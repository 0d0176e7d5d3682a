"""Shared fixtures: apps on a real SQLite file, and on the real PostgreSQL and Redis when reachable.

Service-backed tests skip with a reason when PostgreSQL/Redis cannot be reached, unless
HOTLINE_TEST_REQUIRE_SERVICES=1 (CI), where they fail instead.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from config import PREFIX, SETTINGS

# The developer's own HOTLINE_* settings must not leak into tests.
for _setting in SETTINGS:
    os.environ.pop(PREFIX + _setting.name, None)

from tests.support import POSTGRES_URL, REDIS_URL, build_app, dispose, service_missing  # noqa: E402


@pytest.fixture(scope="session")
def postgres_admin_engine():
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", exc)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin_engine):
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"minsheng_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = postgres_admin_engine.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with postgres_admin_engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def redis_url():
    """The test Redis URL; keys written under the test's prefix are removed afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis", exc)
    yield REDIS_URL
    client.close()


@pytest.fixture
def app(tmp_path):
    """The app on a fresh SQLite file with every table, jobs run inline."""
    app = build_app(tmp_path)
    yield app
    dispose(app)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def any_app(request, tmp_path):
    """The same app on the embedded default and on the scale-out services."""
    if request.param == "sqlite":
        app = build_app(tmp_path)
    else:
        app = build_app(tmp_path, DATABASE_URL=request.getfixturevalue("postgres_url"),
                        REDIS_URL=request.getfixturevalue("redis_url"))
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
