"""Shared fixtures: apps on a real SQLite file, and on the real PostgreSQL and Redis when reachable.

Service-backed tests skip with a reason when PostgreSQL/Redis cannot be reached, unless
HOTLINE_TEST_REQUIRE_SERVICES=1 (CI), where they fail instead.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import PREFIX, SETTINGS

# The developer's own HOTLINE_* settings must not leak into tests.
for _setting in SETTINGS:
    os.environ.pop(PREFIX + _setting.name, None)

from tests.support import POSTGRES_URL, REDIS_URL, LocalService, build_app, dispose, service_missing  # noqa: E402


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


@pytest.fixture(scope="session")
def live_service(tmp_path_factory):
    """One `make run` instance for the whole session (end-to-end and browser tests)."""
    # Every browser test signs in from 127.0.0.1: the per-address login limit is for the real world.
    service = LocalService(tmp_path_factory.mktemp("live"), HOTLINE_LOGIN_RATE_LIMIT="600 per minute")
    service.banner = service.wait_ready()
    yield service
    service.kill()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        service_missing("Chromium", FileNotFoundError(CHROMIUM))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots():
    """Folder for screenshots the browser tests take (test-output/screenshots)."""
    folder = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
