"""未诉先办 fixtures: an app with the reference data, staff of each role, and a ticket maker that goes
through create_ticket (the real service) at chosen times and places."""
from __future__ import annotations

import pytest

from core.db import db
from staff.service import create_staff
from tests.submit.conftest import _seeded
from tests.support import sign_in

PASSWORD = "insight-pass-2026"


def seeded(app):
    """The app with the reference data (as the 微受理 tests load it) and one user per role."""
    _seeded(app)
    with app.app_context():
        for role in ("analyst", "supervisor", "agent", "editor"):
            create_staff(db.session, role, PASSWORD, role, f"{role} 测试")
        db.session.commit()
    return app


@pytest.fixture
def insight_app(app):
    """SQLite app with departments, types, categories, the calendar, and one staff user per role."""
    return seeded(app)


@pytest.fixture
def insight_any_app(any_app):
    """The same on SQLite and on PostgreSQL + Redis."""
    return seeded(any_app)


@pytest.fixture
def session(insight_app):
    with insight_app.app_context():
        yield db.session


@pytest.fixture
def signed_in(insight_app):
    """signed_in(role) → a test client signed in as that role's user."""
    def make(role: str):
        client = insight_app.test_client()
        sign_in(client, role, PASSWORD)
        return client
    return make
