"""Fitting the fused score's weights and the outcome thresholds on labelled sets, re-runnable:
`python -m query.evaluate FILE [FILE…] [--faq F] --fit-weights --calibrate`, and for the served
knowledge base `flask faq eval --kb DEVFILE --fit-weights --calibrate [FILE…]` (BENCHMARKS.md).

Weights (fit_weights): every candidate entry of every question is described by its features
(query.features); the weights maximise the mean over the sets of a smoothed top-1 rate (the softmax
probability of the gold entry among the candidates, whose temperature falls as the weights grow),
by Adam from "encoder only". Each set counts alike, so a small in-domain set is not drowned by a
large general one (weighing sets by the square root of their size gave LCQMC 0.866 but taipei 23 of
31 instead of 24: BENCHMARKS.md). A knowledge-base set
(`EvalSet.kind == "kb"`, a development set of citizen questions) is never fitted on: its entries'
own similar questions are, each left out of the index in turn (leave_one_out), so the development
questions stay for the thresholds and for validation.

Thresholds (calibrate): on the knowledge-base sets when there are any, with the index they have:
their questions without an answer (gold null) are what citizens ask beside it. Otherwise on all sets,
each searched twice, with the gold entries of a seeded half of its gold ids left out of the index (so
the questions that had them have no answer) and then the other half. query.outcome.fit_thresholds
chooses (answer, margin) for the wanted answer precision and `choices` by Youden's J; each set weighs
the same in the precision and the rates. Removing half of a knowledge base's entries is a harsher
test (every removed entry leaves its questions to a close neighbour): BENCHMARKS.md reports it beside.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

import numpy as np

from query.engine import Engine
from query.entry import Entry
from query.features import FEATURES
from query.options import EngineConfig, Weights
from query.outcome import Calibration, Observation, fit_thresholds

FOLDS = 5  # leave-one-out folds: fold f leaves out every entry's f-th similar question


def hold_out(gold_ids: Sequence[int | None], seed: int = 0) -> set[int]:
    distinct = sorted({gold for gold in gold_ids if gold is not None})
    return set(random.Random(seed).sample(distinct, len(distinct) // 2))


def leave_one_out(entries: Sequence[Entry]) -> list[tuple[list[Entry], list[tuple[str, int]]]]:
    """(index, questions) per fold: fold f asks every entry's f-th similar question of an index without it."""
    folds = []
    for f in range(FOLDS):
        index, questions = [], []
        for entry in entries:
            if len(entry.similar) > max(f, 1):  # keep at least one similar question in the index
                questions.append((entry.similar[f], entry.id))
                entry = replace(entry, similar=entry.similar[:f] + entry.similar[f + 1 :])
            index.append(entry)
        if questions:
            folds.append((index, questions))
    return folds


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
    """`sets`: query.evaluate.EvalSet objects; the knowledge-base ones only, when there are any, as they
    are (their questions without an answer are the citizens' share of those); any other set with the
    gold entries of each half of its gold ids removed in turn (removal_observations)."""
    chosen = [s for s in sets if s.kind == "kb"] or list(sets)
    observations: list[Observation] = []
    for eval_set in chosen:
        queries = eval_set.queries[:limit] if limit else eval_set.queries
        if eval_set.kind == "kb":
            engine = Engine.build(eval_set.entries, eval_set.config(config), cache=cache)
            observations += observe(engine, queries, weight=1.0 / max(len(queries), 1))
        else:
            observations += removal_observations(eval_set.entries, queries, eval_set.config(config), cache, seed)
    return fit_thresholds(observations, precision=precision)


def removal_observations(entries: Sequence[Entry], queries: Sequence[tuple[str, int | None]], config: EngineConfig,
                         cache=None, seed: int = 0) -> list[Observation]:
    """Every question searched twice: with the gold entries of a seeded half of the gold ids left out of
    the index (those questions now have no answer), and with the other half left out."""
    half = hold_out([gold for _, gold in queries], seed)
    other = {gold for _, gold in queries if gold is not None} - half
    observations: list[Observation] = []
    for removed in (half, other):
        engine = Engine.build([e for e in entries if e.id not in removed], config, cache=cache)
        observations += observe(engine, queries, removed, weight=1.0 / max(2 * len(queries), 1))
    return observations


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


class Candidates:
    """Every question's candidate entries as one feature matrix (rows grouped by question), for fitting."""

    def __init__(self, name: str, weight: float):
        self.name, self.weight = name, weight
        self.blocks: list[np.ndarray] = []
        self.gold: list[int] = []  # the gold entry's row within its block (−1: not a candidate)
        self.n = 0  # questions, including those without candidates

    def add(self, engine: Engine, queries: Sequence[tuple[str, int | None]]) -> None:
        ids = np.array([entry.id for entry in engine.entries], dtype=np.int64)
        for question, gold in queries:
            if gold is None:
                continue
            self.n += 1
            _, scored = engine.score_entries(question)
            if scored is None:
                continue
            matrix = np.zeros((len(scored.entries), len(FEATURES)), dtype=np.float64)
            for j, name in enumerate(FEATURES):
                if name in scored.values:
                    matrix[:, j] = scored.values[name]
            where = np.nonzero(ids[scored.entries] == gold)[0]
            self.blocks.append(matrix)
            self.gold.append(int(where[0]) if len(where) else -1)

    def pack(self) -> None:
        keep = [i for i, g in enumerate(self.gold) if g >= 0]  # a gold never among the candidates teaches nothing
        sizes = np.array([len(self.blocks[i]) for i in keep], dtype=np.int64)
        self.X = np.vstack([self.blocks[i] for i in keep]) if keep else np.zeros((0, len(FEATURES)))
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.target = self.starts + np.array([self.gold[i] for i in keep], dtype=np.int64)
        self.group = np.repeat(np.arange(len(keep)), sizes)
        self.blocks = []

    def top1(self, w: np.ndarray) -> float:
        if not len(self.target):
            return 0.0
        z = self.X @ w
        return float((z[self.target] >= np.maximum.reduceat(z, self.starts) - 1e-12).sum()) / max(self.n, 1)

    def soft_top1(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean softmax probability of the gold entry, and its gradient."""
        if not len(self.target):
            return 0.0, np.zeros_like(w)
        z = self.X @ w
        e = np.exp(z - np.maximum.reduceat(z, self.starts)[self.group])
        p = e / np.add.reduceat(e, self.starts)[self.group]
        gold = p[self.target]
        mean = np.add.reduceat(self.X * p[:, None], self.starts)
        return float(gold.sum()) / self.n, (gold[:, None] * (self.X[self.target] - mean)).sum(axis=0) / self.n


def fit_weights(sets, config: EngineConfig, cache=None, limit: int | None = None,
                steps: int = 3000) -> tuple[Weights, list[float]]:
    """Fitted weights and each set's top-1 rate with them (on what was fitted: LOO for a kb set)."""
    groups = []
    for eval_set in sets:
        folds = leave_one_out(eval_set.entries) if eval_set.kind == "kb" else [(eval_set.entries, eval_set.queries)]
        group = Candidates(eval_set.name, 1.0)
        for entries, queries in folds:
            engine = Engine.build(entries, eval_set.config(config), cache=cache)
            group.add(engine, queries[:limit] if limit else queries)
        group.pack()
        groups.append(group)
    lead = FEATURES.index("encoder" if config.use_encoder else "bm25")
    w = np.zeros(len(FEATURES))
    w[lead] = 20.0
    if not config.use_encoder:
        usable = [j for j, name in enumerate(FEATURES) if not name.startswith("encoder")]
    else:
        usable = list(range(len(FEATURES)))
    w = _adam(groups, w, usable, steps)
    scale = w[lead] if w[lead] > 0 else (w[w > 0].sum() or 1.0)  # the lead feature's weight is 1, as before
    weights = Weights(**{name: round(float(w[j] / scale), 3) for j, name in enumerate(FEATURES)})
    vector = np.array([getattr(weights, name) for name in FEATURES])
    return weights, [group.top1(vector) for group in groups]


def _adam(groups: list[Candidates], w: np.ndarray, usable: list[int], steps: int, rate: float = 0.1) -> np.ndarray:
    total = sum(group.weight for group in groups) or 1.0
    first, second = np.zeros_like(w), np.zeros_like(w)
    mask = np.zeros_like(w)
    mask[usable] = 1.0
    for t in range(1, steps + 1):
        gradient = sum(group.weight * group.soft_top1(w)[1] for group in groups) / total * mask
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        w = w + rate * (first / (1 - 0.9**t)) / (np.sqrt(second / (1 - 0.999**t)) + 1e-8)
    return w
