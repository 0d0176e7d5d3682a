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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalService:
    """What `make run` starts (deploy/run-local.sh), on a free port and its own data folder."""

    def __init__(self, data_dir, **settings):
        import subprocess

        from config import ROOT

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "service.log"
        env = {key: value for key, value in os.environ.items() if not key.startswith("HOTLINE_")}
        env.update(PORT=str(self.port), HOTLINE_DATA_DIR=str(data_dir), HOTLINE_DEMO="1", **settings)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(["deploy/run-local.sh"], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 90) -> str:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.log.read_text()
            if "Ctrl-C stops everything" in output:
                return output
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"service did not start:\n{self.log.read_text()}")

    def interrupt(self) -> None:
        """What Ctrl-C in the terminal does: SIGINT to the whole foreground process group."""
        import signal

        os.killpg(self.process.pid, signal.SIGINT)

    def kill(self) -> None:
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def simulator_for(app, **options):
    """A WeChatSimulator posting through the app's test client, with the app's credentials."""
    from wechat.simulator import WeChatSimulator

    client = app.test_client()

    def send(path_query: str, body: bytes):
        response = client.post(path_query, data=body)
        return response.status_code, response.get_data(as_text=True)

    config = app.config
    return WeChatSimulator(send, config["WECHAT_TOKEN"], config["WECHAT_APP_ID"], config["WECHAT_AES_KEY"], **options)


def sign_in(client, username: str, password: str):
    """Sign a test client in through the real login form (CSRF included); returns the response."""
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                  "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
