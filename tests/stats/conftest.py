"""Figures fixtures: an app with the reference data and the hand-made month of tests/stats/scenario.py."""
from __future__ import annotations

import pytest
import time_machine

from core.db import db
from staff.service import create_staff
from tests.stats.scenario import NOW, build_month
from tests.submit.conftest import _seeded
from tests.support import sign_in

PASSWORD = "stats-pass-2026"


def with_month(app):
    """The app with the reference data and the month; app.month: ticket numbers by letter."""
    _seeded(app)
    with app.app_context():
        app.month = build_month(db.session)
        db.session.remove()
    return app


@pytest.fixture
def month_app(app):
    """SQLite app holding the hand-made November (scenario.build_month)."""
    return with_month(app)


@pytest.fixture
def month_any_app(any_app):
    """The same on SQLite and on PostgreSQL + Redis."""
    return with_month(any_app)


@pytest.fixture
def staff_client(month_app):
    """staff_client(role, department) → a test client signed in with that role."""
    made = []

    def make(role: str, department: str | None = None):
        username = f"stats-{role}{len(made) + 1}"
        with month_app.app_context():
            create_staff(db.session, username, PASSWORD, role, f"{role} 测试", department_code=department)
            db.session.commit()
        client = month_app.test_client()
        sign_in(client, username, PASSWORD)
        made.append(client)
        return client

    with time_machine.travel(NOW, tick=False):
        yield make
