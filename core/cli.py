"""`flask demo load|banner` and `flask jobs consume`."""
import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from core.jobs import consume
from reference.seed import load_seed
from staff.demo import DEMO_ACCOUNTS, ensure_demo_accounts

group = AppGroup("demo", help="Demo data (HOTLINE_DEMO=1 only).")
jobs_group = AppGroup("jobs", help="Background jobs.")


@group.command("load")
def load():
    """Load reference data and demo accounts; running it again changes nothing."""
    if not current_app.config["DEMO"]:
        raise click.ClickException("demo data is loaded only with HOTLINE_DEMO=1")
    report = load_seed(db.session)
    accounts = ensure_demo_accounts(db.session)
    db.session.commit()
    created = ", ".join(f"{name} {count}" for name, count in report.created.items())
    click.echo(f"demo data: created {created}, staff {accounts}")


@group.command("banner")
def banner():
    """Print the URLs and demo logins of this instance."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    click.echo(f"\n  民声 · {current_app.config['CITY_NAME']}12345 is running (demo mode)")
    if "wechat_webhook" in current_app.extensions:
        click.echo(f"    webhook      {base}/wechat   (token: {current_app.config['WECHAT_TOKEN']})")
    click.echo(f"""    H5 home      {base}/h5/
    staff login  {base}/staff/login
    health       {base}/healthz
  demo staff logins (username / password):""")
    for username, password, _role, display_name, _department in DEMO_ACCOUNTS:
        click.echo(f"    {username:<11} {password:<22} {display_name}")
    click.echo("  Ctrl-C stops everything.\n")


@jobs_group.command("consume")
@click.option("--workers", type=int, default=None, help="Worker threads (default HOTLINE_JOBS_WORKERS).")
def consume_command(workers):
    """Run the background job consumer until interrupted."""
    consume(workers or current_app.config["JOBS_WORKERS"])
