"""Detection parameters: every threshold in one frozen dataclass.

Defaults are what BENCHMARKS.md ("bench/insight") measured; `Params.from_config(app.config)` takes
overrides from app config keys INSIGHT_<FIELD> (e.g. INSIGHT_CLUSTER_MIN_CITIZENS=4), as tests and the
benchmark pass them; the ones an operator tunes are also settings (HOTLINE_INSIGHT_…, config.SETTINGS),
where unset (None) means the default here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Params:
    # Volume spikes (stats.insight.signals)
    windows: tuple[int, ...] = (1, 3, 7)  # days ending today
    baseline_weeks: int = 4  # the same window 7, 14, 21, 28 days earlier (weekly seasonality)
    alpha: float = 3e-6  # upper-tail probability that fires
    min_ratio: float = 2.0  # observed / expected must be at least this
    min_counts: tuple[int, ...] = (5, 6, 8)  # distinct citizens per window (same order as windows)
    prior_rate: float = 0.2  # prior mean, citizens per day of a cell with no history
    prior_weight: float = 0.1  # the prior is worth this many baseline windows
    min_baseline_weeks: int = 2  # fewer weeks of history for a window: not tested
    max_shape: float = 50.0  # overdispersion: at least (1/√50 ≈ 14%)² extra relative variance
    grid_lat: float = 0.009  # ≈ 1 km cells
    grid_lon: float = 0.0115
    # Same-event clusters (stats.insight.clusters): 三天三单 by default
    cluster_days: float = 3.0
    cluster_min_citizens: int = 3
    cluster_radius_m: float = 150.0  # a ticket with only a map point: this close to a place is at it
    cluster_text_similarity: float = 0.25  # weighted Jaccard of the tickets' words (idf weights), 0–1
    cluster_alpha: float = 1e-4  # … and unusual for the place: upper tail against its past tickets like these,
    cluster_other_share: float = 0.1  # … its other past tickets of the middle class counting this much each
    cluster_baseline_days: int = 28
    cluster_prior: float = 0.1  # prior citizens per window at a place with no history
    # Rising terms and question groups (stats.insight.rising)
    rising_days: int = 3
    rising_baseline_days: int = 28
    rising_alpha: float = 1e-6
    rising_min_ratio: float = 3.0
    rising_min_citizens: int = 10
    rising_ticket_min_citizens: int = 10
    # Warm-up: no signal of any kind until the data (all of it, not a cell's) covers this many days
    min_history_days: int = 7
    # Alerts (stats.insight.alerts)
    regrow_days: int = 7  # a signal within this many days of an alert's last one may grow it
    overlap: float = 0.34  # share of the larger evidence set two signals must share to be one event
    # Ingest (stats.insight.facts)
    retention_days: int = 56  # facts and counts kept (baseline + trends); a full rebuild reads this far back
    question_log_days: int = 365  # the light question log (answered questions' text, no openid) is kept this long
    skew_minutes: int = 10  # received_at later than created_at by more: the server's time is used
    batch_events: int = 200_000  # ticket events read per run at most (the next run continues)

    @classmethod
    def from_config(cls, config: Mapping) -> Params:
        overrides = {field.name: config[f"INSIGHT_{field.name.upper()}"] for field in fields(cls)
                     if config.get(f"INSIGHT_{field.name.upper()}") is not None}
        return replace(cls(), **overrides)

    def min_count(self, window: int) -> int:
        return self.min_counts[self.windows.index(window)]
