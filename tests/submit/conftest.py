"""微受理 fixtures: apps with the reference data loaded, a submission factory, a ticket-making helper."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest

from core.dates import CHINA
from core.db import db
from reference.seed import load_seed
from submit.fields import Submission
from submit.service import create_ticket

HEATING = "010101"  # 城乡建设 → 供热 → 暖气不热 (a leaf; its default unit is RLJT)
HEATING_MIDDLE = "0101"  # 供热: not a leaf
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 10, 0, tzinfo=CHINA)


def _seeded(app):
    with app.app_context():
        load_seed(db.session)
        db.session.commit()
    return app


@pytest.fixture
def submit_app(app):
    """SQLite app with departments, request types, categories and the calendar loaded."""
    return _seeded(app)


@pytest.fixture
def submit_any_app(any_app):
    """The same on SQLite and on PostgreSQL + Redis."""
    return _seeded(any_app)


@pytest.fixture
def session(submit_app):
    with submit_app.app_context():
        yield db.session


def submission(**overrides) -> Submission:
    fields = {"request_type": "complaint", "category": HEATING,
              "content": "您好。我家暖气片一直不热，室温只有十二度，家里老人孩子都冻感冒了，请尽快处理。",
              "name": "张先生", "phone": "138 1234 5678", "address": "小店区坞城路88号3单元502",
              "openid": "o-citizen-a"}
    fields.update(overrides)
    return Submission(**fields)


def make(session, key: str = "k-1", *, channel: str = "wechat", received_at: datetime | None = None, by=None,
         **overrides):
    """A committed ticket from submission(**overrides)."""
    ticket = create_ticket(session, submission(**overrides), channel=channel, idempotency_key=key, by=by,
                           received_at=received_at)
    session.commit()
    return ticket


def run_in_threads(app, count: int, work) -> list:
    """work(index) in `count` threads started together, each in its own app context; results by index."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results

