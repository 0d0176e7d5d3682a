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

from query.entry import Entry
from query.normalise import clean, fold

if TYPE_CHECKING:
    from query.engine import Engine
    from query.tokenise import Tokeniser

ANSWER_CHARS = 200  # only the answer's opening counts: it names the topic; a long answer matches anything
ROW_FEATURES = ("encoder", "bm25", "bm25_chars", "fuzzy", "char_recall", "char_precision")
ENTRY_FEATURES = ("encoder_second", "encoder_rest", "answer_chars", "answer_words", "keywords")
FEATURES = ROW_FEATURES + ENTRY_FEATURES


def _hashes(terms) -> np.ndarray:
    """Distinct terms as sorted 32-bit hashes (a membership test, not a vocabulary: no strings kept)."""
    return np.unique(np.array([hash(term) & 0xFFFFFFFF for term in set(terms)], dtype=np.uint32))


class AnswerTerms:
    """Each entry's answer as sorted hashes of its word terms and of its character terms, in two flat arrays."""

    def __init__(self, entries: list[Entry], tokeniser: Tokeniser, char_terms):
        word_parts, char_parts = [], []
        for entry in entries:
            words = tokeniser.words(fold(clean(entry.answer[:ANSWER_CHARS]))) if entry.answer else []
            word_parts.append(_hashes(words))
            char_parts.append(_hashes(char_terms(words)))
        self.words, self.word_start = _flat(word_parts)
        self.chars, self.char_start = _flat(char_parts)

    @property
    def nbytes(self) -> int:
        return self.words.nbytes + self.word_start.nbytes + self.chars.nbytes + self.char_start.nbytes


class KeywordIndex:
    """Each entry's keywords (normalised, spaces removed), looked up by the question's substrings."""

    def __init__(self, keywords_per_entry):
        self.entries_of: dict[str, list[int]] = {}
        counts = []
        for index, keywords in enumerate(keywords_per_entry):
            distinct = {k for k in (fold(clean(word)).replace(" ", "") for word in keywords) if k}
            counts.append(len(distinct))
            for keyword in distinct:
                self.entries_of.setdefault(keyword, []).append(index)
        self.longest = max(map(len, self.entries_of), default=0)
        self.count = np.array(counts, dtype=np.float32) if self.entries_of else None  # None: no keywords at all

    def shares(self, asked: str, entries: np.ndarray) -> np.ndarray:
        """For each of `entries`, the share of its keywords that occur in `asked`."""
        found: list[int] = []
        seen: set[str] = set()
        for length in range(1, min(self.longest, len(asked)) + 1):
            for start in range(len(asked) - length + 1):
                part = asked[start:start + length]
                if part not in seen and part in self.entries_of:
                    seen.add(part)
                    found.extend(self.entries_of[part])
        if not found:
            return np.zeros(len(entries), dtype=np.float32)
        matched = np.bincount(np.array(found, dtype=np.int64), minlength=len(self.count))[entries]
        return (matched / np.maximum(self.count[entries], 1.0)).astype(np.float32)


def _flat(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    start = np.zeros(len(parts) + 1, dtype=np.int64)
    start[1:] = np.cumsum([len(part) for part in parts])
    return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)), start


def _gather(start: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the slices start[i]:start[i+1] of `items` concatenated, and which item each is from."""
    lengths = start[items + 1] - start[items]
    owner = np.repeat(np.arange(len(items)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return start[items][owner] + offsets, owner


def _idf_share(hashes: np.ndarray, start: np.ndarray, entries: np.ndarray, query: dict[str, float]) -> np.ndarray:
    """For each entry, the share of the query terms' idf mass found among its hashed terms."""
    total = sum(query.values())
    if not total or not len(hashes):
        return np.zeros(len(entries), dtype=np.float32)
    by_hash: dict[int, float] = {}
    for term, idf in query.items():
        key = hash(term) & 0xFFFFFFFF
        by_hash[key] = by_hash.get(key, 0.0) + idf
    keys = np.array(sorted(by_hash), dtype=np.uint32)
    weights = np.array([by_hash[int(k)] for k in keys], dtype=np.float64)
    positions, owner = _gather(start, entries)
    found = hashes[positions]
    at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
    hit = keys[at] == found
    return (np.bincount(owner[hit], weights=weights[at[hit]], minlength=len(entries)) / total).astype(np.float32)


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
        word_idf = {word: engine.words.idf_of(word) for word in set(words)}
        values["answer_chars"] = _idf_share(answers.chars, answers.char_start, entries, char_idf)
        values["answer_words"] = _idf_share(answers.words, answers.word_start, entries, word_idf)
    if engine.keywords.count is not None:
        values["keywords"] = engine.keywords.shares(lexical.replace(" ", ""), entries)
    return entries, slot, values, row_values


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
