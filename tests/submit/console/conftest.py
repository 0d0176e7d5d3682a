"""Fixtures of the tickets console tests (/staff/tickets): the queue, the ticket page, its actions, the
phone intake, canned replies and similar tickets.

`desk` is the console on a real SQLite app with the reference data, the workflow's staff (one user
per role, tests.submit.workflow_support.people) and a fake WeChat API; `any_desk` the same on SQLite
and on PostgreSQL + Redis. Clients make their requests outside any app context (a request must not
share the test's `g` and database session); the helpers open a fresh context for each step.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from core.db import db
from submit import workflow as wf
from submit.fields import AttachmentIn
from submit.models import Ticket
from tests.submit import workflow_support as support
from tests.submit.h5_support import png
from tests.submit.workflow_support import PASSWORD, Flow
from tests.support import csrf_token_from, sign_in
from wechat.media import store_media

fake_wechat, wf_app, wf_any_app = support.fake_wechat, support.wf_app, support.wf_any_app

BASE = "/staff/tickets"
REVISION = re.compile(r'name="revision" value="(\d+)"')
ROLES = ("admin", "agent", "supervisor", "handler", "other_handler", "analyst", "editor")


class Desk:
    """The console's app, its staff and tickets; each helper runs in a fresh app context."""

    def __init__(self, app):
        self.app = app
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # many sign-ins from one address in a test
        self.run(lambda flow: None)  # creates the staff

    def run(self, work: Callable[[Flow], object]):
        """work(flow) in its own app context; returns what it returns (plain values, not rows)."""
        with self.app.app_context():
            try:
                return work(Flow(db.session))
            finally:
                db.session.remove()

    def client(self, role: str = "agent"):
        """A test client signed in through the login form as the workflow's user of `role`."""
        client = self.app.test_client()
        sign_in(client, role.replace("_", "-"), PASSWORD)
        return client

    def ticket(self, status: str = "received", **overrides) -> str:
        """A ticket driven to `status` along 受理 → 办结 (overrides: submission fields); its number."""
        return self.run(lambda flow: flow.at(status, **overrides).number)

    def ticket_with_photo(self, status: str = "received", **overrides) -> tuple[str, int]:
        """A ticket with one stored PNG photo: (number, attachment id)."""
        def make(flow):
            stored = store_media(png(8, 8), "image/png")
            photo = AttachmentIn(stored.path, stored.sha256, stored.size, stored.content_type, original_name="a.png")
            ticket = flow.at(status, attachments=(photo,), **overrides)
            return ticket.number, ticket.attachments[0].id
        return self.run(make)

    def workflow(self, number: str, action: str, who: str, **params) -> None:
        """submit.workflow.<action>(…) on the ticket as the workflow's user `who`, committed (a set-up
        step); department / co_departments are given as codes."""
        def run(flow):
            ticket = flow.session.query(Ticket).filter_by(number=number).one()
            if "department" in params:
                params["department"] = support.department(flow.session, params["department"])
            if "co_departments" in params:
                params["co_departments"] = [support.department(flow.session, code) for code in params["co_departments"]]
            getattr(wf, action)(flow.session, ticket, actor=getattr(flow.people, who), **params)
            flow.session.commit()
        self.run(run)

    def read(self, number: str, work: Callable[[Ticket], object]):
        """work(ticket) on the ticket as it is now in the database."""
        return self.run(lambda flow: work(flow.session.query(Ticket).filter_by(number=number).one()))

    def status(self, number: str) -> str:
        return self.read(number, lambda ticket: ticket.status)

    def kinds(self, number: str) -> list[str]:
        return self.read(number, lambda ticket: [event.kind for event in ticket.events])

    def page(self, client, number: str):
        return client.get(f"{BASE}/{number}")

    def act(self, client, number: str, action: str, *, revision: int | None = None, **fields):
        """Post `action` as the ticket page's form does (its CSRF token and the revision it shows)."""
        page = self.page(client, number)
        html = page.get_data(as_text=True)
        if revision is None:
            found = REVISION.search(html)
            revision = int(found.group(1)) if found else self.read(number, lambda ticket: ticket.revision)
        token = csrf_token_from(html) if page.status_code == 200 else self.token(client)
        data = {"csrf_token": token, "action": action, "revision": str(revision), **fields}
        return client.post(f"{BASE}/{number}/act", data=data)

    def token(self, client) -> str:
        """A CSRF token of this client's session (from the queue page, open to every console role)."""
        return csrf_token_from(client.get("/staff/").get_data(as_text=True))


@pytest.fixture
def desk(wf_app) -> Desk:
    return Desk(wf_app)


@pytest.fixture
def any_desk(wf_any_app) -> Desk:
    return Desk(wf_any_app)


LISTED = re.compile(r'<tr data-number="([^"]+)"')
TAB_COUNT = re.compile(r'data-tab="(\w+)">[^<]*<span class="count">(\d+)</span>')


def listed(html: str) -> list[str]:
    """The ticket numbers of a queue page, in the order shown."""
    return LISTED.findall(html)


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(count) for tab, count in TAB_COUNT.findall(html)}


def sign_in_demo(page, base: str, username: str) -> None:
    """In the browser: sign in as a demo account of `make run` (password <username>-demo-2026)."""
    page.goto(f"{base}/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"{username}-demo-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
