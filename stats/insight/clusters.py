"""Same-event clusters (三天三单 by default): tickets about one place, close in text, within a window,
from distinct citizens.

- Place: tickets naming the same place key (compound, site or road from stats.insight.areas; in the
  same district when both say, and within SAME_NAME_METRES when both have a map point: names repeat
  across a city) are one place, and two named places are two however close; a ticket with a map
  point and no place name belongs to the places of the new tickets within `cluster_radius_m`.
  Grouping by place first means a busy street cannot chain compound after compound into one "event".
- Text: the words of a ticket (its terms without the place's and the area's own words) weighted by
  rarity among the last four weeks of tickets (idf = ln((N + 1) / (df + 1))); two tickets are close
  when the weighted Jaccard similarity of their words reaches `cluster_text_similarity` (within one
  middle class of the category tree; across classes CROSS_FAMILY_SIMILARITY). Words every complaint
  uses (已经, 两天, 老人, 希望) weigh little; what citizens reporting one event share (整栋, 打桩, the
  landmark) weighs much. One citizen's tickets about a place always join, and count once.
- A cluster is a connected group of close tickets in one place within the `cluster_days` ending now,
  with at least `cluster_min_citizens` distinct citizens and a ticket new in this run; it becomes a
  signal when it is also unusual for its place (stats.insight.place_baseline).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reference.models import Category
from stats.insight.areas import AreaIndex, distance_m, neighbours
from stats.insight.facts import aware, chunks
from stats.insight.models import InsightTerm, InsightTicket
from stats.insight.params import Params
from stats.insight.tails import Tail

SAME_NAME_METRES = 3000
CROSS_FAMILY_SIMILARITY = 0.6  # tickets filed under different middle classes must say much the same
IDF_DAYS = 28
FACT_COLUMNS = (InsightTicket.ticket_id, InsightTicket.at, InsightTicket.category_id, InsightTicket.district_id,
                InsightTicket.street_id, InsightTicket.grid, InsightTicket.place, InsightTicket.latitude,
                InsightTicket.longitude, InsightTicket.citizen, InsightTicket.terms)


@dataclass
class Cluster:
    ticket_ids: list[int]
    citizens: int
    category_id: int  # the most frequent category
    place: str  # the most named place, or ""
    street_id: int | None
    district_id: int | None
    first_at: datetime
    last_at: datetime
    points: list[tuple[float, float]]
    words: list[frozenset[str]]  # each ticket's words (ticket_words), for the place's own past
    tail: Tail | None = None  # against the place's own past (stats.insight.place_baseline)
    alike_before: int = 0  # the place's past citizens of the class with tickets like these …
    others_before: int = 0  # … and with other tickets of the class

    @property
    def days(self) -> float:
        return (self.last_at - self.first_at).total_seconds() / 86400


def _pool(session: Session, anchors: list[dict], since: datetime) -> dict[int, object]:
    places = sorted({fact["place"] for fact in anchors if fact["place"]})
    grids = sorted({cell for fact in anchors if fact["grid"] for cell in neighbours(fact["grid"])})
    pool = {}
    for column, keys in ((InsightTicket.place, places), (InsightTicket.grid, grids)):
        for part in chunks(keys):
            query = select(*FACT_COLUMNS).where(column.in_(part), InsightTicket.at >= since, InsightTicket.valid)
            pool.update((row.ticket_id, row) for row in session.execute(query))
    return pool


def _distance(a, b) -> float | None:
    if a.latitude is None or b.latitude is None:
        return None
    return distance_m(a.latitude, a.longitude, b.latitude, b.longitude)


def _vague(row) -> bool:
    """A ticket that names its place but neither its district nor a map point."""
    return not row.district_id and row.latitude is None


def _same_place(anchor, row, params: Params, repeated: set[str]) -> bool:
    if row.ticket_id == anchor.ticket_id:
        return True
    distance = _distance(anchor, row)
    if anchor.place and row.place == anchor.place:
        if anchor.place in repeated and (_vague(anchor) or _vague(row)):
            return False  # a name found in several districts, without a district or point: which one?
        same_district = not (anchor.district_id and row.district_id and anchor.district_id != row.district_id)
        return same_district and (distance is None or distance <= SAME_NAME_METRES)
    if anchor.place and row.place:
        return False  # two named places are two places, however close
    return distance is not None and distance <= params.cluster_radius_m


def _places(rows: list, anchors: list, params: Params) -> list[list]:
    """One group of pool rows per distinct place of the new tickets. A place name found in several
    districts (纺织南路 of two districts, two 和平小区) is not one place for a ticket that says neither
    its district nor a map point: it joins no group, rather than join them all."""
    by_place: dict[str, list] = defaultdict(list)
    by_grid: dict[str, list] = defaultdict(list)
    districts: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.place:
            by_place[row.place].append(row)
            if row.district_id:
                districts[row.place].add(row.district_id)
        if row.grid:
            by_grid[row.grid].append(row)
    repeated = {place for place, found in districts.items() if len(found) > 1}
    seen: set[frozenset[int]] = set()
    groups = []
    for anchor in anchors:
        nearby = {row.ticket_id: row for row in by_place.get(anchor.place, ())} if anchor.place else {}
        if anchor.grid:
            nearby.update((row.ticket_id, row) for cell in neighbours(anchor.grid) for row in by_grid.get(cell, ()))
        group = sorted((row for row in nearby.values() if _same_place(anchor, row, params, repeated)),
                       key=lambda row: (aware(row.at), row.ticket_id))
        key = frozenset(row.ticket_id for row in group)
        if key not in seen:
            seen.add(key)
            groups.append(group)
    return groups


def idf_weights(session: Session, terms: set[str], now: datetime) -> dict[str, float]:
    first = (now - timedelta(days=IDF_DAYS)).date()
    total = session.scalar(select(func.count()).select_from(InsightTicket).where(InsightTicket.day >= first)) or 0
    df: dict[str, int] = {}
    for part in chunks(sorted(terms)):
        df.update(session.execute(select(InsightTerm.term, func.sum(InsightTerm.citizens)).where(
            InsightTerm.source == "ticket", InsightTerm.day >= first, InsightTerm.term.in_(part))
            .group_by(InsightTerm.term)).all())
    return {term: math.log((total + 1) / (int(df.get(term) or 0) + 1)) for term in terms}


def ticket_words(row, index: AreaIndex) -> frozenset[str]:
    place = row.place or ""
    own = [name for name in (index.names.get(row.district_id, ""), index.names.get(row.street_id, "")) if name]
    return frozenset(term for term in row.terms or () if term not in place and not any(term in name for name in own))


def similarity(a: frozenset[str], b: frozenset[str], weight: dict[str, float]) -> float:
    """Weighted Jaccard: the weight of the shared words over the weight of all their words."""
    union = sum(weight.get(term, 0.0) for term in a | b)
    return sum(weight.get(term, 0.0) for term in a & b) / union if union else 0.0


def _close(a, b, words: dict[int, frozenset[str]], weight: dict[str, float], family: dict[int, int],
           params: Params) -> bool:
    if a.citizen == b.citizen:
        return True
    score = similarity(words[a.ticket_id], words[b.ticket_id], weight)
    same_family = family.get(a.category_id, a.category_id) == family.get(b.category_id, b.category_id)
    return score >= params.cluster_text_similarity if same_family else score >= CROSS_FAMILY_SIMILARITY


def _components(rows: list, words: dict[int, frozenset[str]], weight: dict[str, float], family: dict[int, int],
                params: Params) -> list[list]:
    parent = {row.ticket_id: row.ticket_id for row in rows}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, a in enumerate(rows):
        for b in rows[n + 1:]:
            if root(a.ticket_id) == root(b.ticket_id):
                continue
            if _close(a, b, words, weight, family, params):
                parent[root(a.ticket_id)] = root(b.ticket_id)
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[root(row.ticket_id)].append(row)
    return list(groups.values())


def _cluster(group: list, words: dict[int, frozenset[str]]) -> Cluster:
    times = [aware(row.at) for row in group]
    places = Counter(row.place for row in group if row.place)

    def most(attribute: str):
        return Counter(getattr(row, attribute) for row in group).most_common(1)[0][0]

    return Cluster(sorted(row.ticket_id for row in group), len({row.citizen for row in group}), most("category_id"),
                   places.most_common(1)[0][0] if places else "", most("street_id"), most("district_id"),
                   min(times), max(times), [(row.latitude, row.longitude) for row in group if row.latitude is not None],
                   [words[row.ticket_id] for row in group])


def candidate_clusters(session: Session, new_facts: list[dict], *, now: datetime, index: AreaIndex,
                       params: Params) -> list[Cluster]:
    """Clusters of at least `cluster_min_citizens` that hold a new ticket (before the place test)."""
    since = now - timedelta(days=params.cluster_days)
    fresh = [fact for fact in new_facts if fact["valid"] and aware(fact["at"]) >= since
             and (fact["place"] or fact["grid"])]
    if not fresh:
        return []
    pool = _pool(session, fresh, since)
    rows = sorted(pool.values(), key=lambda row: (aware(row.at), row.ticket_id))
    anchors = [pool[fact["ticket_id"]] for fact in fresh if fact["ticket_id"] in pool]
    new_ids = {row.ticket_id for row in anchors}
    words = {row.ticket_id: ticket_words(row, index) for row in rows}
    weight = idf_weights(session, set().union(*words.values()), now) if words else {}
    family = {row.id: row.parent_id or row.id for row in session.execute(select(Category.id, Category.parent_id))}
    found, seen = [], set()
    for place in _places(rows, anchors, params):
        for group in _components(place, words, weight, family, params):
            ids = frozenset(row.ticket_id for row in group)
            if (ids in seen or not new_ids & ids
                    or len({row.citizen for row in group}) < params.cluster_min_citizens):
                continue
            seen.add(ids)
            found.append(_cluster(group, words))
    return found
