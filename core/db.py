"""The one declarative Base, the Flask-SQLAlchemy handle, and per-database connection set-up."""
from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints, so Alembic batch mode on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class Timestamp(TypeDecorator):
    """Timestamps stored in UTC on every backend. An aware value in another zone (a China-time
    `received_at`) is converted first: SQLite would otherwise keep its wall-clock digits and read them
    back as UTC. Naive values are taken as UTC. SQLite returns naive UTC, PostgreSQL aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


SQLITE_BUSY_TIMEOUT_MS = 10_000


def configure_sqlite(dbapi_connection: sqlite3.Connection) -> None:
    """WAL (readers never block the writer), enforced foreign keys, wait instead of failing on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_new_connection(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        configure_sqlite(dbapi_connection)


def init_app(app) -> None:
    db.init_app(app)
    with app.app_context():
        engines = list(db.engines.values())

    def _forget_parent_connections() -> None:
        # A forked worker (gunicorn --preload) must not reuse the parent's sockets or file handles.
        for engine in engines:
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=_forget_parent_connections)


def upsert(session: Session, model):
    """INSERT … ON CONFLICT into the model's table, for the session's database (SQLite or PostgreSQL)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite_dialect
    return module.insert(model.__table__)
