"""Signals from what the detectors found: keys, evidence and the one-line summary of each."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from reference.models import Category
from stats.insight.areas import AreaIndex
from stats.insight.clusters import Cluster
from stats.insight.rising import Rising, question_groups, ticket_ids_with_term
from stats.insight.signals import Signal, Spike, spike_tickets
from stats.insight.wording import cluster_summary, rising_summary, spike_summary


def spike_signal(session: Session, spike: Spike, *, today: date, now: datetime, index: AreaIndex,
                 weeks: int) -> Signal:
    tickets, total = spike_tickets(session, spike, today)
    area_name = index.label(spike.area)
    category = session.get(Category, spike.category_id)
    mean = spike.baseline_mean
    summary = spike_summary(area_name, category, spike.window, total, spike.tail.observed, mean, weeks)
    numbers = {"area_name": area_name, "window": spike.window, "citizens": spike.tail.observed, "tickets": total,
               "expected": round(spike.tail.expected, 3),
               "baseline": list(spike.baseline), "baseline_mean": None if mean is None else round(mean, 3),
               "trend": round(spike.trend, 3), "p_value": spike.tail.p_value, "as_of": today.isoformat()}
    return Signal("spike", f"spike:{spike.category_id}:{spike.area}", summary, spike.category_id, spike.area, "",
                  spike.window, spike.tail.observed, spike.tail.expected, spike.tail.p_value, numbers, tickets, [], now)


def cluster_signal(session: Session, cluster: Cluster, *, now: datetime, index: AreaIndex, days: float) -> Signal:
    area = f"s{cluster.street_id}" if cluster.street_id else f"d{cluster.district_id}" if cluster.district_id else ""
    area_name = index.label(area) if area else ""
    category = session.get(Category, cluster.category_id)
    summary = cluster_summary(cluster.place, area_name, category, days, len(cluster.ticket_ids), cluster.citizens)
    where = cluster.place or (f"{cluster.points[0][0]:.3f},{cluster.points[0][1]:.3f}" if cluster.points else area)
    numbers = {"area_name": area_name or cluster.place, "place": cluster.place, "citizens": cluster.citizens,
               "tickets": len(cluster.ticket_ids), "first_at": cluster.first_at.isoformat(),
               "last_at": cluster.last_at.isoformat(), "span_days": round(cluster.days, 2),
               "points": cluster.points[:50]}
    tail = cluster.tail
    numbers.update(expected=round(tail.expected, 3), p_value=tail.p_value, alike_before=cluster.alike_before,
                   others_before=cluster.others_before)
    return Signal("cluster", f"cluster:{cluster.category_id}:{where}", summary, cluster.category_id, area, "", days,
                  cluster.citizens, tail.expected, tail.p_value, numbers, cluster.ticket_ids, [], now)


def rising_signal(session: Session, rising: Rising, *, today: date, now: datetime) -> Signal:
    summary = rising_summary(rising.term, rising.source, rising.window, rising.tail.observed, rising.baseline_mean,
                             rising.baseline_days, rising.unanswered)
    numbers = {"area_name": "", "source": rising.source, "citizens": rising.tail.observed,
               "expected": round(rising.tail.expected, 3), "baseline_sum": rising.baseline_sum,
               "baseline_days": rising.baseline_days, "unanswered": rising.unanswered,
               "p_value": rising.tail.p_value, "as_of": today.isoformat()}
    tickets: list[int] = []
    questions: list[tuple[str, int]] = []
    if rising.source == "question":
        groups = question_groups(session, rising.term, today=today, window=rising.window)
        numbers["groups"] = [{"wording": group.wording, "count": group.count} for group in groups[:10]]
        questions = [item for group in groups for item in group.questions]
    else:
        tickets = ticket_ids_with_term(session, rising.term, today=today, window=rising.window)
    return Signal("rising", f"rising:{rising.source}:{rising.term}", summary, None, "", rising.term, rising.window,
                  rising.tail.observed, rising.tail.expected, rising.tail.p_value, numbers, tickets, questions, now)
