"""`flask jobs consume`."""
import click
from flask import current_app
from flask.cli import AppGroup

from core.jobs import consume

jobs_group = AppGroup("jobs", help="Background jobs.")


@jobs_group.command("consume")
@click.option("--workers", type=int, default=None, help="Worker threads (default HOTLINE_JOBS_WORKERS).")
def consume_command(workers):
    """Run the background job consumer until interrupted."""
    consume(workers or current_app.config["JOBS_WORKERS"])
