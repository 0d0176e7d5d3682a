"""The demo history: a month replayed through the workflow, figures worth showing, loading twice changes
nothing, and no message of the replayed past goes to a citizen."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.dates import china_today
from core.db import db, utcnow
from stats.overview import overview
from stats.periods import Period
from stats.queries import Scope
from stats.report import build_report
from submit.models import Ticket, TicketEvent, TicketNotification
from tests.support import build_app, dispose


def _counts(session) -> tuple:
    return (session.scalar(select(func.count()).select_from(Ticket)),
            session.scalar(select(func.count()).select_from(TicketEvent)),
            session.scalar(select(func.max(TicketEvent.id))))


def test_demo_history_gives_a_month_of_figures_once(tmp_path):
    demo = build_app(tmp_path, DEMO=True)
    try:
        runner = demo.test_cli_runner()
        first = runner.invoke(args=["demo", "load"])
        assert first.exit_code == 0, first.output
        assert "demo history: advanced 15 demo tickets, made 160 history tickets" in first.output
        with demo.app_context():
            before = _counts(db.session)
            now = utcnow()
            today = china_today(now)
            month = build_report(db.session, Scope(Period("custom", today - timedelta(days=30), today)), now)
            counts = month.total.counts
            assert counts.received >= 150 and counts.dispatched >= 150 and counts.rated >= 60
            assert counts.returned >= 3 and counts.extensions >= 2 and counts.closed >= 60 and counts.due >= 30
            assert 50 < month.total.values["satisfaction_rate"] < 100 and len(month.rows) >= 8
            assert sum(1 for value in month.trend["received"] if value) >= 20  # spread over the month
            assert overview(db.session, now).total.overdue >= 1
            earliest = db.session.scalar(select(func.min(TicketEvent.at)))
            assert now - (earliest if earliest.tzinfo else earliest.replace(tzinfo=now.tzinfo)) > timedelta(days=25)
            assert db.session.scalar(select(func.count()).select_from(TicketNotification)
                                     .where(TicketNotification.status != "failed")) == 0
            db.session.remove()
        second = runner.invoke(args=["demo", "load"])
        assert "demo history: advanced 0 demo tickets, made 0 history tickets" in second.output
        with demo.app_context():
            assert _counts(db.session) == before
    finally:
        dispose(demo)
