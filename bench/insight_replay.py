"""bench/insight's helpers: an app on a throw-away SQLite file, and scoring the alerts a replay raised
against the simulator's ground truth."""
from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app import create_app
from core.dates import CHINA
from core.db import db
from reference.seed import load_seed
from stats.insight.facts import aware
from stats.insight.models import Alert, AlertEvidence
from stats.insight.simulate_events import SimResult


@contextlib.contextmanager
def bench_app(url: str | None = None):
    """An app on a new SQLite file (or `url`) with every table and the reference data."""
    with tempfile.TemporaryDirectory(prefix="bench-insight-") as folder:
        config = {"TESTING": True, "DATA_DIR": folder, "JOBS_IMMEDIATE": True, "STATE_PREFIX": "bench-insight:"}
        if url:
            config["DATABASE_URL"] = url
        app = create_app(config)
        with app.app_context():
            db.create_all()
            load_seed(db.session)
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class Score:
    rows: list[dict]  # per truth row: truth, flagged, kinds, hours (first alert after its start)
    false_alarms: list[Alert]
    weeks: float


def score(result: SimResult, *, warmup_days: int) -> Score:
    """Per truth row: flagged or not, by which alert kinds, how soon (the first time one of its tickets
    or questions was added to an alert); alerts holding none of them, raised after the warm-up, are
    false alarms."""
    evidence = db.session.execute(select(AlertEvidence.alert_id, AlertEvidence.ticket_id,
                                         AlertEvidence.question_source, AlertEvidence.question_id,
                                         AlertEvidence.added_at)).all()
    alerts = {alert.id: alert for alert in db.session.scalars(select(Alert))}
    matched: set[int] = set()
    rows = []
    for truth in result.truth:
        tickets, questions = set(truth.ticket_ids), {tuple(item) for item in truth.question_ids}
        hits = [row for row in evidence
                if row.ticket_id in tickets or (row.question_source, row.question_id) in questions]
        matched.update(row.alert_id for row in hits)
        first = min((aware(row.added_at) for row in hits), default=None)
        start = datetime.fromisoformat(truth.start)
        rows.append({"truth": truth, "flagged": first is not None, "hours": None if first is None else
                     (first - start).total_seconds() / 3600,
                     "kinds": sorted({alerts[row.alert_id].kind for row in hits})})
    cutoff = datetime.combine(result.first + timedelta(days=warmup_days), datetime.min.time(), tzinfo=CHINA)
    false = [alert for alert in alerts.values()
             if alert.id not in matched and aware(alert.first_signal_at) >= cutoff]
    weeks = max(1e-9, (result.end - result.first).days + 1 - warmup_days) / 7
    return Score(rows, false, weeks)
