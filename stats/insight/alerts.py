"""Alerts from signals: raised once per event, grown after.

A signal finds its alert, if any, among alerts whose last signal is within `regrow_days`: the alert
with the same key (the same cell, place or term), else the one sharing at least `overlap` of the
larger evidence set (a street's spike and the 三天三单 cluster behind it are one event; the city's
spike of a category, hundreds of tickets, is not the same event as six of them in one compound; for
questions, of the smaller set: the questions of a rising word inside a bigger topic are that topic).
Found: the alert grows (new evidence, `grown` + 1, a history line; its headline numbers
follow signals of its own key, others are kept under numbers["related"]). A dismissed alert grows
quietly and stays dismissed. Not found: a new open alert.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from core.dates import china_time
from stats.insight.facts import chunks
from stats.insight.models import Alert, AlertEvidence
from stats.insight.params import Params
from stats.insight.signals import Signal

MAX_HISTORY = 100
MAX_RELATED = 20


def _by_overlap(session: Session, signal: Signal, since: datetime, params: Params) -> Alert | None:
    shared: dict[int, int] = {}
    if signal.ticket_ids:
        item, items = AlertEvidence.ticket_id, signal.ticket_ids
    elif signal.questions:
        item, items = tuple_(AlertEvidence.question_source, AlertEvidence.question_id), signal.questions
    else:
        return None
    for part in chunks(list(items), 400):
        query = (select(AlertEvidence.alert_id, func.count()).join(Alert)
                 .where(item.in_(part), Alert.last_signal_at >= since).group_by(AlertEvidence.alert_id))
        for alert_id, count in session.execute(query):
            shared[alert_id] = shared.get(alert_id, 0) + count
    best = None
    for alert_id, count in sorted(shared.items(), key=lambda pair: -pair[1]):
        size = session.scalar(select(func.count()).select_from(AlertEvidence).where(AlertEvidence.alert_id == alert_id))
        # Tickets: a share of the larger set (a city's spike is not the compound's event). Questions: of
        # the smaller (家电 inside 以旧换新 is one topic).
        bound = max(len(items), size) if signal.ticket_ids else min(len(items), size)
        if count >= params.overlap * bound:
            best = alert_id
            break
    return session.get(Alert, best) if best else None


def find_alert(session: Session, signal: Signal, now: datetime, params: Params) -> Alert | None:
    since = now - timedelta(days=params.regrow_days)
    same_key = session.scalar(select(Alert).where(Alert.key == signal.key, Alert.last_signal_at >= since)
                              .order_by(Alert.last_signal_at.desc()).limit(1))
    return same_key or _by_overlap(session, signal, since, params)


def _add_evidence(session: Session, alert: Alert, signal: Signal, now: datetime) -> int:
    have_tickets = set(session.scalars(select(AlertEvidence.ticket_id).where(
        AlertEvidence.alert_id == alert.id, AlertEvidence.ticket_id.is_not(None)))) if alert.id else set()
    have_questions = {(row.question_source, row.question_id) for row in session.execute(
        select(AlertEvidence.question_source, AlertEvidence.question_id).where(
            AlertEvidence.alert_id == alert.id, AlertEvidence.question_id.is_not(None)))} if alert.id else set()
    rows = [AlertEvidence(ticket_id=ticket_id, added_at=now) for ticket_id in signal.ticket_ids
            if ticket_id not in have_tickets]
    rows += [AlertEvidence(question_source=source, question_id=question_id, added_at=now)
             for source, question_id in signal.questions if (source, question_id) not in have_questions]
    if alert.id is None:
        alert.evidence.extend(rows)
    else:  # not through the collection: that would load every row of a big alert first
        for row in rows:
            row.alert_id = alert.id
        session.add_all(rows)
    return len(rows)


def _headline(alert: Alert, signal: Signal) -> None:
    alert.summary = signal.summary[:300]
    alert.window_days = signal.window_days
    alert.observed = signal.observed
    alert.expected = signal.expected
    alert.p_value = signal.p_value
    alert.numbers = {**signal.numbers, "related": (alert.numbers or {}).get("related", {})}


def _history_line(signal: Signal, now: datetime, added: int) -> dict:
    return {"at": china_time(now), "key": signal.key, "summary": signal.summary, "observed": signal.observed,
            "expected": round(signal.expected, 2), "window": signal.window_days, "added": added}


def apply_signal(session: Session, signal: Signal, *, now: datetime, params: Params) -> tuple[Alert, bool]:
    """Raise or grow; returns (alert, raised)."""
    alert = find_alert(session, signal, now, params)
    if alert is None:
        alert = Alert(kind=signal.kind, status="open", key=signal.key[:120], category_id=signal.category_id,
                      area=signal.area, area_name=signal.numbers.get("area_name", "")[:60], term=signal.term[:32],
                      first_signal_at=now, last_signal_at=now, numbers={}, history=[])
        _headline(alert, signal)
        added = _add_evidence(session, alert, signal, now)
        alert.history = [_history_line(signal, now, added)]
        session.add(alert)
        session.flush()
        return alert, True
    added = _add_evidence(session, alert, signal, now)
    changed = added > 0
    if signal.key == alert.key:
        changed = changed or signal.observed != alert.observed
        _headline(alert, signal)
    else:
        related = dict((alert.numbers or {}).get("related", {}))
        changed = changed or related.get(signal.key) != signal.summary
        if signal.key in related or len(related) < MAX_RELATED:
            related[signal.key] = signal.summary
        alert.numbers = {**(alert.numbers or {}), "related": related}
    if changed:
        alert.last_signal_at = now
        alert.grown += 1 if added else 0
        alert.history = [*(alert.history or []), _history_line(signal, now, added)][-MAX_HISTORY:]
    session.flush()
    return alert, False
