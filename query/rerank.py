"""Re-scoring a few dozen candidate rows with every signal, and turning rows into ranked entries.

Component scores, each in [0, 1]:
- bm25: the row's word-channel BM25 score over the most any row could score for these query words
  (the sum of each term's best weight), so it is comparable between questions and indexes;
- bm25_chars: the same for the character channel;
- fuzzy: rapidfuzz token_sort_ratio of the segmented question and row / 100 (segmented text: raw
  Chinese is one "token" to rapidfuzz);
- encoder: cosine of the sentence vectors (negative clipped to 0).
fused = the weighted mean of the components (query.options.Weights).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from query.options import Weights
from query.results import Hit

if TYPE_CHECKING:
    from query.engine import Engine

COMPONENTS = ("bm25", "bm25_chars", "fuzzy", "encoder")


def score_candidates(
    engine: Engine,
    rows: np.ndarray,
    words: list[str],
    word_scores: np.ndarray,
    char_scores: np.ndarray,
    query_vector: np.ndarray | None,
    weights: Weights,
) -> dict[str, np.ndarray]:
    from query.engine import char_terms

    word_bound = engine.words.max_score(words) or 1.0
    char_bound = engine.chars.max_score(char_terms(words)) or 1.0
    components = {
        "bm25": np.minimum(word_scores[rows] / word_bound, 1.0),
        "bm25_chars": np.minimum(char_scores[rows] / char_bound, 1.0),
        "fuzzy": process.cdist(
            [" ".join(words)], [engine.row_fuzzy[r] for r in rows], scorer=fuzz.token_sort_ratio, dtype=np.float32
        )[0]
        / 100.0,
    }
    used = {"bm25": weights.bm25, "bm25_chars": weights.bm25_chars, "fuzzy": weights.fuzzy}
    if query_vector is not None and engine.vectors is not None:
        vectors = engine.vector_of_row[rows]
        with_vector = vectors >= 0
        similarity = np.zeros(len(rows), dtype=np.float32)
        similarity[with_vector] = engine.vectors.similarities(query_vector, vectors[with_vector])
        components["encoder"] = np.clip(similarity, 0.0, 1.0)
        used["encoder"] = weights.encoder
    total = sum(used.values()) or 1.0
    fused = sum(components[name] * weight for name, weight in used.items()) / total
    components["fused"] = np.asarray(fused, dtype=np.float32)
    return components


def rank_entries(engine: Engine, rows: np.ndarray, scores: dict[str, np.ndarray], limit: int) -> list[Hit]:
    """Entries best first, each represented by its best-scoring row."""
    fused = scores["fused"]
    order = np.argsort(-fused, kind="stable")
    hits: list[Hit] = []
    seen: set[int] = set()
    for position in order:
        row = int(rows[position])
        entry_index = int(engine.row_entry[row])
        if entry_index in seen:
            continue
        seen.add(entry_index)
        entry = engine.entries[entry_index]
        hits.append(
            Hit(
                entry_id=entry.id,
                matched=engine.row_text[row],
                variant=engine.row_variant[row],
                scores={name: round(float(values[position]), 4) for name, values in scores.items()},
                category=entry.category,
            )
        )
        if len(hits) >= limit:
            break
    return hits
