"""Console fixtures: a signed-in editor (and other roles) on the knowledge-base app of tests/faq."""
from __future__ import annotations

import pytest

from core.db import db
from staff.service import create_staff
from tests.support import csrf_token_from, sign_in

PASSWORD = "console-pass-2026"


@pytest.fixture
def staff_client(kb_app):
    """staff_client(role) → a test client signed in as a new user with that role."""
    made = []

    def make(role: str = "editor"):
        username = f"{role}{len(made) + 1}"
        with kb_app.app_context():
            create_staff(db.session, username, PASSWORD, role, f"{role} 测试",
                         department_code="RLJT" if role == "handler" else None)
            db.session.commit()
        client = kb_app.test_client()
        sign_in(client, username, PASSWORD)
        made.append(client)
        return client

    return make


@pytest.fixture
def editor(staff_client):
    return staff_client("editor")


def form_token(client, url: str) -> str:
    """The CSRF token of the form page at `url`."""
    page = client.get(url)
    assert page.status_code == 200, url
    return csrf_token_from(page.get_data(as_text=True))
