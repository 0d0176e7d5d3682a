"""Whether a same-event cluster is unusual for its place.

三天三单 alone fires every day in a big city: a compound whose heating is poor all winter sends three
complaints in three days again and again. A cluster therefore becomes a signal only when its
citizens are also improbable against the same place's citizens in the same middle category over
the `cluster_baseline_days` before it: the gamma-Poisson tail of stats.insight.tails with prior
`cluster_prior` citizens per window worth half a window, p ≤ `cluster_alpha`. A chronic place still
shows in the volume spikes and in the media seat's area table.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reference.models import Category
from stats.insight.areas import AreaIndex, distance_m, grid_cell, neighbours
from stats.insight.clusters import Cluster, candidate_clusters
from stats.insight.models import InsightTicket
from stats.insight.params import Params
from stats.insight.tails import Tail, upper_tail


def siblings(session: Session) -> dict[int, list[int]]:
    """Leaf id → the ids of the leaves under the same middle class (itself included)."""
    parents = {row.id: row.parent_id for row in session.execute(select(Category.id, Category.parent_id))}
    by_parent: dict[int | None, list[int]] = defaultdict(list)
    for category_id, parent_id in parents.items():
        by_parent[parent_id].append(category_id)
    return {category_id: by_parent[parent_id] for category_id, parent_id in parents.items()}


def place_tail(session: Session, cluster: Cluster, *, history_start: datetime, params: Params,
               family: list[int]) -> Tail:
    """The cluster's citizens against the same place's citizens (same middle category) before it."""
    end = cluster.first_at
    start = max(end - timedelta(days=params.cluster_baseline_days), history_start)
    centre = None
    if cluster.points:
        centre = (sum(p[0] for p in cluster.points) / len(cluster.points),
                  sum(p[1] for p in cluster.points) / len(cluster.points))
    where = []
    if cluster.place:
        where.append(InsightTicket.place == cluster.place)
    if centre is not None:
        where.append(InsightTicket.grid.in_(neighbours(grid_cell(*centre, params.grid_lat, params.grid_lon))))
    before: set[str] = set()
    if where and end > start:
        query = select(InsightTicket.citizen, InsightTicket.place, InsightTicket.latitude, InsightTicket.longitude) \
            .where(InsightTicket.valid, InsightTicket.category_id.in_(family), InsightTicket.at >= start,
                   InsightTicket.at < end, or_(*where))
        for row in session.execute(query):
            close = centre is not None and row.latitude is not None and distance_m(
                centre[0], centre[1], row.latitude, row.longitude) <= params.cluster_radius_m
            if close or (cluster.place and row.place == cluster.place):
                before.add(row.citizen)
    windows = max(0.0, (end - start).total_seconds() / 86400) / params.cluster_days
    return upper_tail(cluster.citizens, len(before), windows, prior_mean=params.cluster_prior, prior_weight=0.5)


def find_clusters(session: Session, new_facts: list[dict], *, now: datetime, index: AreaIndex, params: Params,
                  history_start: datetime) -> list[Cluster]:
    """Same-event clusters holding a new ticket that are unusual for their place."""
    found = candidate_clusters(session, new_facts, now=now, index=index, params=params)
    family = siblings(session) if found else {}
    for cluster in found:
        cluster.tail = place_tail(session, cluster, history_start=history_start, params=params,
                                  family=family.get(cluster.category_id, [cluster.category_id]))
    return [cluster for cluster in found if cluster.tail.p_value <= params.cluster_alpha]
