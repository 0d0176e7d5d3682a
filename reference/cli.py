"""`flask reference load`: insert the shipped reference data that is not there yet."""
from pathlib import Path

import click
from flask.cli import AppGroup

from core.db import db
from core.demo import DemoDataError, demo_loader
from reference.seed import DATA_DIR, SeedError, load_seed

group = AppGroup("reference", help="Reference data: departments, request types, categories.")


@group.command("load")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=DATA_DIR,
              show_default=True, help="Folder holding departments/request_types/categories.yaml (and calendar.yaml).")
def load(directory: Path) -> None:
    """Insert missing rows from the seed files (existing rows are kept as edited)."""
    try:
        report = load_seed(db.session, directory)
    except SeedError as exc:
        db.session.rollback()
        raise click.ClickException("seed files are inconsistent:\n" + "\n".join(exc.problems)) from exc
    db.session.commit()
    click.echo("created: " + ", ".join(f"{name} {count}" for name, count in report.created.items()))


@demo_loader("reference data", order=10)
def load_demo_reference(session) -> str:
    try:
        report = load_seed(session)
    except SeedError as exc:
        raise DemoDataError(exc.problems) from exc
    return "created " + ", ".join(f"{name} {count}" for name, count in report.created.items())
