"""Fixtures and helpers of the workflow, follow-up and notification tests.

Test modules bind the fixtures they use: `flow = support.flow` (after
`from tests.submit import workflow_support as support`).
Every app here points its WeChat API at a fake server, so the messages the workflow queues are really
sent (over HTTP) and recorded, never to the real WeChat.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from config import DEMO_SECRETS
from core.db import db
from reference.models import Department
from staff.models import StaffUser
from staff.service import create_staff
from submit import workflow as wf
from submit.models import Ticket
from tests.submit.conftest import make
from tests.wechat.fake_api import FakeWeChat

PASSWORD = "workflow-test-2026"
HANDLER_DEPARTMENT = "RLJT"  # the heating category's default unit
OTHER_DEPARTMENT = "SZJJ"
CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"
PATH = {  # status -> the actions that reach it from 受理, as (action, actor attribute, kwargs)
    "dispatched": [("dispatch", "agent", {"department": HANDLER_DEPARTMENT})],
    "accepted": [("accept", "handler", {})],
    "in_progress": [("start", "handler", {})],
    "replied": [("reply", "handler", {"text": "已安排维修人员上门，暖气已恢复正常，室温22度。"})],
    "follow_up": [("approve", "agent", {})],
    "closed": [("close", "agent", {})],
}
ORDER = list(PATH)


@pytest.fixture
def fake_wechat():
    fake = FakeWeChat(DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_APP_SECRET"]).start()
    yield fake
    fake.stop()


def _pointed(app, fake):
    app.config.update(WECHAT_API_BASE=fake.url, WECHAT_TEMPLATE_PROGRESS="tmpl-progress",
                      PUBLIC_URL="https://h5.example.gov.cn")
    return app


@pytest.fixture
def wf_app(submit_app, fake_wechat):
    """SQLite app with reference data, its WeChat API at the fake server."""
    return _pointed(submit_app, fake_wechat)


@pytest.fixture
def wf_any_app(submit_any_app, fake_wechat):
    """The same on SQLite and on PostgreSQL + Redis."""
    return _pointed(submit_any_app, fake_wechat)


@dataclass
class People:
    admin: StaffUser
    agent: StaffUser
    supervisor: StaffUser
    handler: StaffUser  # of RLJT, the heating tickets' department
    other_handler: StaffUser  # of another department
    analyst: StaffUser
    editor: StaffUser


def people(session) -> People:
    made = {}
    for name, role, department in [("admin", "admin", None), ("agent", "agent", "HOTLINE"),
                                   ("supervisor", "supervisor", "HOTLINE"),
                                   ("handler", "handler", HANDLER_DEPARTMENT),
                                   ("other_handler", "handler", OTHER_DEPARTMENT), ("analyst", "analyst", None),
                                   ("editor", "editor", None)]:
        user = session.scalar(select(StaffUser).where(StaffUser.username == name.replace("_", "-")))
        made[name] = user or create_staff(session, name.replace("_", "-"), PASSWORD, role, name, department)
    session.commit()
    return People(**made)


def department(session, code: str) -> Department:
    return session.scalar(select(Department).where(Department.code == code))


class Flow:
    """A session, the staff, and tickets driven along the workflow."""

    def __init__(self, session):
        self.session = session
        self.people = people(session)
        self.count = 0

    def ticket(self, *, received_at: datetime | None = None, **overrides) -> Ticket:
        self.count += 1
        return make(self.session, f"wf-{self.count}", received_at=received_at, **overrides)

    def drive(self, ticket: Ticket, to: str) -> Ticket:
        """Walk `ticket` from its state to `to` along 受理 → … → 办结, committing each step."""
        start = ORDER.index(ticket.status) + 1 if ticket.status in ORDER else 0
        for status in ORDER[start: ORDER.index(to) + 1]:
            for action, who, kwargs in PATH[status]:
                kwargs = {key: department(self.session, value) if key == "department" else value
                          for key, value in kwargs.items()}
                getattr(wf, action)(self.session, ticket, actor=getattr(self.people, who), **kwargs)
                self.session.commit()
        assert ticket.status == to
        return ticket

    def at(self, to: str, **overrides) -> Ticket:
        return self.drive(self.ticket(**overrides), to) if to != "received" else self.ticket(**overrides)

    def kinds(self, ticket: Ticket) -> list[str]:
        self.session.refresh(ticket)
        return [event.kind for event in ticket.events]


@pytest.fixture
def flow(wf_app):
    with wf_app.app_context():
        yield Flow(db.session)
        db.session.remove()
