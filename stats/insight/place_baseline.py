"""Whether a same-event cluster is unusual for its place.

三天三单 alone fires every day in a big city: a compound whose heating is poor all winter sends three
complaints in three days again and again. A cluster therefore becomes a signal only when its
citizens are also improbable against the same place's past over the `cluster_baseline_days` before
it (the gamma-Poisson tail of stats.insight.tails, prior `cluster_prior` citizens per window worth
half a window, p ≤ `cluster_alpha`), where the past counts the place's citizens of the same middle
category **whose tickets were like the cluster's** (words close to one of its tickets by the rule that
linked it) in full, and the others at `cluster_other_share` each: the cluster is only the tickets
that say the same thing, so a compound's everyday heating complaints do not hide a new 整栋延迟供暖,
while a compound that says 整栋不热 every week is its own normal, and three congestion complaints
worded alike by chance on a road that has two a day are that road's everyday (its other tickets
might as well have been worded so). The share was chosen on bench/insight over two seeds (BENCHMARKS.md).
A chronic place still shows in the volume spikes and in the media seat's area table.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reference.models import Category
from stats.insight.areas import AreaIndex, distance_m, grid_cell, neighbours
from stats.insight.clusters import Cluster, candidate_clusters, idf_weights, similarity, ticket_words
from stats.insight.models import InsightTicket
from stats.insight.params import Params
from stats.insight.tails import Tail, upper_tail

HISTORY_COLUMNS = (InsightTicket.citizen, InsightTicket.place, InsightTicket.latitude, InsightTicket.longitude,
                   InsightTicket.district_id, InsightTicket.street_id, InsightTicket.terms)


def siblings(session: Session) -> dict[int, list[int]]:
    """Leaf id → the ids of the leaves under the same middle class (itself included)."""
    parents = {row.id: row.parent_id for row in session.execute(select(Category.id, Category.parent_id))}
    by_parent: dict[int | None, list[int]] = defaultdict(list)
    for category_id, parent_id in parents.items():
        by_parent[parent_id].append(category_id)
    return {category_id: by_parent[parent_id] for category_id, parent_id in parents.items()}


def _centre(cluster: Cluster) -> tuple[float, float] | None:
    if not cluster.points:
        return None
    return (sum(p[0] for p in cluster.points) / len(cluster.points),
            sum(p[1] for p in cluster.points) / len(cluster.points))


def _history(session: Session, cluster: Cluster, start: datetime, end: datetime, family: list[int],
             params: Params) -> list:
    """The place's tickets of the cluster's middle category in [start, end)."""
    centre = _centre(cluster)
    where = []
    if cluster.place:
        where.append(InsightTicket.place == cluster.place)
    if centre is not None:
        where.append(InsightTicket.grid.in_(neighbours(grid_cell(*centre, params.grid_lat, params.grid_lon))))
    if not where or end <= start:
        return []
    query = select(*HISTORY_COLUMNS).where(InsightTicket.valid, InsightTicket.category_id.in_(family),
                                           InsightTicket.at >= start, InsightTicket.at < end, or_(*where))
    return [row for row in session.execute(query)
            if (cluster.place and row.place == cluster.place) or (
                centre is not None and row.latitude is not None
                and distance_m(centre[0], centre[1], row.latitude, row.longitude) <= params.cluster_radius_m)]


def place_tail(cluster: Cluster, past: list[tuple[object, frozenset[str]]], windows: float,
               weight: dict[str, float], params: Params) -> Tail:
    """The cluster's citizens against the place's past citizens (rows with their words): those with
    tickets like the cluster's in full, the others of the middle category at `cluster_other_share`."""
    alike = {row.citizen for row, said in past
             if any(similarity(said, theirs, weight) >= params.cluster_text_similarity for theirs in cluster.words)}
    others = {row.citizen for row, _said in past} - alike
    cluster.alike_before, cluster.others_before = len(alike), len(others)
    return upper_tail(cluster.citizens, len(alike) + params.cluster_other_share * len(others), windows,
                      prior_mean=params.cluster_prior, prior_weight=0.5)


def find_clusters(session: Session, new_facts: list[dict], *, now: datetime, index: AreaIndex, params: Params,
                  history_start: datetime) -> list[Cluster]:
    """Same-event clusters holding a new ticket that are unusual for their place (one idf look-up for
    all of them)."""
    found = candidate_clusters(session, new_facts, now=now, index=index, params=params)
    if not found:
        return []
    family = siblings(session)
    histories = []
    for cluster in found:
        end = cluster.first_at
        start = max(end - timedelta(days=params.cluster_baseline_days), history_start)
        rows = _history(session, cluster, start, end, family.get(cluster.category_id, [cluster.category_id]), params)
        windows = max(0.0, (end - start).total_seconds() / 86400) / params.cluster_days
        histories.append(([(row, ticket_words(row, index)) for row in rows], windows))
    terms = {term for past, _windows in histories for _row, said in past for term in said}
    terms |= {term for cluster in found for said in cluster.words for term in said}
    weight = idf_weights(session, terms, now)
    for cluster, (past, windows) in zip(found, histories, strict=True):
        cluster.tail = place_tail(cluster, past, windows, weight, params)
    return [cluster for cluster in found if cluster.tail.p_value <= params.cluster_alpha]
