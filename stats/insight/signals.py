"""Volume spikes per leaf category × area × window, against the cell's own recent baseline.

Method (parameters in stats.insight.params; measured in BENCHMARKS.md "bench/insight"):
- a cell is (leaf category, area): the whole city, a district, a street, or a ≈1 km grid cell; its
  count per China day is the number of distinct citizens with a valid ticket there (facts.recount);
- for each window w ∈ {1, 3, 7} days ending today, O = the window's count; the baseline is the same
  window 7, 14, 21 and 28 days earlier (the same weekdays: weekly seasonality), using the K ≤ 4
  weeks that lie after the first day with data (K < min_baseline_weeks: not tested; a cell that is
  new while the data is not has K weeks of zeros, so a new area or category can fire);
- a category-wide trend (heating season starting, a holiday) lifts every local cell alike, so a local
  cell's expectation is multiplied by trend = max(1, (city O − cell O + 1) / (city baseline − cell
  baseline + 1)): the rest of the city's change, never lowering it. The city cell has no trend;
- test: O against the gamma-Poisson predictive (stats.insight.tails) with prior mean prior_rate·w
  worth prior_weight windows, shape capped at max_shape (overdispersion); fire when p ≤ alpha,
  O ≥ min_count(w) and O ≥ min_ratio × the larger of the predictive mean and trend × the plain
  baseline mean. One signal per cell per run: the window with the smallest p.
Only cells whose counts changed in this run are evaluated: a cell without new tickets cannot newly
cross its threshold.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from stats.insight.areas import CITY
from stats.insight.facts import chunks
from stats.insight.models import InsightCount, InsightTicket
from stats.insight.params import Params
from stats.insight.tails import Tail, upper_tail

MAX_EVIDENCE = 500


@dataclass
class Signal:
    """A signal above its threshold: what alerts are raised or grown from."""

    kind: str  # spike, cluster, rising
    key: str
    summary: str = ""
    category_id: int | None = None
    area: str = ""
    term: str = ""
    window_days: float = 0
    observed: int = 0
    expected: float = 0.0
    p_value: float = 1.0
    numbers: dict = field(default_factory=dict)
    ticket_ids: list[int] = field(default_factory=list)
    questions: list[tuple[str, int]] = field(default_factory=list)  # (source, id)
    at: datetime | None = None


@dataclass(frozen=True)
class Spike:
    category_id: int
    area: str
    window: int
    tail: Tail
    baseline: tuple[int, ...]  # the window's count 1, 2, … weeks earlier
    trend: float

    @property
    def baseline_mean(self) -> float | None:
        return sum(self.baseline) / len(self.baseline) if self.baseline else None


def load_series(session: Session, cells: list[tuple[int, str]], first: date) -> dict[tuple[int, str], dict[date, int]]:
    series: dict[tuple[int, str], dict[date, int]] = defaultdict(dict)
    for part in chunks(cells, 400):
        query = (select(InsightCount.category_id, InsightCount.area, InsightCount.day, InsightCount.citizens)
                 .where(tuple_(InsightCount.category_id, InsightCount.area).in_(part), InsightCount.day >= first))
        for row in session.execute(query):
            series[(row.category_id, row.area)][row.day] = row.citizens
    return series


def window_sums(days: dict[date, int], end: date, window: int, weeks: int,
                history_start: date) -> tuple[int, list[int]]:
    def total(last: date) -> int:
        return sum(days.get(last - timedelta(days=offset), 0) for offset in range(window))

    baseline = [total(end - timedelta(days=7 * k)) for k in range(1, weeks + 1)
                if end - timedelta(days=7 * k + window - 1) >= history_start]
    return total(end), baseline


def evaluate_spikes(session: Session, cells: set[tuple[int, str]], *, today: date, history_start: date,
                    params: Params) -> list[Spike]:
    """The cells (category, area) that fire today, each with its strongest window."""
    if not cells:
        return []
    wanted = set(cells) | {(category_id, CITY) for category_id, _area in cells}
    span = max(params.windows) + 7 * params.baseline_weeks
    series = load_series(session, sorted(wanted), today - timedelta(days=span))
    found = []
    for category_id, area in sorted(cells):
        best = None
        for window in params.windows:
            observed, baseline = window_sums(series.get((category_id, area), {}), today, window,
                                             params.baseline_weeks, history_start)
            if observed < params.min_count(window) or len(baseline) < params.min_baseline_weeks:
                continue  # too few, or too little history yet for this window
            trend = 1.0
            if area != CITY and baseline:
                city_observed, city_baseline = window_sums(series.get((category_id, CITY), {}), today, window,
                                                           params.baseline_weeks, history_start)
                rest_now = city_observed - observed
                rest_before = (sum(city_baseline) - sum(baseline)) / len(baseline)
                trend = max(1.0, (rest_now + 1) / (rest_before + 1))
            tail = upper_tail(observed, sum(baseline), len(baseline), prior_mean=params.prior_rate * window,
                              prior_weight=params.prior_weight, trend=trend, max_shape=params.max_shape)
            plain = trend * sum(baseline) / len(baseline)  # the prior pulls the predictive mean down
            fires = tail.p_value <= params.alpha and observed >= params.min_ratio * max(tail.expected, plain)
            if fires and (best is None or tail.p_value < best.tail.p_value):
                best = Spike(category_id, area, window, tail, tuple(baseline), trend)
        if best is not None:
            found.append(best)
    return found


def spike_tickets(session: Session, spike: Spike, today: date) -> tuple[list[int], int]:
    """The valid tickets of the spike's cell and window: the most recent MAX_EVIDENCE, and how many."""
    query = select(InsightTicket.ticket_id).where(
        InsightTicket.category_id == spike.category_id, InsightTicket.valid,
        InsightTicket.day > today - timedelta(days=spike.window), InsightTicket.day <= today)
    kind, code = spike.area[:1], spike.area[1:]
    if spike.area != CITY:
        column = {"d": InsightTicket.district_id, "s": InsightTicket.street_id}.get(kind)
        query = query.where(column == int(code) if column is not None else InsightTicket.grid == spike.area)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    return list(session.scalars(query.order_by(InsightTicket.at.desc()).limit(MAX_EVIDENCE))), total
