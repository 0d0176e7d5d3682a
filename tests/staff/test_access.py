"""roles_required: the role check every console view stands behind."""
import pytest
from flask import Blueprint

from core.db import db
from reference.seed import load_seed
from staff.access import roles_required
from staff.service import create_staff
from tests.support import build_app, dispose, sign_in

PASSWORD = "access-pass-2026"


@pytest.fixture
def app(tmp_path):
    app = build_app(tmp_path)
    probe = Blueprint("probe", __name__)

    @probe.get("/staff/probe")
    @roles_required("editor", "supervisor")
    def page():
        return "open"

    app.register_blueprint(probe)
    with app.app_context():
        load_seed(db.session)
        for role in ("admin", "editor", "supervisor", "agent", "analyst"):
            create_staff(db.session, f"{role}-user", PASSWORD, role)
        create_staff(db.session, "handler-user", PASSWORD, "handler", department_code="RLJT")
        db.session.commit()
    yield app
    dispose(app)


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("editor", 200), ("supervisor", 200),
                                              ("agent", 403), ("analyst", 403), ("handler", 403)])
def test_only_the_named_roles_and_admins_may_open_the_page(app, role, status):
    client = app.test_client()
    sign_in(client, f"{role}-user", PASSWORD)
    response = client.get("/staff/probe")
    assert response.status_code == status
    if status == 403:
        assert "您没有权限访问此页面" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login_page(app):
    response = app.test_client().get("/staff/probe")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_a_deactivated_account_loses_access(app):
    client = app.test_client()
    sign_in(client, "editor-user", PASSWORD)
    with app.app_context():
        from staff.models import StaffUser
        db.session.query(StaffUser).filter_by(username="editor-user").update({"active": False})
        db.session.commit()
    assert client.get("/staff/probe").status_code == 302
