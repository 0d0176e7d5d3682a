"""The three outcomes and how their thresholds are fitted on a labelled set.

decide(): `answer` when the best entry's fused score reaches `answer` and beats the second entry's by
`margin`; otherwise `choices` when it reaches `choices` (the best 2–3 entries: every entry among the
first three at or above `choices`, and at least two); otherwise `none`.

fit_thresholds() chooses them from observations of labelled questions, some of which have no answer
in the index (the evaluation removes the gold entries of a seeded half of the questions, so those
become questions the engine must not answer):
- (answer, margin): among all pairs on a grid, the one answering the most questions while the
  answers given are right at least `precision` of the time (an answer to a question with no answer
  is wrong); ties go to the stricter pair.
- choices: the score that best separates questions whose gold is among the first three from those
  with no answer (the maximum of Youden's J = TPR − FPR), over the questions not answered.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from query.options import Thresholds
from query.results import ANSWER, CHOICES, NONE, Hit

_ANSWER_GRID = [round(0.10 + 0.005 * i, 3) for i in range(181)]  # 0.100 … 1.000
_MARGIN_GRID = [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12, 0.15, 0.20]
_NEVER = 1.01  # above any fused score


def decide(hits: Sequence[Hit], thresholds: Thresholds) -> tuple[str, list[Hit]]:
    if not hits:
        return NONE, []
    top = hits[0].fused
    second = hits[1].fused if len(hits) > 1 else 0.0
    if top >= thresholds.answer and top - second >= thresholds.margin:
        return ANSWER, [hits[0]]
    if top >= thresholds.choices:
        shown = [hit for hit in hits[:3] if hit.fused >= thresholds.choices]
        return CHOICES, list(hits[: max(2, len(shown))])
    return NONE, []


@dataclass(frozen=True)
class Observation:
    top: float  # fused score of the best entry
    second: float  # of the second entry (0 if none)
    top_correct: bool  # the best entry is the gold one
    gold_in_top3: bool
    answerable: bool  # the gold entry is in the index
    weight: float = 1.0  # how much it counts (calibrate gives each set the same total weight)


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    answered: int  # questions that would get a confident answer
    answer_precision: float  # share of those answers that are right
    answerable_to_choices_or_answer: float  # TPR of the choices threshold (gold in top 3, not answered)
    unanswerable_to_none: float  # 1 − FPR: questions without answer that get `none`
    n: int
    n_unanswerable: int


def fit_thresholds(observations: Sequence[Observation], precision: float = 0.97, min_answered: int = 10) -> Calibration:
    top = np.array([o.top for o in observations], dtype=np.float64)
    gap = top - np.array([o.second for o in observations], dtype=np.float64)
    weight = np.array([o.weight for o in observations], dtype=np.float64)
    right = np.array([o.top_correct and o.answerable for o in observations], dtype=bool)
    best = None  # (answered, answer, margin, weighted precision)
    for answer in _ANSWER_GRID:
        for margin in _MARGIN_GRID:
            chosen = (top >= answer) & (gap >= margin)
            answered = int(chosen.sum())
            if answered < min_answered:
                continue
            share = float(weight[chosen & right].sum() / weight[chosen].sum())
            if share >= precision and (best is None or (answered, answer, margin) > best[:3]):
                best = (answered, answer, margin, share)
    answered, answer, margin, share = best if best is not None else (0, _NEVER, 0.0, 1.0)
    rest = ~((top >= answer) & (gap >= margin))
    answerable = np.array([o.answerable for o in observations], dtype=bool)
    in_top3 = np.array([o.gold_in_top3 for o in observations], dtype=bool)
    positive, negative = rest & answerable & in_top3, rest & ~answerable
    choices, tpr, tnr = _youden(top[positive], weight[positive], top[negative], weight[negative])
    return Calibration(
        thresholds=Thresholds(answer=answer, margin=margin, choices=min(choices, answer)),
        answered=answered,
        answer_precision=share,
        answerable_to_choices_or_answer=tpr,
        unanswerable_to_none=tnr,
        n=len(observations),
        n_unanswerable=int((~answerable).sum()),
    )


def _youden(positives: np.ndarray, positive_weights: np.ndarray, negatives: np.ndarray,
            negative_weights: np.ndarray) -> tuple[float, float, float]:
    """(threshold, TPR, TNR) maximising TPR − FPR for `score ≥ threshold` → positive (weighted rates)."""
    if not len(positives):
        return _NEVER, 0.0, 1.0
    candidates = np.unique(np.round(np.concatenate([positives, negatives]), 3))
    tpr = np.array([positive_weights[positives >= c].sum() for c in candidates]) / positive_weights.sum()
    if not len(negatives):  # nothing to reject: keep 95% of the positives
        i = int(np.nonzero(tpr >= 0.95)[0][-1])
        return float(candidates[i]), float(tpr[i]), 1.0
    tnr = np.array([negative_weights[negatives < c].sum() for c in candidates]) / negative_weights.sum()
    i = int(np.argmax(tpr + tnr))
    return float(candidates[i]), float(tpr[i]), float(tnr[i])
