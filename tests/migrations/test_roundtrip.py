"""Migrations take an empty database to head and back, on SQLite and PostgreSQL, and match the models."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from core.db import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):
    config = {"TESTING": True, "DATA_DIR": str(tmp_path), "JOBS_IMMEDIATE": True,
              "STATE_PREFIX": f"mig-{uuid.uuid4().hex[:8]}:"}
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_to_head_matches_models_and_downgrades_to_empty(empty_app):
    assert _tables(empty_app) == set()
    with empty_app.app_context():
        upgrade()
        assert set(db.metadata.tables) <= _tables(empty_app)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
    assert _tables(empty_app) <= {"alembic_version"}
    with empty_app.app_context():
        upgrade()  # and up again: downgrade left nothing behind that blocks it
    assert set(db.metadata.tables) <= _tables(empty_app)
