"""The evidence for each candidate entry, as a row of features in [0, 1] that query.rerank weighs.

Row features (each the best over the entry's candidate rows):
- bm25, bm25_chars: the row's BM25 score in the word / character channel over the most any row
  could score for these query terms;
- fuzzy: rapidfuzz token_sort_ratio of the segmented question and row / 100;
- char_recall: the share of the query's character terms (characters and bigrams, by idf mass) the
  row has; char_precision: the share of the row's own idf mass the query matches (a long row that
  matches a few characters scores low);
- encoder: cosine of the sentence vectors.
Entry features (the entry as a whole: an entry with many similar questions has more to agree with):
- encoder_second: the cosine of the entry's second-best row (0 with fewer than two encoded rows);
- encoder_rest: the mean cosine of the entry's rows other than the best (0 likewise);
- answer_chars, answer_words: the share of the query's character / word terms (by idf mass) found
  in the entry's short answer: weak evidence, since an answer names what the question is about
  (电线杆, 井盖) in words the questions may not use (0 for an entry without answer);
- keywords: the share of the entry's keywords that occur in the question.
Entry features are 0 for an index whose entries are single questions (LCQMC), and answer and keyword
features are absent from an index without any, so the same weights serve both kinds of index. Why
these, and what else was measured: BENCHMARKS.md ("bench/search and the 微查询 evaluation").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from query.entrytext import idf_share, term_key, word_key

if TYPE_CHECKING:
    from query.engine import Engine

ROW_FEATURES = ("encoder", "bm25", "bm25_chars", "fuzzy", "char_recall", "char_precision")
ENTRY_FEATURES = ("encoder_second", "encoder_rest", "answer_chars", "answer_words", "keywords")
FEATURES = ROW_FEATURES + ENTRY_FEATURES


def _gather(start: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the slices start[i]:start[i+1] of `items` concatenated, and which item each is from."""
    lengths = start[items + 1] - start[items]
    owner = np.repeat(np.arange(len(items)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return start[items][owner] + offsets, owner


def entry_features(engine: Engine, rows: np.ndarray, lexical: str, words: list[str], terms: list[str],
                   word_scores: np.ndarray, char_scores: np.ndarray, char_mass: np.ndarray,
                   query_vector: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray],
                                                            dict[str, np.ndarray]]:
    """(candidate entry indexes, each candidate row's position among them, {feature: one value per entry},
    {row feature: one value per candidate row}).

    `rows`: the candidate rows; `lexical`: the normalised question; `words`, `terms`: its word and
    character terms; the score and mass arrays cover every row (BM25Index.scores_and_mass)."""
    entries, slot = np.unique(engine.row_entry[rows], return_inverse=True)
    n = len(entries)
    char_idf = {term: engine.chars.idf_of(term) for term in set(terms)}
    query_mass = sum(char_idf.values()) or 1.0
    row_values = {
        "bm25": np.minimum(word_scores[rows] / (engine.words.max_score(words) or 1.0), 1.0),
        "bm25_chars": np.minimum(char_scores[rows] / (engine.chars.max_score(terms) or 1.0), 1.0),
        "fuzzy": process.cdist([" ".join(words)], [engine.row_fuzzy[r] for r in rows], scorer=fuzz.token_sort_ratio,
                               dtype=np.float32)[0] / 100.0,
        "char_recall": np.minimum(char_mass[rows] / query_mass, 1.0),
        "char_precision": np.minimum(char_mass[rows] / np.maximum(engine.chars.row_mass[rows], 1e-6), 1.0),
    }
    if query_vector is not None and engine.vectors is not None:
        vectors = engine.vector_of_row[rows]
        similarity = np.zeros(len(rows), dtype=np.float32)
        similarity[vectors >= 0] = engine.vectors.similarities(query_vector, vectors[vectors >= 0])
        row_values["encoder"] = np.clip(similarity, 0.0, 1.0)
    values = {}
    for name, per_row in row_values.items():
        best = np.zeros(n, dtype=np.float32)
        np.maximum.at(best, slot, per_row.astype(np.float32))
        values[name] = best
    if query_vector is not None and engine.vectors is not None:
        values.update(_encoder_features(engine, entries, query_vector))
    answers = engine.answers
    if answers is not None:
        values["answer_chars"] = idf_share(answers.chars, entries, _by_key(char_idf, term_key), query_mass)
        word_idf = {word: engine.words.idf_of(word) for word in set(words)}
        values["answer_words"] = idf_share(answers.words, entries, _by_key(word_idf, word_key), sum(word_idf.values()))
    if engine.keywords.count is not None:  # query.entrytext.KeywordIndex
        values["keywords"] = engine.keywords.shares(lexical.replace(" ", ""), entries)
    return entries, slot, values, row_values


def _by_key(idf: dict[str, float], key) -> dict[int, float]:
    out: dict[int, float] = {}
    for term, value in idf.items():
        out[key(term)] = out.get(key(term), 0.0) + value
    return out


def _encoder_features(engine: Engine, entries: np.ndarray, query_vector: np.ndarray) -> dict[str, np.ndarray]:
    """Best, second-best and mean-of-the-rest cosine over every encoded row of each entry."""
    n = len(entries)
    rows, owner = _gather(engine.entry_start, entries)  # every row of each entry, candidate or not
    vectors = engine.vector_of_row[rows]
    encoded = vectors >= 0
    vectors, owner = vectors[encoded], owner[encoded]
    similarity = np.clip(engine.vectors.similarities(query_vector, vectors), 0.0, 1.0).astype(np.float32)
    order = np.lexsort((-similarity, owner))
    similarity, owner = similarity[order], owner[order]
    count = np.bincount(owner, minlength=n)
    first = np.cumsum(count) - count
    best = np.zeros(n, dtype=np.float32)
    second = np.zeros(n, dtype=np.float32)
    has = count > 0
    best[has] = similarity[first[has]]
    two = count > 1
    second[two] = similarity[first[two] + 1]
    total = np.bincount(owner, weights=similarity, minlength=n)
    rest = np.where(two, (total - best) / np.maximum(count - 1, 1), 0.0).astype(np.float32)
    return {"encoder": best, "encoder_second": second, "encoder_rest": rest}
