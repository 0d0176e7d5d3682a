"""The simulator: deterministic by seed, the same columns and events as create_ticket, ground truth
that matches what was written, and the negative cases written as they should be."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from core.db import db
from stats.insight.models import QuestionLog
from stats.insight.simulate import SimConfig
from stats.insight.simulate_events import simulate
from submit.models import Ticket, TicketEvent, TicketSequence
from tests.stats.insight.conftest import seeded
from tests.support import build_app, dispose

SMALL = SimConfig(days=10, seed=7, end=date(2026, 11, 20), tickets_per_day=40, questions_per_day=15,
                  events_per_week=7, warmup_days=3)


def _written(app, config: SimConfig):
    with app.app_context():
        result = simulate(db.session, config, city_code="TY")
        db.session.commit()
        rows = db.session.execute(select(Ticket.number, Ticket.content, Ticket.address, Ticket.category_id,
                                         Ticket.received_at, Ticket.status).order_by(Ticket.id)).all()
        return result, [tuple(row) for row in rows]


def test_the_same_seed_writes_the_same_month(tmp_path):
    apps = [seeded(build_app(tmp_path / name)) for name in ("a", "b", "c")]
    try:
        first, rows_a = _written(apps[0], SMALL)
        _second, rows_b = _written(apps[1], SMALL)
        _other, rows_c = _written(apps[2], SimConfig(**{**SMALL.__dict__, "seed": 8}))
    finally:
        for app in apps:
            dispose(app)
    assert rows_a == rows_b and len(rows_a) == first.tickets > 300
    assert rows_a != rows_c


def test_tickets_have_the_columns_and_events_create_ticket_writes(insight_app):
    with insight_app.app_context():
        result = simulate(db.session, SMALL, city_code="TY")
        db.session.commit()
        session = db.session
        tickets = session.scalars(select(Ticket)).all()
        assert len(tickets) == result.tickets
        created = session.scalars(select(TicketEvent).where(TicketEvent.kind == "created")).all()
        assert len(created) == len(tickets)
        assert set(created[0].data) == {"channel", "request_type", "category", "department", "time_limit_days",
                                        "deadline_at", "attachments"}
        assert all(ticket.deadline_at > ticket.received_at and ticket.department_id for ticket in tickets)
        scope = f"TY{SMALL.end:%Y%m%d}"
        last = session.scalar(select(TicketSequence.value).where(TicketSequence.scope == scope))
        numbers = session.scalars(select(Ticket.number).where(Ticket.number.like(f"{scope}%"))).all()
        assert sorted(int(number[-6:]) for number in numbers) == list(range(1, last + 1))
        ids = [event.ticket_id for event in session.scalars(select(TicketEvent).order_by(TicketEvent.id))]
        assert ids.index(max(ids)) > ids.index(min(ids))  # written in the order things happened
        assert session.scalar(select(func.count()).select_from(QuestionLog)) > 0


def test_the_ground_truth_matches_what_was_written(insight_app):
    with insight_app.app_context():
        result = simulate(db.session, SMALL, city_code="TY")
        db.session.commit()
        session = db.session
        kinds = [truth.kind for truth in result.truth]
        assert kinds.count("event") >= 4 and {"one_citizen", "spam", "skew", "rising"} <= set(kinds)
        for truth in result.truth:
            tickets = session.scalars(select(Ticket).where(Ticket.id.in_(truth.ticket_ids))).all()
            if truth.kind == "rising":
                assert len(truth.question_ids) == truth.size > 0
                continue
            citizens = {ticket.phone for ticket in tickets}
            assert len(citizens) == truth.size, truth
            assert all(truth.place in ticket.content or truth.kind == "spam" for ticket in tickets)
            if truth.kind == "event":
                start = date.fromisoformat(truth.start[:10])
                assert all(start <= ticket.received_at.date() + timedelta(days=1) for ticket in tickets)
            if truth.kind == "spam":
                assert {ticket.status for ticket in tickets} == {"invalid"}
                assert session.scalar(select(func.count()).select_from(TicketEvent).where(
                    TicketEvent.kind == "invalidated", TicketEvent.ticket_id.in_(truth.ticket_ids))) == truth.size
            if truth.kind == "skew":
                assert all(ticket.received_at - ticket.created_at == timedelta(days=3) for ticket in tickets)


def test_the_command_writes_the_truth_and_refuses_the_same_seed_twice(insight_app, tmp_path):
    runner = insight_app.test_cli_runner()
    truth = tmp_path / "truth.json"
    args = ["insight", "simulate", "--days", "6", "--seed", "3", "--end", "2026-11-20", "--tickets-per-day", "20",
            "--questions-per-day", "5", "--truth", str(truth)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "simulated" in result.output and str(truth) in result.output
    written = json.loads(truth.read_text(encoding="utf-8"))
    assert written["config"]["seed"] == 3 and written["end"] == "2026-11-20" and written["truth"]
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already in the database" in again.output
    detected = runner.invoke(args=["insight", "detect", "--full"])
    assert detected.exit_code == 0 and json.loads(detected.output.strip().splitlines()[-1])["tickets"] > 0
