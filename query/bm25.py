"""Okapi BM25 over an inverted index held in numpy arrays (no per-document Python loop at query time).

Each term's postings (row ids and precomputed BM25 weights idf·tf·(k1+1)/(tf+k1·(1−b+b·len/avglen)))
are one slice of two flat arrays; a query gathers the slices of its terms and adds them up with
`np.bincount`. idf is Lucene's log(1 + (N − n + 0.5)/(n + 0.5)), always positive: rank-bm25's
BM25Okapi idf log((N − n + 0.5)/(n + 0.5)) is zero or negative for any term in half the rows or
more, which in a small knowledge base (a new one, the editors' draft) is most terms.
"""
from __future__ import annotations

import itertools
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np


class BM25Index:
    def __init__(self, docs: Iterable[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        """`docs` may be a generator: only the postings are kept, in compact arrays, while reading."""
        vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)  # a new term: the next id
        row_ids, column_ids, frequencies = array("i"), array("i"), array("i")
        lengths = array("f")
        for row, doc in enumerate(docs):  # one C-level call per list: ≈ 3× faster than appending term by term
            counts = Counter(doc)
            lengths.append(len(doc))
            column_ids.extend(map(vocabulary.__getitem__, counts))
            frequencies.extend(counts.values())
            row_ids.extend(itertools.repeat(row, len(counts)))
        self.vocabulary: dict[str, int] = dict(vocabulary)
        self.n_docs = len(lengths)
        columns = np.frombuffer(column_ids, dtype=np.int32) if column_ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(columns, kind="stable")
        rows = (np.frombuffer(row_ids, dtype=np.int32) if row_ids else np.zeros(0, dtype=np.int32))[order]
        tfs = (np.frombuffer(frequencies, dtype=np.int32) if frequencies else np.zeros(0, dtype=np.int32))[order]
        tfs = tfs.astype(np.float32)
        lengths_array = np.frombuffer(lengths, dtype=np.float32) if lengths else np.zeros(0, dtype=np.float32)
        df = np.bincount(columns, minlength=len(vocabulary)).astype(np.float64)
        self.indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum(df)
        self.idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths_array.mean()) if self.n_docs and lengths_array.sum() else 1.0
        norm = k1 * (1 - b + b * lengths_array / average)
        idf_of = np.repeat(self.idf, np.diff(self.indptr))
        self.rows = rows
        self.weights = (idf_of * tfs * (k1 + 1) / (tfs + norm[rows])).astype(np.float32)
        # each row's idf mass: the sum of its distinct terms' idf (the denominator of query.features' precision)
        self.row_mass = np.bincount(rows, weights=idf_of, minlength=self.n_docs).astype(np.float32)
        # each term's best weight (for max_score); every term of the vocabulary has postings
        self.best_weight = (np.maximum.reduceat(self.weights, self.indptr[:-1]) if len(self.weights)
                            else np.zeros(0, dtype=np.float32))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row (a dense float32 vector; zero where no term matched)."""
        return self.scores_and_mass(terms, mass=False)[0]

    def scores_and_mass(self, terms: Sequence[str], mass: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """BM25 scores of every row and, with `mass`, the idf mass of the query's distinct terms each row has."""
        counts = Counter(self.vocabulary[t] for t in terms if t in self.vocabulary)
        if not counts or not self.n_docs:
            empty = np.zeros(self.n_docs, dtype=np.float32)
            return empty, (empty if mass else None)
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        indptr = self.indptr
        lengths = indptr[columns + 1] - indptr[columns]
        slices = [slice(indptr[c], indptr[c + 1]) for c in columns]
        if len(slices) == 1:
            rows, weights = self.rows[slices[0]], self.weights[slices[0]]
        else:
            rows = np.concatenate([self.rows[s] for s in slices])
            weights = np.concatenate([self.weights[s] for s in slices])
        repeated = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if (repeated > 1).any():  # a term asked twice counts twice, as in the query's term list
            weights = weights * np.repeat(repeated, lengths)
        scores = np.bincount(rows, weights=weights, minlength=self.n_docs).astype(np.float32, copy=False)
        if not mass:
            return scores, None
        matched = np.bincount(rows, weights=np.repeat(self.idf[columns], lengths), minlength=self.n_docs)
        return scores, matched.astype(np.float32, copy=False)

    def idf_of(self, term: str) -> float:
        """The term's idf; a term no row has gets the highest idf there is (rarer than anything indexed)."""
        column = self.vocabulary.get(term)
        if column is not None:
            return float(self.idf[column])
        return float(np.log1p((self.n_docs + 0.5) / 0.5))

    def max_score(self, terms: Sequence[str]) -> float:
        """An upper bound of any row's score for these terms (for scaling): sum of their best weights."""
        vocabulary, best = self.vocabulary, self.best_weight
        return float(sum(best[vocabulary[term]] for term in terms if term in vocabulary))

    @property
    def nbytes(self) -> int:
        return (self.indptr.nbytes + self.rows.nbytes + self.weights.nbytes + self.idf.nbytes + self.row_mass.nbytes
                + self.best_weight.nbytes)
