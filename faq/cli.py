"""`flask faq import|export|history|withheld`: the knowledge base from the command line."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from core.dates import china_today
from core.db import db
from core.demo import DemoDataError, demo_loader
from faq.demo_loader import load_demo_kb
from faq.errors import FaqError, ImportFailed
from faq.evaluation import evaluate_heldout, format_heldout, kb_eval_set, production_config
from faq.index import entries_withheld_for_expired_policies, served_entries
from faq.io import export_entries, format_for, import_entries
from faq.service import get_entry
from faq.versions import format_changes, history, version_diff
from policies.loader import PolicyLoadError
from query.evaluate import main as evaluate_main

group = AppGroup("faq", help="Knowledge base (知识库): import, export, history.")
FORMAT = click.Choice(["csv", "json", "xlsx"])


def _format(path: Path, given: str | None) -> str:
    try:
        return given or format_for(path.name)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from exc


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish every imported entry (default: new entries are drafts).")
@click.option("--format", "fmt", type=FORMAT, help="Default: from the file's extension.")
def import_command(file: Path, publish: bool, fmt: str | None) -> None:
    """Import FILE (.csv, .json, .xlsx): all rows or, if any is wrong, none."""
    fmt = _format(file, fmt)
    try:
        with file.open("rb") as stream:
            report = import_entries(db.session, stream, fmt, publish=publish)
    except ImportFailed as exc:
        db.session.rollback()
        lines = "\n".join(f"  {problem}" for problem in exc.problems)
        raise click.ClickException(f"未导入任何条目，共 {len(exc.problems)} 处问题：\n{lines}") from exc
    db.session.commit()
    click.echo(f"导入完成：{report.summary()}")


@group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--format", "fmt", type=FORMAT, help="Default: from the file's extension.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["draft", "published", "archived"]),
              help="Only entries with this status (repeatable; default: all).")
def export_command(file: Path, fmt: str | None, statuses: tuple[str, ...]) -> None:
    """Export every entry's working copy to FILE (.csv, .json, .xlsx)."""
    fmt = _format(file, fmt)
    with file.open("wb") as stream:
        count = export_entries(db.session, stream, fmt, statuses=statuses or None)
    click.echo(f"exported {count} entries to {file}")


@group.command("history")
@click.argument("key")
def history_command(key: str) -> None:
    """Published versions of entry KEY, each with what it changed."""
    try:
        entry = get_entry(db.session, key)
    except FaqError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{entry.key} [{entry.status}] {entry.question}")
    for version in history(db.session, entry.id):
        who = version.published_by.display_name if version.published_by else "—"
        click.echo(f"\n第 {version.number} 版  {version.published_at:%Y-%m-%d %H:%M}  {who}  {version.note}")
        click.echo(format_changes(version_diff(db.session, entry.id, version.number)) or "（无变化）")


@group.command("withheld")
def withheld_command() -> None:
    """Published entries not served because every policy they cite has expired."""
    rows = entries_withheld_for_expired_policies(db.session)
    for row in rows:
        click.echo(f"{row.key}  {row.question}  ← " + "、".join(f"{ref.title}（已失效）" for ref in row.policies))
    click.echo(f"{len(rows)} entries withheld")


@demo_loader("knowledge base", order=30)
def load_demo_knowledge_base(session) -> str:
    try:
        return load_demo_kb(session).summary()
    except (ImportFailed, PolicyLoadError) as exc:
        raise DemoDataError([str(problem) for problem in exc.problems]) from exc


@group.command("eval", context_settings={"ignore_unknown_options": True})
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kb", is_flag=True, help="FILE's gold are entry keys of the served knowledge base "
                                         "(bench/data/demo_heldout.json).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.argument("engine_options", nargs=-1, type=click.UNPROCESSED)
def eval_command(file: Path, kb: bool, as_json: bool, engine_options) -> None:
    """Score 微查询 on FILE with the production configuration (top-1, R@3, MRR@10, latency).

    Without --kb, FILE is one of ../shared/data's sets and the options of `python -m query.evaluate`
    apply (--faq FAQFILE, --baseline, --calibrate, ...)."""
    served = served_entries(db.session, china_today())
    if not kb:
        argv = [str(file), *engine_options, *(["--json"] if as_json else [])]
        raise SystemExit(evaluate_main(argv, config=production_config(served)))
    if engine_options:  # --kb DEVFILE --fit-weights/--calibrate [FILE…]: fit on the served knowledge base
        argv = [*engine_options, *(["--json"] if as_json else [])]
        raise SystemExit(evaluate_main(argv, sets=[kb_eval_set(db.session, file)]))
    report = evaluate_heldout(db.session, file)
    click.echo(json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_heldout(report))
