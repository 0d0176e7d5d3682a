"""Shared fixtures: apps on a real SQLite file, and on the real PostgreSQL and Redis when reachable.

Service-backed tests skip with a reason when PostgreSQL/Redis cannot be reached, unless
HOTLINE_TEST_REQUIRE_SERVICES=1 (CI), where they fail instead.
"""
from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa

from config import SETTINGS, PREFIX

# The developer's own HOTLINE_* settings must not leak into tests.
for _setting in SETTINGS:
    os.environ.pop(PREFIX + _setting.name, None)

from app import create_app  # noqa: E402
from core.db import db  # noqa: E402

REQUIRE_SERVICES = os.environ.get("HOTLINE_TEST_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(name: str, error: Exception):
    message = f"{name} not reachable: {type(error).__name__}: {error}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (HOTLINE_TEST_REQUIRE_SERVICES=1: service-backed tests must run)")
    pytest.skip(f"{message}; set HOTLINE_TEST_POSTGRES_URL / HOTLINE_TEST_REDIS_URL to run these tests")


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


def build_app(tmp_path, **config):
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    settings = {"TESTING": True, "DATA_DIR": str(tmp_path), "JOBS_IMMEDIATE": True, "STATE_PREFIX": prefix}
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    return app


def _drop_redis_keys(app) -> None:
    if app.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        for key in client.scan_iter(match=app.config["STATE_PREFIX"] + "*"):
            client.delete(key)
        client.close()


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    _drop_redis_keys(app)


@pytest.fixture
def app(tmp_path):
    """The app on a fresh SQLite file with every table, jobs run inline."""
    app = build_app(tmp_path)
    yield app
    _dispose(app)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def any_app(request, tmp_path):
    """The same app on the embedded default and on the scale-out services."""
    if request.param == "sqlite":
        app = build_app(tmp_path)
    else:
        app = build_app(tmp_path, DATABASE_URL=request.getfixturevalue("postgres_url"),
                        REDIS_URL=request.getfixturevalue("redis_url"))
    yield app
    _dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token field"
    return match.group(1)
