"""One detection run: ingest what is new since the watermarks, evaluate what it touched, raise or grow
alerts. `full=True` drops the derived rows (never alerts) and rebuilds them from the last
`retention_days` of tickets and questions first.

The caller owns the transaction: run_detection writes in the session and the caller commits (the
job, the CLI, the benchmark); a failure is recorded with record_failure after a rollback.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.dates import CHINA, china_date
from core.db import utcnow
from stats.insight.alerts import apply_signal
from stats.insight.areas import AreaIndex
from stats.insight.build import cluster_signal, rising_signal, spike_signal
from stats.insight.facts import (
    TICKET_COLUMNS,
    TicketBatch,
    add_facts,
    aware,
    ingest_ticket_events,
    recount,
    recount_ticket_terms,
)
from stats.insight.models import InsightCount, InsightSeen, InsightState, InsightTerm, InsightTicket, QuestionLog
from stats.insight.params import Params
from stats.insight.place_baseline import find_clusters
from stats.insight.questions import ingest_questions
from stats.insight.rising import evaluate_rising
from stats.insight.signals import evaluate_spikes
from submit.models import Ticket, TicketEvent

DETECTOR = "detector"
REBUILD_CHUNK = 20_000
SEEN_DAYS = 2


@dataclass
class Limits:
    """Replays (the benchmark): read no further than these ids."""

    ticket_event_id: int | None = None
    question_id: int | None = None
    unanswered_id: int | None = None


@dataclass
class RunReport:
    tickets: int = 0
    invalidated: int = 0
    questions: int = 0
    cells: int = 0
    signals: dict = field(default_factory=dict)
    raised: list[int] = field(default_factory=list)
    grown: list[int] = field(default_factory=list)
    more: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def detector_state(session: Session) -> InsightState:
    state = session.get(InsightState, DETECTOR)
    if state is None:
        state = InsightState(name=DETECTOR, ticket_event_id=0, question_id=0, unanswered_id=0, failures=0,
                             last_error="", last_stats={})
        session.add(state)
        session.flush()
    return state


def _reset(session: Session, state: InsightState) -> None:
    for model in (InsightCount, InsightTerm, InsightSeen, InsightTicket):
        session.execute(delete(model))
    state.ticket_event_id = state.question_id = state.unanswered_id = 0
    state.history_start = None


def _rebuild_tickets(session: Session, state: InsightState, *, since: date, now: datetime, index: AreaIndex,
                     params: Params, secret: bytes, upto_event_id: int | None) -> TicketBatch:
    """Every ticket received (or, with a skewed clock, created) since `since`, read by id ranges."""
    last_event = upto_event_id or session.scalar(select(func.max(TicketEvent.id))) or 0
    state.ticket_event_id = last_event
    first_moment = datetime.combine(since, datetime.min.time(), tzinfo=CHINA) - timedelta(days=1)
    last_ticket = session.scalar(select(func.max(TicketEvent.ticket_id)).where(TicketEvent.id <= last_event)) or 0
    batch, after = TicketBatch(), 0
    while True:
        rows = session.execute(select(*TICKET_COLUMNS).where(
            Ticket.id > after, Ticket.id <= last_ticket,
            (Ticket.received_at >= first_moment) | (Ticket.created_at >= first_moment))
            .order_by(Ticket.id).limit(REBUILD_CHUNK)).all()
        if not rows:
            return batch
        add_facts(session, rows, batch, index=index, params=params, secret=secret, now=now, since=since)
        after = rows[-1].id


def _purge(session: Session, today: date, now: datetime, params: Params) -> None:
    oldest = today - timedelta(days=params.retention_days)
    session.execute(delete(InsightTicket).where(InsightTicket.day < oldest))
    session.execute(delete(InsightCount).where(InsightCount.day < oldest))
    session.execute(delete(InsightTerm).where(InsightTerm.day < oldest))
    session.execute(delete(InsightSeen).where(InsightSeen.day < today - timedelta(days=SEEN_DAYS)))
    session.execute(delete(QuestionLog).where(QuestionLog.created_at < now - timedelta(days=params.question_log_days)),
                    execution_options={"synchronize_session": "fetch"})


def run_detection(session: Session, *, secret: bytes, now: datetime | None = None, full: bool = False,
                  params: Params | None = None, limits: Limits | None = None) -> RunReport:
    started = time.perf_counter()
    params, limits = params or Params(), limits or Limits()
    now = aware(now or utcnow())
    today = china_date(now)
    since = today - timedelta(days=params.retention_days)
    state = detector_state(session)
    index = AreaIndex.from_session(session)
    if full:
        _reset(session, state)
        batch = _rebuild_tickets(session, state, since=since, now=now, index=index, params=params, secret=secret,
                                 upto_event_id=limits.ticket_event_id)
    else:
        batch = ingest_ticket_events(session, state, index=index, params=params, secret=secret, now=now,
                                     upto_event_id=limits.ticket_event_id)
    questions = ingest_questions(session, state, now=now, batch_size=params.batch_events, since=since,
                                 upto={"log": limits.question_id, "unanswered": limits.unanswered_id})
    first_days = [fact["day"] for fact in batch.new] + sorted(questions.days)[:1]
    if first_days:
        state.history_start = min([*first_days, *([state.history_start] if state.history_start else [])])
    cells = recount(session, {pair for pair in batch.touched if pair[0] >= since})
    recount_ticket_terms(session, {day for day in batch.days if day >= since})
    _purge(session, today, now, params)
    report = RunReport(tickets=len(batch.new), invalidated=len(batch.invalidated), questions=questions.read,
                       cells=len(cells), more=batch.more or questions.more)
    history_start = state.history_start or today
    if (today - history_start).days < params.min_history_days:  # warm-up: nothing to compare with yet
        return _finish(state, report, started, full, now)
    recent = today - timedelta(days=max(params.windows) - 1)
    live_cells = {cell for cell, last_day in cells.items() if last_day >= recent}
    since_moment = datetime.combine(history_start, datetime.min.time(), tzinfo=CHINA)
    signals = [cluster_signal(session, cluster, now=now, index=index, days=params.cluster_days)
               for cluster in find_clusters(session, batch.new, now=now, index=index, params=params,
                                            history_start=since_moment)]
    signals += [spike_signal(session, spike, today=today, now=now, index=index, weeks=params.baseline_weeks)
                for spike in evaluate_spikes(session, live_cells, today=today, history_start=history_start,
                                             params=params)]
    signals += [rising_signal(session, rising, today=today, now=now)
                for rising in evaluate_rising(session, today=today, history_start=history_start, params=params)]
    for signal in signals:
        report.signals[signal.kind] = report.signals.get(signal.kind, 0) + 1
        alert, raised = apply_signal(session, signal, now=now, params=params)
        (report.raised if raised else report.grown).append(alert.id)
    return _finish(state, report, started, full, now)


def _finish(state: InsightState, report: RunReport, started: float, full: bool, now: datetime) -> RunReport:
    report.seconds = round(time.perf_counter() - started, 3)
    state.last_run_at = state.last_ok_at = utcnow()
    state.failures, state.last_error = 0, ""
    state.last_stats = {**report.as_dict(), "raised": report.raised[:50], "grown": sorted(set(report.grown))[:50],
                        "full": full, "as_of": now.isoformat()}
    return report


def record_failure(session: Session, error: BaseException) -> InsightState:
    """After a rollback: count the failure for /healthz (the job is retried)."""
    state = detector_state(session)
    state.last_run_at = utcnow()
    state.failures = (state.failures or 0) + 1
    state.last_error = f"{type(error).__name__}: {error}"[:300]
    session.flush()
    return state
