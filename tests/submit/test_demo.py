from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import func, select

from core.db import db
from core.demo import DemoDataError
from staff.service import create_staff
from submit.demo import DEMO_FILE, load_demo_tickets
from submit.models import Ticket
from tests.support import build_app, dispose

NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)


def test_demo_tickets_cover_the_hotline_s_winter(session):
    agent = create_staff(session, "agent", "agent-demo-2026", "agent", "话务员 李娜", "HOTLINE")
    assert load_demo_tickets(session, now=NOW) == len(yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))) >= 20
    session.commit()
    tickets = session.scalars(select(Ticket)).all()
    assert {t.request_type.code for t in tickets} == {"enquiry", "help", "complaint", "report", "suggestion", "praise"}
    assert {t.channel for t in tickets} == {"wechat", "h5", "phone"}
    assert sum(t.category.code.startswith("0101") for t in tickets) >= 5  # heating season
    assert len({t.address[:3] for t in tickets if t.address}) >= 5  # districts
    assert len({t.department_id for t in tickets}) >= 8
    phone = [t for t in tickets if t.channel == "phone"]
    assert phone and all(t.created_by_id == agent.id and t.citizen_openid is None for t in phone)
    assert any(t.confidential for t in tickets) and any(t.latitude for t in tickets)
    assert {t.number[:10] for t in tickets} >= {"TY20261210", "TY20261207"}
    assert load_demo_tickets(session, now=NOW) == 0


def test_a_wrong_demo_row_is_reported_with_every_problem(session, tmp_path):
    rows = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))[:3]
    rows[0]["phone"] = "12345"
    rows[1]["category"] = "0101"
    rows[2]["colour"] = "red"
    path = tmp_path / "tickets.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DemoDataError) as failure:
        load_demo_tickets(session, path, now=NOW)
    problems = "\n".join(failure.value.problems)
    assert f"{rows[0]['key']}: phone" in problems and f"{rows[1]['key']}: category" in problems
    assert "colour" in problems


def test_flask_demo_load_twice_creates_nothing_new(tmp_path):
    demo = build_app(tmp_path, DEMO=True)
    try:
        runner = demo.test_cli_runner()
        first = runner.invoke(args=["demo", "load"])
        second = runner.invoke(args=["demo", "load"])
        assert first.exit_code == 0, first.output
        assert "demo tickets: created 20 tickets" in first.output
        assert "demo tickets: created 0 tickets" in second.output
        with demo.app_context():
            assert db.session.scalar(select(func.count()).select_from(Ticket)
                                     .where(Ticket.idempotency_key.startswith("demo:"))) == 20  # + stats history
    finally:
        dispose(demo)
