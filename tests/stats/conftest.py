"""Figures fixtures: an app with the reference data and the hand-made month of tests/stats/scenario.py."""
from __future__ import annotations

import pytest

from core.db import db
from tests.stats.scenario import build_month
from tests.submit.conftest import _seeded


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
