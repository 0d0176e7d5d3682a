"""`flask demo load|banner`: features register what they contribute; core imports none of them.

A loader takes the session, inserts what is missing (running twice changes nothing) and returns a
one-line summary; it raises DemoDataError with the problems when its files are wrong. A banner
section returns lines for the start-up banner (e.g. the demo logins).
"""
from __future__ import annotations

from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from core.db import db

group = AppGroup("demo", help="Demo data (HOTLINE_DEMO=1 only).")
_loaders: dict[str, tuple[int, Callable[[Session], str]]] = {}
_banner_sections: list[Callable[[], list[str]]] = []


class DemoDataError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def demo_loader(name: str, order: int):
    """Register fn(session) -> summary; `flask demo load` runs loaders by ascending `order`."""

    def register(fn):
        _loaders[name] = (order, fn)
        return fn

    return register


def banner_section(fn):
    if fn not in _banner_sections:
        _banner_sections.append(fn)
    return fn


@group.command("load")
def load():
    """Load every feature's demo data; running it again changes nothing."""
    if not current_app.config["DEMO"]:
        raise click.ClickException("demo data is loaded only with HOTLINE_DEMO=1")
    for name, (_order, loader) in sorted(_loaders.items(), key=lambda item: item[1][0]):
        try:
            summary = loader(db.session)
        except DemoDataError as exc:
            db.session.rollback()
            raise click.ClickException(f"{name}: demo files are wrong:\n" + "\n".join(exc.problems)) from exc
        db.session.commit()
        click.echo(f"demo {name}: {summary}")


@group.command("banner")
def banner():
    """Print the URLs and demo logins of this instance."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    click.echo(f"\n  民声 · {current_app.config['CITY_NAME']}12345 is running (demo mode)")
    if "wechat_webhook" in current_app.extensions:
        click.echo(f"    webhook      {base}/wechat   (token: {current_app.config['WECHAT_TOKEN']})")
    click.echo(f"    H5 home      {base}/h5/\n    staff login  {base}/staff/login\n    health       {base}/healthz")
    for section in _banner_sections:
        for line in section():
            click.echo("  " + line)
    click.echo("  Ctrl-C stops everything.\n")
