"""The small-count test behind spikes and rising terms: a gamma-Poisson (negative binomial) upper tail.

A cell's count in a window is Poisson with an unknown rate λ. The prior on λ is Gamma with mean
`prior_mean` worth `prior_weight` windows; after K baseline windows with ΣS counts the posterior is
Gamma(shape = prior_mean·prior_weight + ΣS, rate = prior_weight + K), and the next window's count is
negative binomial with that shape and mean shape/rate (times `trend`, see stats.insight.signals);
the shape may be capped (`max_shape`): real counts vary from day to day more than a Poisson rate.
p = P(X ≥ observed) under it. With little or no history the predictive is wide, so a new area or
category needs many citizens to fire; with a long quiet history a few do. Computed here (a 20-line
sum from the observed count upward with lgamma) rather than with SciPy, which the project does not
otherwise need.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MAX_TERMS = 200_000
TOLERANCE = 1e-13


def nb_upper_tail(k: int, shape: float, mean: float) -> float:
    """P(X ≥ k) for X negative binomial with this shape (r > 0) and mean (μ ≥ 0)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    shape = max(shape, 1e-9)
    q = shape / (shape + mean)  # success probability
    log_term = (math.lgamma(k + shape) - math.lgamma(shape) - math.lgamma(k + 1)
                + shape * math.log(q) + k * math.log1p(-q))
    term = math.exp(log_term)
    total, j = term, k
    mode = max(0.0, (shape - 1) * (1 - q) / q)
    for _ in range(MAX_TERMS):
        term *= (j + shape) / (j + 1) * (1 - q)
        j += 1
        total += term
        if j > mode and term <= total * TOLERANCE:
            break
    return min(1.0, total)


@dataclass(frozen=True)
class Tail:
    observed: int
    expected: float  # the predictive mean
    p_value: float

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.inf


def upper_tail(observed: int, baseline_sum: float, baseline_windows: float, *, prior_mean: float,
               prior_weight: float, trend: float = 1.0, max_shape: float | None = None) -> Tail:
    """The posterior-predictive test of one window's count against its baseline windows; `max_shape`
    keeps at least 1/max_shape of squared extra variance (counts wander more than Poisson)."""
    shape = prior_mean * prior_weight + baseline_sum
    rate = prior_weight + baseline_windows
    mean = trend * shape / rate
    return Tail(observed, mean, nb_upper_tail(observed, min(shape, max_shape or shape), mean))
