"""The job queue, on a real SQLite file and on Redis, with a real huey consumer."""
import subprocess
import sys
import time

import pytest
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import func, select

from core import tasks
from core.db import db
from core.jobs import huey, job
from core.models import SharedStateEntry
from core.state import state
from tests.support import build_app

attempts = {"flaky": 0}


@job(retries=2, retry_delay=0)
def flaky_job(key: str) -> str:
    attempts["flaky"] += 1
    if attempts["flaky"] < 3:
        raise RuntimeError("transient failure")
    state.set(key, "done", ttl=60)
    return "done"


@pytest.fixture(params=["sqlite", "redis"])
def queue_app(request, tmp_path):
    config = {"JOBS_IMMEDIATE": False}
    if request.param == "redis":
        config["REDIS_URL"] = request.getfixturevalue("redis_url")
    app = build_app(tmp_path, **config)
    huey.flush()
    yield app
    huey.flush()


def test_queue_backend_follows_configuration(queue_app):
    assert isinstance(huey.storage, RedisStorage if queue_app.config.get("REDIS_URL") else SqliteStorage)
    if not queue_app.config.get("REDIS_URL"):  # the database's durability, not a disk sync per enqueue
        assert huey.storage.conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL


def test_a_failing_job_is_retried_until_it_succeeds(queue_app):
    attempts["flaky"] = 0
    result = flaky_job("job:flaky")
    assert huey.pending_count() == 1
    consumer = Consumer(huey, workers=1, worker_type="thread", initial_delay=0.05, max_delay=0.1)
    consumer.start()
    try:
        assert result.get(blocking=True, timeout=15) == "done"
    finally:
        consumer.stop(graceful=True)
    assert attempts["flaky"] == 3
    with queue_app.app_context():
        assert state.get("job:flaky") == "done"


def _rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SharedStateEntry))


def test_consumer_process_runs_enqueued_jobs(tmp_path):
    """`flask jobs consume` in its own process picks up work enqueued by the web side."""
    app = build_app(tmp_path, JOBS_IMMEDIATE=False)
    with app.app_context():
        state.set("stale", "x", ttl=0.01)
    time.sleep(0.05)
    tasks.purge_expired_state()  # periodic jobs can be enqueued by hand too
    assert _rows(app) == 1
    env = {"HOTLINE_DEMO": "1", "HOTLINE_DATA_DIR": str(tmp_path), "HOTLINE_STATE_PREFIX": app.config["STATE_PREFIX"],
           "PATH": "/usr/bin:/bin"}
    consumer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "consume", "--workers", "1"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while _rows(app) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=10)[0].decode()
    assert _rows(app) == 0, output
    assert "Executing core.tasks.purge_expired_state" in output
