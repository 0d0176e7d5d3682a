"""`flask insight simulate|detect`: simulated data for the media seat and the benchmark, and detection
from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from stats.insight.jobs import run_once
from stats.insight.simulate import SimConfig
from stats.insight.simulate_events import AlreadySimulated, simulate

group = AppGroup("insight", help="未诉先办: simulated tickets and questions, hotspot and trend detection.")


@group.command("simulate")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="The last simulated day (default: today).")
@click.option("--tickets-per-day", default=3500.0, show_default=True, type=click.FloatRange(0))
@click.option("--questions-per-day", default=600.0, show_default=True, type=click.FloatRange(0))
@click.option("--events-per-week", default=3.0, show_default=True, type=click.FloatRange(0))
@click.option("--no-events", is_flag=True, help="Background only (no events, topic or negatives).")
@click.option("--no-lifecycle", is_flag=True, help="Leave every ticket at 受理 (as the benchmark does).")
@click.option("--truth", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the injected events' ground truth (default: <data dir>/insight/).")
def simulate_command(days: int, seed: int, end, tickets_per_day: float, questions_per_day: float,
                     events_per_week: float, no_events: bool, no_lifecycle: bool, truth: Path | None) -> None:
    """Write DAYS of simulated tickets and questions ending today, with injected events; tickets are
    taken through 派单 … 办结 as far as their time allows."""
    config = SimConfig(days=days, seed=seed, end=end.date() if end else None, tickets_per_day=tickets_per_day,
                       questions_per_day=questions_per_day, events_per_week=events_per_week,
                       events=not no_events, negatives=not no_events, rising=not no_events,
                       lifecycle=not no_lifecycle)
    try:
        result = simulate(db.session, config, city_code=current_app.config["CITY_CODE"],
                          progress=lambda day, n: click.echo(f"  {day}: {n} tickets", err=True))
    except AlreadySimulated as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    path = truth or Path(current_app.instance_path) / "insight" / f"sim-{seed}-{result.end:%Y%m%d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_dict(config), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    injected = [item for item in result.truth if item.kind in ("event", "rising")]
    click.echo(f"simulated {result.tickets} tickets and {result.questions} questions, {result.first} – {result.end}; "
               f"{len(injected)} injected events and topics, {len(result.truth) - len(injected)} negative cases; "
               f"ground truth: {path}")


@group.command("detect")
@click.option("--full", is_flag=True, help="Rebuild the running counts from the kept period first.")
def detect_command(full: bool) -> None:
    """Run detection once over what is new (or everything, with --full) and raise or grow alerts."""
    report = run_once(full=full)
    while report is not None and report.more and not full:
        report = run_once()
    if report is None:
        raise click.ClickException("另一次检测正在运行，请稍后再试")
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False))


