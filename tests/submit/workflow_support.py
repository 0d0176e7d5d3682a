"""Fixtures and helpers of the workflow, follow-up and notification tests.

Test modules bind the fixtures they use: `flow = support.flow` (after
`from tests.submit import workflow_support as support`).
Every app here points its WeChat API at a fake server, so the messages the workflow queues are really
sent (over HTTP) and recorded, never to the real WeChat.
"""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from config import DEMO_SECRETS
from core.db import db
from reference.models import Department
from staff.models import StaffUser
from submit import workflow as wf
from submit.models import Ticket
from submit.workflow_config import Workflow, workflow
from submit.workflow_deadlines import aware  # noqa: F401 - for the tests
from tests.submit.conftest import make
from tests.wechat.fake_api import FakeWeChat

PASSWORD = "workflow-test-2026"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
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
ONE_DAY = timedelta(days=1)


def with_limits(**changes) -> Workflow:
    """The shipped workflow with some limits changed (monkeypatch a module's `workflow` to return it)."""
    shipped = workflow()
    return dataclasses.replace(shipped, limits=dataclasses.replace(shipped.limits, **changes))


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
        username = name.replace("_", "-")
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:  # as staff.service.create_staff makes them, without hashing a password 7 times a test
            user = StaffUser(username=username, display_name=name, role=role, password_hash=PASSWORD_HASH,
                             department=(session.scalar(select(Department).where(Department.code == department))
                                         if department else None))
            session.add(user)
        made[name] = user
    session.commit()
    return People(**made)


def department(session, code: str) -> Department:
    return session.scalar(select(Department).where(Department.code == code))


class Flow:
    """A session, the staff, and tickets driven along the workflow."""

    def __init__(self, session):
        self.session = session
        self.people = people(session)

    def ticket(self, *, received_at: datetime | None = None, channel: str = "wechat", **overrides) -> Ticket:
        return make(self.session, f"wf-{uuid.uuid4().hex}", channel=channel,
                    received_at=received_at and received_at.astimezone(UTC), **overrides)

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


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): the workflow's "now" from then on (aware datetimes)."""
    def set_now(moment: datetime) -> None:
        moment = moment.astimezone(UTC)  # as utcnow() gives it (SQLite keeps no time zone)
        monkeypatch.setattr("submit.workflow.utcnow", lambda: moment)
    return set_now
