import sqlalchemy as sa

from core.db import db
from reference.models import Category


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        conn = db.session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(any_app):
    with any_app.app_context():
        db.session.add(Category(code="01", name="x", department_id=999_999, keywords=[]))
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            db.session.rollback()
        else:
            raise AssertionError("a category pointing at a missing department was accepted")


def test_postgres_is_reached_through_psycopg3(any_app):
    with any_app.app_context():
        dialect = db.engine.dialect
        assert (dialect.name, dialect.driver) in {("sqlite", "pysqlite"), ("postgresql", "psycopg")}
