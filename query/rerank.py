"""Re-scoring the candidates: each candidate entry's features (query.features) weighed into one fused
score, and the entries ranked by it.

fused = Σ weightᵢ · featureᵢ / Σ of the positive weights, over the features the engine has (no
encoder, no answers or no keywords in the whole index: those are left out), clipped to [0, 1]: a
weighted mean when no weight is negative (fitted weights may correct one feature with a small negative
weight), so an exact match scores near 1 in any index. The variant shown as matched is the entry's
candidate row whose row features, weighed alike, score best.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from query.features import ROW_FEATURES, entry_features
from query.options import Weights
from query.results import Hit

if TYPE_CHECKING:
    from query.engine import Engine


@dataclass(frozen=True)
class Scored:
    entries: np.ndarray  # the candidate entries (indexes into engine.entries)
    fused: np.ndarray  # one per entry
    values: dict[str, np.ndarray]  # feature → one value per entry (the features the engine has)
    matched: np.ndarray  # each entry's best candidate row


def weight_items(weights: Weights) -> dict[str, float]:
    return {field.name: getattr(weights, field.name) for field in fields(weights)}


def fuse(values: dict[str, np.ndarray], weights: Weights, n: int) -> np.ndarray:
    items = {name: weight for name, weight in weight_items(weights).items() if name in values}
    positive = sum(weight for weight in items.values() if weight > 0) or 1.0
    total = np.zeros(n, dtype=np.float32)
    for name, weight in items.items():
        if weight:
            total += values[name] * np.float32(weight)
    return np.clip(total / np.float32(positive), 0.0, 1.0)


def score_candidates(engine: Engine, rows: np.ndarray, lexical: str, words: list[str], terms: list[str],
                     word_scores: np.ndarray, char_scores: np.ndarray, char_mass: np.ndarray,
                     query_vector: np.ndarray | None, weights: Weights) -> Scored:
    entries, slot, values, row_values = entry_features(engine, rows, lexical, words, terms, word_scores, char_scores,
                                                       char_mass, query_vector)
    fused = fuse(values, weights, len(entries))
    row_score = np.zeros(len(rows), dtype=np.float32)
    for name in ROW_FEATURES:
        weight = getattr(weights, name)
        if weight and name in row_values:
            row_score += row_values[name] * np.float32(weight)
    order = np.lexsort((-row_score, slot))  # by entry, its best row first
    first = np.searchsorted(slot[order], np.arange(len(entries)))
    return Scored(entries, fused, values, rows[order[first]])


def rank_entries(engine: Engine, scored: Scored, limit: int) -> list[Hit]:
    """Entries best first (at most `limit`), each with its matched variant and its feature values."""
    positions = np.argsort(-scored.fused, kind="stable")[: max(limit, 0)]
    names = [*scored.values, "fused"]
    table = np.round(np.stack([*(scored.values[name][positions] for name in names[:-1]),
                               scored.fused[positions]]).astype(np.float64), 4).T.tolist()
    hits: list[Hit] = []
    for position, row_scores in zip(positions, table, strict=True):
        row = int(scored.matched[position])
        entry = engine.entries[int(scored.entries[position])]
        hits.append(Hit(entry_id=entry.id, matched=engine.row_text[row], variant=engine.row_variant[row],
                        scores=dict(zip(names, row_scores, strict=True)), category=entry.category))
    return hits
