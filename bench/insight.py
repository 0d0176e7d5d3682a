"""bench/insight — 未诉先办 detection on simulated data (stats.insight.simulate), on SQLite.

1. Quality: BENCH_INSIGHT_DAYS (42) days at BENCH_INSIGHT_TICKETS (3500) tickets a day with injected
   events, replayed through detection every BENCH_INSIGHT_STEP (6) simulated hours as the live job
   would have run; per injected event: flagged or not, by which kind of alert, hours from its start
   to the first alert holding one of its tickets (or questions); alerts holding none of them after the
   first 14 days (warm-up) are false alarms.
2. The same seed's background alone (no events, topics or negatives): false alarms per week.
3. Scale: BENCH_INSIGHT_SCALE (1,000,000) background tickets over a year; a full rebuild; then a
   day of new tickets, detected as the live job would (a 5-minute batch, then the rest of the day).
Each part can be run alone: `python -m bench insight` runs all; BENCH_INSIGHT_PARTS=quality,scale.
The simulated tickets stay at 受理 (SimConfig.lifecycle is off): detection reads only `created` and
`invalidated` events, so the lifecycle's 派单 … 办结 events would only add writing time and rows that
detection skips, and the figures recorded in BENCHMARKS.md stay comparable.
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

from bench.insight_replay import bench_app, score
from core.dates import CHINA
from core.db import db
from stats.insight.detect import run_detection
from stats.insight.params import Params
from stats.insight.replay import limits_at, replay
from stats.insight.simulate import SimConfig
from stats.insight.simulate_events import simulate

DAYS = int(os.environ.get("BENCH_INSIGHT_DAYS", "42"))
TICKETS = float(os.environ.get("BENCH_INSIGHT_TICKETS", "3500"))
STEP = float(os.environ.get("BENCH_INSIGHT_STEP", "6"))
SCALE = int(os.environ.get("BENCH_INSIGHT_SCALE", "1000000"))
SEED = int(os.environ.get("BENCH_INSIGHT_SEED", "11"))
WARMUP = 14
END = date(2026, 3, 13)  # a fixed past end inside the heating season (its onset on Nov 1 is a known jump)
SECRET = b"bench-insight"
VOLUME_FACTOR = 0.90  # a year's tickets / (days × tickets_per_day): weekdays and the heating season


def _replayed(config: SimConfig):
    with bench_app() as app, app.app_context():
        result = simulate(db.session, config, city_code="TY")
        db.session.commit()
        start = datetime.combine(result.first, datetime.min.time(), tzinfo=CHINA)
        stop = datetime.combine(result.end, datetime.max.time(), tzinfo=CHINA)
        started = time.perf_counter()
        reports = replay(db.session, start, stop, timedelta(hours=STEP), secret=SECRET, params=Params())
        took = time.perf_counter() - started
        scored = score(result, warmup_days=WARMUP)
        return result, reports, took, scored


def quality() -> None:
    config = SimConfig(days=DAYS, seed=SEED, end=END, tickets_per_day=TICKETS, events_per_week=4.0,
                       warmup_days=WARMUP)
    result, reports, took, scored = _replayed(config)
    print(f"  {result.tickets} tickets, {result.questions} questions, {result.first} – {result.end}; "
          f"{len(reports)} runs every {STEP:g} h in {took:.0f} s (slowest run {max(r.seconds for r in reports):.2f} s)")
    print("  truth     category place                  size start             flagged  by              hours")
    for row in scored.rows:
        truth = row["truth"]
        hours = "" if row["hours"] is None else f"{row['hours']:6.1f}"
        print(f"  {truth.kind:<9} {truth.category or '-':<8} {truth.place[:18]:<20} {truth.size:>5} "
              f"{truth.start[:16]:<17} {'yes' if row['flagged'] else 'no':<8} {','.join(row['kinds']):<15} {hours}")
    events = [row for row in scored.rows if row["truth"].expect_alert]
    in_window = [row for row in events if row["flagged"] and row["hours"] <= 72]
    wrong = [row for row in scored.rows if not row["truth"].expect_alert and row["flagged"]]
    print(f"  injected events and topics flagged within 72 h of their start: {len(in_window)}/{len(events)}; "
          f"negative cases flagged: {len(wrong)}/{len(scored.rows) - len(events)}")
    _false_alarms(scored)


def _false_alarms(scored) -> None:
    by_kind: dict[str, int] = {}
    for alert in scored.false_alarms:
        by_kind[alert.kind] = by_kind.get(alert.kind, 0) + 1
    print(f"  false alarms after the {WARMUP}-day warm-up: {len(scored.false_alarms)} in {scored.weeks:.1f} weeks "
          f"= {len(scored.false_alarms) / scored.weeks:.2f} a week {by_kind or ''}")
    for alert in scored.false_alarms[:12]:
        print(f"    {alert.kind}: {alert.summary}")


def background() -> None:
    config = SimConfig(days=DAYS, seed=SEED, end=END, tickets_per_day=TICKETS, events=False, negatives=False,
                       rising=False, warmup_days=WARMUP)
    result, reports, took, scored = _replayed(config)
    print(f"  background only: {result.tickets} tickets, {len(reports)} runs in {took:.0f} s")
    _false_alarms(scored)


def scale() -> None:
    days = max(60, round(SCALE / 2740))
    per_day = SCALE / days / VOLUME_FACTOR
    config = SimConfig(days=days, seed=SEED + 1, end=END - timedelta(days=1), tickets_per_day=per_day,
                       questions_per_day=400, events=False, negatives=False, rising=False)
    with bench_app() as app, app.app_context():
        started = time.perf_counter()
        result = simulate(db.session, config, city_code="TY")
        db.session.commit()
        print(f"  wrote {result.tickets} tickets and {result.questions} questions over {days} days "
              f"in {time.perf_counter() - started:.0f} s")
        as_of = datetime.combine(result.end, datetime.max.time(), tzinfo=CHINA)
        full = run_detection(db.session, secret=SECRET, now=as_of, full=True, limits=limits_at(db.session, as_of))
        db.session.commit()
        print(f"  full rebuild (facts of the last {Params().retention_days} days: {full.tickets} tickets; "
              f"{full.questions} questions read): {full.seconds:.1f} s")
        day = SimConfig(days=1, seed=SEED + 2, end=END, tickets_per_day=per_day, questions_per_day=400,
                        events=False, negatives=False, rising=False)
        simulate(db.session, day, city_code="TY")
        db.session.commit()
        first = datetime.combine(END, datetime.min.time(), tzinfo=CHINA)
        for label, until in (("a 5-minute batch (09:00–09:05)", first + timedelta(hours=9, minutes=5)),
                             ("the rest of the day", first + timedelta(days=1) - timedelta(seconds=1))):
            if label.startswith("a 5"):
                run_detection(db.session, secret=SECRET, now=first + timedelta(hours=9),
                              limits=limits_at(db.session, first + timedelta(hours=9)))
                db.session.commit()
            report = run_detection(db.session, secret=SECRET, now=until, limits=limits_at(db.session, until))
            db.session.commit()
            print(f"  incremental run, {label}: {report.tickets} new tickets, {report.questions} questions, "
                  f"{report.seconds:.2f} s")


PARTS = {"quality": quality, "background": background, "scale": scale}


def main() -> None:
    for name in os.environ.get("BENCH_INSIGHT_PARTS", ",".join(PARTS)).split(","):
        print(f"-- {name}")
        PARTS[name.strip()]()
