"""`flask policies load DIR`: load policy documents from Markdown files with front matter."""
from pathlib import Path

import click
from flask.cli import AppGroup

from core.db import db
from policies.loader import PolicyLoadError, load_directory

group = AppGroup("policies", help="Policy documents (政策文件).")


@group.command("load")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def load(directory: Path) -> None:
    """Insert or update (by slug) every DIRECTORY/*.md; nothing is written if any file is wrong."""
    try:
        report = load_directory(db.session, directory)
    except PolicyLoadError as exc:
        db.session.rollback()
        raise click.ClickException("未载入任何文件：\n" + "\n".join(str(problem) for problem in exc.problems)) from exc
    db.session.commit()
    click.echo(f"policies: created {len(report.created)}, updated {len(report.updated)}, "
               f"unchanged {len(report.unchanged)}")
