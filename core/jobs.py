"""Background jobs on huey: a SQLite file queue by default, Redis when HOTLINE_REDIS_URL is set.

Features declare work with @job / @periodic_job; it runs in the consumer process
(`flask jobs consume`) inside an application context, with huey's retries.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flask import has_app_context
from huey import Huey
from huey.storage import BlackHoleStorage, RedisStorage, SqliteStorage

# A job that will be retried reports no error until its last attempt fails.
huey = Huey("minsheng", storage_class=BlackHoleStorage, utc=True, store_intermediate_errors=False)


class QueueStorage(SqliteStorage):
    """huey's SQLite queue at the database's own durability (core.db): WAL + synchronous=NORMAL. huey's
    default (FULL) syncs the disk on every enqueue, ≈ 10 ms on each chat step that schedules a job
    (bench/intake); NORMAL may lose the last jobs on a power cut, never the queue's consistency."""

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn
_bound = {}


def _in_app_context(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        with _bound["app"].app_context():
            return fn(*args, **kwargs)

    return run


def job(**task_options):
    """Declare a background job (huey task options: retries, retry_delay, priority, ...)."""
    return lambda fn: huey.task(**task_options)(_in_app_context(fn))


def periodic_job(schedule, **task_options):
    """Declare a job the consumer runs on a huey crontab schedule."""
    return lambda fn: huey.periodic_task(schedule, **task_options)(_in_app_context(fn))


def init_app(app) -> None:
    _bound["app"] = app
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = QueueStorage
        huey.storage_kwargs = {"filename": str(Path(app.instance_path) / "jobs.sqlite")}
    huey.name = app.config["STATE_PREFIX"] + "jobs"
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    huey.storage = huey.create_storage()
    app.extensions["jobs"] = huey

    from core import tasks  # noqa: F401 - registers the plumbing's own periodic jobs


def consume(workers: int) -> None:
    """Run the consumer in this process until SIGINT/SIGTERM."""
    from huey.consumer import Consumer

    Consumer(huey, workers=workers, worker_type="thread").run()
