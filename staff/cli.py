"""`flask staff create` and `flask staff set-password`."""
import click
from flask.cli import AppGroup

from core.db import db
from core.demo import banner_section, demo_loader
from staff.demo import DEMO_ACCOUNTS, ensure_demo_accounts
from staff.models import ROLES
from staff.service import StaffError, create_staff, set_password

group = AppGroup("staff", help="Staff accounts.")


@group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--name", "display_name", default="", help="Name shown in the console.")
@click.option("--department", "department_code", default=None, help="Department code (required for handler).")
@click.password_option(help="Prompted for when not given.")
def create(username, role, display_name, department_code, password):
    """Create a staff account."""
    try:
        user = create_staff(db.session, username, password, role, display_name, department_code)
    except StaffError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")


@group.command("set-password")
@click.argument("username")
@click.password_option(help="Prompted for when not given.")
def set_password_command(username, password):
    """Set a staff account's password."""
    try:
        set_password(db.session, username, password)
    except StaffError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"password set for {username}")


@demo_loader("staff accounts", order=20)
def load_demo_accounts(session) -> str:
    return f"created {ensure_demo_accounts(session)}"


@banner_section
def demo_logins() -> list[str]:
    lines = ["demo staff logins (username / password):"]
    lines += [f"  {username:<11} {password:<22} {name}" for username, password, _role, name, _dept in DEMO_ACCOUNTS]
    return lines
