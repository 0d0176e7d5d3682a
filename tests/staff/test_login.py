import pytest
from sqlalchemy import select

from core.db import db
from core.models import SharedStateEntry
from reference.seed import load_seed
from staff.models import StaffUser
from staff.service import create_staff
from tests.support import build_app, csrf_token_from


class Staff:
    """Logs a browser-like client in and out through the real form (CSRF included)."""

    def __init__(self, client):
        self.client = client

    def login(self, username="agent1", password="correct-horse", next_url=None):
        page = self.client.get("/staff/login")
        url = "/staff/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                           "username": username, "password": password})


@pytest.fixture
def app(app):
    with app.app_context():
        load_seed(db.session)
        create_staff(db.session, "agent1", "correct-horse", "agent", "话务员 一号")
        create_staff(db.session, "heat", "correct-horse", "handler", "热力 张", department_code="RLJT")
        db.session.commit()
    return app


@pytest.fixture
def staff(client):
    return Staff(client)


def test_login_page_is_chinese_and_carries_a_csrf_token(client):
    html = client.get("/staff/login").get_data(as_text=True)
    assert "工作人员登录" in html and 'name="csrf_token"' in html


def test_console_needs_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_good_credentials_open_the_console(client, staff, app):
    response = staff.login()
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    home = client.get("/staff/").get_data(as_text=True)
    assert "话务员 一号" in home and "话务员" in home
    with app.app_context():
        assert db.session.scalar(select(StaffUser.last_login_at).where(StaffUser.username == "agent1"))


def test_username_is_case_insensitive(staff):
    assert staff.login(username="Agent1").status_code == 302


@pytest.mark.parametrize("username,password", [("agent1", "wrong-password"), ("nobody", "correct-horse"),
                                               ("", "")])
def test_bad_credentials_are_refused_with_one_message_beside_the_field(staff, username, password):
    response = staff.login(username, password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("用户名或密码不正确" in html) or ("请输入用户名" in html)
    assert f'value="{username}"' in html or not username  # what was typed is kept


def test_disabled_account_cannot_log_in(staff, app):
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.username == "agent1")).active = False
        db.session.commit()
    assert staff.login().status_code == 200


def test_logout_needs_a_post_with_csrf(client, staff):
    staff.login()
    page = client.get("/staff/").get_data(as_text=True)
    response = client.post("/staff/logout", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("target,expected", [("/staff/reference", "/staff/reference"),
                                             ("https://evil.example/", "/staff/"),
                                             ("//evil.example/", "/staff/")])
def test_next_only_goes_to_our_own_pages(staff, target, expected):
    response = staff.login(next_url=target)
    assert response.headers["Location"] == expected


def test_handler_sees_own_department(client, staff):
    staff.login("heat")
    assert "太原热力集团" in client.get("/staff/").get_data(as_text=True)


def test_reference_page_lists_types_categories_and_departments(client, staff):
    staff.login()
    html = client.get("/staff/reference").get_data(as_text=True)
    assert "办理时限" in html and "暖气不热" in html and "小店区" in html


def test_login_attempts_are_rate_limited_per_address(tmp_path):
    app = build_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute")
    staff = Staff(app.test_client())
    codes = [staff.login("someone", f"guess-{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "操作太频繁" in staff.login("someone", "again").get_data(as_text=True)


def test_login_attempts_are_rate_limited_per_username_across_addresses(tmp_path):
    app = build_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute")
    codes = []
    for n in range(4):
        staff = Staff(app.test_client())
        staff.client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        codes.append(staff.login("target", "guess").status_code)
    assert codes[-1] == 429


def test_login_attempts_are_counted_in_the_shared_store(any_app):
    """Counts live in the database table or Redis, so every worker and host sees the same ones."""
    for _ in range(2):
        Staff(any_app.test_client()).login("x", "y")
    store = any_app.extensions["shared_state"]
    if any_app.config.get("REDIS_URL"):
        keys = [k.decode() for k in store.client.scan_iter(match=store.prefix + "limit:*")]
        counts = [store.counter(k.removeprefix(store.prefix)) for k in keys]
    else:
        with any_app.app_context():
            rows = db.session.execute(select(SharedStateEntry.key, SharedStateEntry.counter)).all()
        counts = [counter for key, counter in rows if "limit:" in key]
    assert counts and set(counts) == {2}  # one counter per address, one per username


def test_behind_a_trusted_proxy_limits_count_the_forwarded_client(tmp_path):
    app = build_app(tmp_path, LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    codes = []
    for n in range(3):
        staff = Staff(app.test_client())
        staff.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n}"
        codes.append(staff.login(f"user{n}", "guess").status_code)
    assert codes == [200, 200, 200]  # three citizens behind one nginx are not one client
