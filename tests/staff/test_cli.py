from sqlalchemy import func, select

from core.db import db
from reference.seed import load_seed
from staff.models import StaffUser
from staff.service import authenticate
from tests.support import build_app


def test_create_and_set_password(app, runner):
    with app.app_context():
        load_seed(db.session)
        db.session.commit()
    result = runner.invoke(args=["staff", "create", "wangmin", "--role", "editor", "--name", "王敏",
                                 "--password", "first-password"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["staff", "set-password", "wangmin", "--password", "second-password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate(db.session, "wangmin", "first-password") is None
        assert authenticate(db.session, "wangmin", "second-password").display_name == "王敏"


def test_create_refuses_bad_input_with_a_reason(app, runner):
    cases = [
        (["staff", "create", "x", "--role", "agent", "--password", "long-enough"], "用户名"),
        (["staff", "create", "shorty", "--role", "agent", "--password", "short"], "密码至少"),
        (["staff", "create", "heat", "--role", "handler", "--password", "long-enough"], "必须指定所属单位"),
        (["staff", "create", "heat", "--role", "handler", "--department", "NOPE", "--password", "long-enough"],
         "NOPE"),
        (["staff", "set-password", "ghost", "--password", "long-enough"], "找不到用户"),
    ]
    for args, reason in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and reason in result.output, (args, result.output)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_password_is_prompted_when_not_given(app, runner):
    result = runner.invoke(args=["staff", "create", "lina", "--role", "agent"], input="prompted-pw\nprompted-pw\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate(db.session, "lina", "prompted-pw")


def test_duplicate_username_is_refused(app, runner):
    runner.invoke(args=["staff", "create", "lina", "--role", "agent", "--password", "long-enough"])
    result = runner.invoke(args=["staff", "create", "LINA", "--role", "agent", "--password", "long-enough"])
    assert result.exit_code != 0 and "已存在" in result.output


def test_demo_accounts_exist_only_in_demo_mode(tmp_path, app, runner):
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "HOTLINE_DEMO=1" in refused.output
    demo = build_app(tmp_path / "demo", DEMO=True)
    demo_runner = demo.test_cli_runner()
    first = demo_runner.invoke(args=["demo", "load"])
    second = demo_runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "demo staff accounts: created 6" in first.output
    assert "demo staff accounts: created 0" in second.output and "category 0" in second.output
    assert "entries 200" in first.output and "entries 0" in second.output
    with demo.app_context():
        roles = set(db.session.scalars(select(StaffUser.role)))
        assert roles == {"admin", "editor", "agent", "supervisor", "handler", "analyst"}
    banner = demo_runner.invoke(args=["demo", "banner"]).output
    assert "/staff/login" in banner and "agent-demo-2026" in banner and "/healthz" in banner
