"""Helpers the tests share (fixtures live in conftest.py)."""
from __future__ import annotations

import os
import re
import uuid

import pytest

from app import create_app
from core.db import db

REQUIRE_SERVICES = os.environ.get("HOTLINE_TEST_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(name: str, error: Exception):
    message = f"{name} not reachable: {type(error).__name__}: {error}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (HOTLINE_TEST_REQUIRE_SERVICES=1: service-backed tests must run)")
    pytest.skip(f"{message}; set HOTLINE_TEST_POSTGRES_URL / HOTLINE_TEST_REDIS_URL to run these tests")


def build_app(tmp_path, **config):
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    settings = {"TESTING": True, "DATA_DIR": str(tmp_path), "JOBS_IMMEDIATE": True, "STATE_PREFIX": prefix}
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    return app


def drop_redis_keys(app) -> None:
    if app.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        for key in client.scan_iter(match=app.config["STATE_PREFIX"] + "*"):
            client.delete(key)
        client.close()


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    drop_redis_keys(app)


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token field"
    return match.group(1)
