"""The detection job: every 5 minutes the consumer runs one incremental detection (stats.insight.detect)
and commits it; a failed run is rolled back, counted on the detector's state row (shown on /healthz)
and retried by huey. A shared-store lock keeps two runs (a retry and the next tick) from overlapping.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from huey import crontab

from core.db import db
from core.health import health_part
from core.jobs import periodic_job
from core.state import state
from stats.insight.detect import DETECTOR, RunReport, record_failure, run_detection
from stats.insight.models import InsightState
from stats.insight.params import Params

log = logging.getLogger(__name__)
LOCK = "insight:detect"
LOCK_SECONDS = 15 * 60
CATCH_UP_RUNS = 10  # a backlog is read batch by batch, at most this many per tick


def run_once(*, full: bool = False, now: datetime | None = None) -> RunReport | None:
    """One committed run; None when another run holds the lock."""
    if not state.add(LOCK, "1", LOCK_SECONDS):
        log.info("insight detection already running; skipped")
        return None
    try:
        report = run_detection(db.session, secret=current_app.config["SECRET_KEY"].encode(), now=now, full=full,
                               params=Params.from_config(current_app.config))
        db.session.commit()
        return report
    except Exception as exc:
        db.session.rollback()
        record_failure(db.session, exc)
        db.session.commit()
        log.exception("insight detection failed")
        raise
    finally:
        state.delete(LOCK)


@periodic_job(crontab(minute="*/5"), retries=2, retry_delay=60)
def detect_insight() -> None:
    for _ in range(CATCH_UP_RUNS):
        report = run_once()
        if report is None or not report.more:
            return


@health_part("insight")
def detection_health() -> dict:
    """/healthz: the detector's last runs (advisory: a failing job is reported, the node stays up)."""
    found = db.session.get(InsightState, DETECTOR)
    if found is None:
        return {"ok": True, "last_ok_at": None, "failures": 0}
    return {"ok": found.failures == 0, "failures": found.failures, "error": found.last_error or None,
            "last_ok_at": found.last_ok_at.isoformat() if found.last_ok_at else None,
            "last_run_at": found.last_run_at.isoformat() if found.last_run_at else None}
