"""Fitting weights and outcome thresholds on labelled sets, re-runnable:
`python -m query.evaluate FILE [FILE…] [--faq F] --fit-weights --calibrate`.

Weights (fit_weights): the component weights of the fused score are chosen on a grid (the encoder's
weight fixed at 1; without the encoder, bm25's) to maximise the mean over the sets of their top-1
rate: each set counts alike, so a small in-domain set is not drowned by a large general one.

Thresholds (calibrate):
For each set, the gold entries of a seeded half of its distinct gold ids are left out of the index,
so the questions that had them become questions without an answer, as citizens ask every day. The
engine is built on the rest with the configuration given, every question is searched, and
query.outcome.fit_thresholds chooses (answer, margin) for the wanted answer precision and `choices`
by Youden's J. The observations of all sets are pooled, each set weighing the same in the precision
and the rates (not in `min_answered`, a count): give the in-domain set (the demo knowledge base's
held-out questions) when there is one.
"""
from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

import numpy as np

from query.engine import Engine
from query.options import EngineConfig, Weights
from query.outcome import Calibration, Observation, fit_thresholds

_GRID = {"bm25": (0.0, 0.1, 0.2, 0.3), "bm25_chars": (0.0, 0.05, 0.1, 0.2, 0.3), "fuzzy": (0.0, 0.05, 0.1, 0.2)}
_LEXICAL_GRID = {"bm25_chars": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8), "fuzzy": (0.0, 0.1, 0.2, 0.3, 0.5)}


def hold_out(gold_ids: Sequence[int], seed: int = 0) -> set[int]:
    distinct = sorted(set(gold_ids))
    return set(random.Random(seed).sample(distinct, len(distinct) // 2))


def observe(engine: Engine, queries: Sequence[tuple[str, int | None]], unanswerable: AbstractSet[int] = frozenset(),
            weight: float = 1.0) -> list[Observation]:
    """One observation per (question, gold entry id); a gold of None, or in `unanswerable`, means the
    knowledge base has no answer (a held-out set's out-of-scope questions)."""
    observations = []
    for question, gold in queries:
        hits = engine.search(question, limit=3).hits
        ranked = [hit.entry_id for hit in hits]
        observations.append(
            Observation(
                top=hits[0].fused if hits else 0.0,
                second=hits[1].fused if len(hits) > 1 else 0.0,
                top_correct=ranked[:1] == [gold],
                gold_in_top3=gold in ranked,
                answerable=gold is not None and gold not in unanswerable,
                weight=weight,
            )
        )
    return observations


def calibrate(sets, config: EngineConfig, cache=None, precision: float = 0.97, limit: int | None = None,
              seed: int = 0) -> Calibration:
    """`sets`: query.evaluate.EvalSet objects."""
    observations: list[Observation] = []
    for eval_set in sets:
        queries = eval_set.queries[:limit] if limit else eval_set.queries
        removed = hold_out([gold for _, gold in queries], seed)
        engine = Engine.build([e for e in eval_set.entries if e.id not in removed], config, cache=cache)
        observations += observe(engine, queries, removed, weight=1.0 / max(len(queries), 1))
    return fit_thresholds(observations, precision=precision)


def format_calibration(calibration: Calibration) -> str:
    t = calibration.thresholds
    return (
        f"calibration on {calibration.n} questions ({calibration.n_unanswerable} without an answer in the index):\n"
        f"  Thresholds(answer={t.answer}, margin={t.margin}, choices={t.choices})\n"
        f"  confident answers: {calibration.answered}"
        f" ({calibration.answered / max(calibration.n, 1):.1%} of questions),"
        f" {calibration.answer_precision:.1%} right\n"
        f"  not answered: gold among the choices shown for {calibration.answerable_to_choices_or_answer:.1%}"
        f" of those with gold in the top 3; {calibration.unanswerable_to_none:.1%} of questions without an answer"
        f" get `none`"
    )


def fit_weights(sets, config: EngineConfig, cache=None, limit: int | None = None) -> tuple[Weights, list[float]]:
    """The grid's weights with the best mean top-1 rate over `sets`, and those rates (one per set)."""
    per_set = []
    for eval_set in sets:
        engine = Engine.build(eval_set.entries, config, cache=cache)
        entry_ids = np.array([entry.id for entry in engine.entries], dtype=np.int64)
        queries = eval_set.queries[:limit] if limit else eval_set.queries
        candidates = []
        for question, gold in queries:
            _, rows, scores = engine.score_rows(question)
            if len(rows):
                names = [name for name in ("encoder", "bm25", "bm25_chars", "fuzzy") if name in scores]
                matrix = np.stack([scores[name] for name in names], axis=1)
                candidates.append((entry_ids[engine.row_entry[rows]], matrix, names, gold))
        per_set.append((candidates, max(len(queries), 1)))
    grid = _GRID if config.use_encoder else _LEXICAL_GRID
    best: tuple[float, Weights, list[float]] | None = None
    base = Weights(encoder=1.0 if config.use_encoder else 0.0, bm25=1.0)
    for values in itertools.product(*grid.values()):
        weights = replace(base, **dict(zip(grid, values, strict=True)))
        rates = [_top1_count(candidates, weights) / n for candidates, n in per_set]
        mean = sum(rates) / len(rates)
        if best is None or mean > best[0] + 1e-12:
            best = (mean, weights, rates)
    return best[1], best[2]


def _top1_count(candidates, weights: Weights) -> int:
    right = 0
    for entries, matrix, names, gold in candidates:
        fused = matrix @ np.array([getattr(weights, name) for name in names])
        right += entries[int(np.argmax(fused))] == gold
    return right
