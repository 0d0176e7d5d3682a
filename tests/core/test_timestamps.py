"""Timestamps are stored in UTC whatever zone the value carries, on SQLite and PostgreSQL."""
from datetime import UTC, datetime

from sqlalchemy import select

from core.dates import CHINA
from core.db import db
from faq.models import KnowledgeBaseVersion


def test_an_aware_china_time_is_stored_as_the_same_moment(any_app):
    moment = datetime(2026, 11, 29, 9, 30, tzinfo=CHINA)  # 01:30 UTC
    with any_app.app_context():
        db.session.add(KnowledgeBaseVersion(id=1, counter=1, reason="clock test", changed_at=moment))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(select(KnowledgeBaseVersion.changed_at))
        stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)  # SQLite hands back naive UTC
        assert stored == moment
        assert stored.astimezone(UTC).hour == 1
