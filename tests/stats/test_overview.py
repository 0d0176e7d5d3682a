"""The supervisor's overview: overdue and at-risk tickets by department, links and 催办 counts."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from core.db import db
from stats.overview import overview
from submit import workflow as wf
from submit.models import Ticket
from tests.stats.scenario import NOW, china
from tests.submit.workflow_support import people


def chase_f_twice(app):
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == app.month["F"]))
        for hours in (2, 1):
            with time_machine.travel(NOW - timedelta(hours=hours), tick=False):
                wf.chase(db.session, ticket, actor=people(db.session).supervisor, note="请尽快办理")
                db.session.commit()
        db.session.remove()


def test_overdue_and_at_risk_now(month_app):
    chase_f_twice(month_app)
    numbers = month_app.month
    with month_app.app_context():
        now = overview(db.session, NOW)
        # open at noon on Mon 11-30: E (deadline Tue 12-01, the end of the next working day: at risk) and
        # F (deadline Wed 11-18: overdue); the rest are closed or 无效
        assert [t.number for t in now.overdue] == [numbers["F"]]
        assert [t.number for t in now.at_risk] == [numbers["E"]]
        [line] = now.lines
        assert (line.name, line.overdue, line.at_risk, line.chases) == ("太原市热力集团有限责任公司", 1, 1, 2)
        friday = overview(db.session, china(11, 27, 12))  # risk until the end of Mon 11-30: E is not yet at risk
        assert [t.number for t in friday.at_risk] == [] and [t.number for t in friday.overdue] == [numbers["F"]]
        db.session.remove()


def test_overview_page_links_the_tickets(month_app, staff_client):
    chase_f_twice(month_app)
    page = staff_client("supervisor").get("/staff/stats/overview").get_data(as_text=True)
    f, e = month_app.month["F"], month_app.month["E"]
    overdue, at_risk = page.split('id="overdue"')[1].split('id="at-risk"')
    assert f'href="/staff/tickets/{f}"' in overdue and e not in overdue
    assert f'href="/staff/tickets/{e}"' in at_risk and f not in at_risk
    assert "2 次" in overdue  # F's two 催办


@pytest.mark.parametrize("role,status", [("supervisor", 200), ("admin", 200), ("analyst", 403), ("agent", 403)])
def test_who_may_open_the_overview(staff_client, role, status):
    assert staff_client(role).get("/staff/stats/overview").status_code == status


def test_a_handler_may_not_open_the_overview(staff_client):
    assert staff_client("handler", "RLJT").get("/staff/stats/overview").status_code == 403
