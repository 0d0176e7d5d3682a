"""The answer engine: an immutable index of entries, searched with a citizen's question.

Build: every variant of an entry (standard question, each similar question, the keywords joined) is
a row. Each row is indexed three ways: BM25 over words (rjieba + editors' dictionary + synonyms),
BM25 over characters and character bigrams (colloquial vs formal wording shares characters more
than words), and, with `use_encoder`, a sentence vector (query.vectors).
Search: the best `candidates` rows of each channel pick the candidate entries; each is scored on
its rows and as a whole (its other rows, its answer, its keywords: query.features) into one fused
score (query.rerank); the outcome comes from calibrated thresholds (query.outcome).
An Engine never changes after build, so any number of threads may search it at once.
"""
from __future__ import annotations

import time
from array import array
from collections.abc import Iterable, MutableMapping

import numpy as np

from query.bm25 import BM25Index
from query.encoder import MemoryCache, SentenceEncoder, default_encoder, encode_with_cache
from query.entry import Entry
from query.entrytext import AnswerTerms, KeywordIndex
from query.normalise import clean, fold
from query.options import EngineConfig, Weights
from query.outcome import decide
from query.rerank import Scored, rank_entries, score_candidates
from query.results import NONE, SearchResult
from query.tokenise import Tokeniser
from query.vectors import VectorIndex

QUESTION, SIMILAR, KEYWORDS = "question", "similar", "keywords"


def char_terms(words: list[str]) -> list[str]:
    """Terms of the character channel: the characters and character bigrams of the canonical text."""
    return Tokeniser.bigrams(words) + list("".join(words))


class Engine:
    def __init__(self, config: EngineConfig):
        """An empty engine; use Engine.build."""
        self.config = config
        self.entries: list[Entry] = []
        self.row_entry = np.zeros(0, dtype=np.int32)
        self.entry_start = np.zeros(1, dtype=np.int64)  # an entry's rows are entry_start[e]:entry_start[e + 1]
        self.answers: AnswerTerms | None = None  # None when no entry has an answer
        self.keywords = KeywordIndex([])
        self.row_text: list[str] = []
        self.row_variant: list[str] = []
        self.row_fuzzy: list[str] = []
        self.tokeniser = Tokeniser(config.user_words, config.synonyms)
        self.words = BM25Index([])
        self.chars = BM25Index([])
        self.vectors: VectorIndex | None = None
        self.vector_of_row = np.zeros(0, dtype=np.int32)  # row → its vector's index, −1 for keyword rows
        self.vector_rows = np.zeros(0, dtype=np.int32)  # vector index → row
        self.encoder: SentenceEncoder | None = None
        self.stats: dict = {"entries": 0, "rows": 0, "encoded": 0, "seconds": {}}

    @classmethod
    def empty(cls, config: EngineConfig | None = None) -> Engine:
        return cls(config or EngineConfig())

    @classmethod
    def build(
        cls,
        entries: Iterable[Entry],
        config: EngineConfig | None = None,
        cache: MutableMapping[str, bytes] | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> Engine:
        """Index `entries`. `cache` keeps sentence vectors across builds (default: a new in-memory one);
        `encoder` replaces the default sentence encoder (tests)."""
        started = time.perf_counter()
        engine = cls(config or EngineConfig())
        seconds = engine.stats["seconds"]
        cleaned: list[str] = []
        row_entry, vector_rows = array("i"), array("i")
        for entry in entries:
            index = len(engine.entries)
            engine.entries.append(entry)
            seen = set()
            variants = [(entry.question, QUESTION)] + [(s, SIMILAR) for s in entry.similar]
            if entry.keywords:
                variants.append((" ".join(entry.keywords), KEYWORDS))
            for text, variant in variants:
                light = clean(text or "")
                lexical = fold(light)
                if not lexical or lexical in seen:
                    continue
                seen.add(lexical)
                row_entry.append(index)
                engine.row_text.append(text)
                engine.row_variant.append(variant)
                engine.row_fuzzy.append(" ".join(engine.tokeniser.words(lexical)))  # the words, kept compactly
                if variant != KEYWORDS:  # a keyword list is no sentence (encoding it changed no figure)
                    cleaned.append(light)
                    vector_rows.append(len(row_entry) - 1)
        engine.row_entry = np.array(row_entry, dtype=np.int32)
        engine.entry_start = np.searchsorted(engine.row_entry, np.arange(len(engine.entries) + 1)).astype(np.int64)
        if any(entry.answer for entry in engine.entries):
            engine.answers = AnswerTerms([entry.answer for entry in engine.entries], engine.tokeniser)
        engine.keywords = KeywordIndex(entry.keywords for entry in engine.entries)
        seconds["text"] = time.perf_counter() - started
        mark = time.perf_counter()
        # the terms are made again from the kept words, row by row: holding every row's terms at once cost
        # ≈ 300 MB of RSS at 10k entries (40k rows), which the allocator then keeps
        engine.words = BM25Index(words.split(" ") for words in engine.row_fuzzy)
        engine.chars = BM25Index(char_terms(words.split(" ")) for words in engine.row_fuzzy)
        seconds["bm25"] = time.perf_counter() - mark
        if engine.config.use_encoder:
            mark = time.perf_counter()
            engine.encoder = encoder or default_encoder()
            getattr(engine.encoder, "load", lambda: None)()  # the first question must not pay for loading
            quantised, scales, encoded = encode_with_cache(
                cleaned, engine.encoder, cache if cache is not None else MemoryCache()
            )
            seconds["encode"] = time.perf_counter() - mark
            mark = time.perf_counter()
            engine.vectors = VectorIndex(quantised, scales)
            engine.vector_rows = np.array(vector_rows, dtype=np.int32)
            engine.vector_of_row = np.full(len(row_entry), -1, dtype=np.int32)
            engine.vector_of_row[engine.vector_rows] = np.arange(len(vector_rows), dtype=np.int32)
            seconds["vectors"] = time.perf_counter() - mark
            engine.stats["encoded"] = encoded
        engine.stats.update(entries=len(engine.entries), rows=len(engine.row_text))
        _return_freed_memory()
        seconds["total"] = time.perf_counter() - started
        return engine

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, question: str, limit: int = 10) -> SearchResult:
        """Rank entries for `question`; never raises on any str (or None)."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        lexical, scored = self.score_entries(question, timings=timings)
        if scored is None or limit <= 0:
            timings["total"] = _ms(started)
            return SearchResult(NONE, [], [], lexical, timings)
        mark = time.perf_counter()
        hits = rank_entries(self, scored, limit)
        outcome, shown = decide(hits, self.config.effective_thresholds)
        timings["rank"] = _ms(mark)
        timings["total"] = _ms(started)
        return SearchResult(outcome, hits, shown, lexical, timings)

    def score_entries(
        self, question: str, weights: Weights | None = None, timings: dict[str, float] | None = None
    ) -> tuple[str, Scored | None]:
        """(the normalised question, the candidate entries with their features and fused scores, or None).

        The candidates: the entries of the best `config.candidates` rows of each channel. Used by search
        and by the weight fitting (query.calibrate), which reads the features.
        """
        timings = {} if timings is None else timings
        mark = time.perf_counter()
        light = clean(question if isinstance(question, str) else "")[: self.config.max_query_chars]
        lexical = fold(light)
        timings["normalise"] = _ms(mark)
        if not lexical or not len(self.row_entry):
            return lexical, None
        mark = time.perf_counter()
        words = self.tokeniser.words(lexical)
        terms = char_terms(words)
        word_scores = self.words.scores(words)
        char_scores, char_mass = self.chars.scores_and_mass(terms)
        k = self.config.candidates
        pool = [_top_rows(word_scores, k), _top_rows(char_scores, k)]
        timings["lexical"] = _ms(mark)
        query_vector = None
        if self.vectors is not None and self.encoder is not None:
            mark = time.perf_counter()
            query_vector = self.encoder.encode([light])[0]
            pool.append(self.vector_rows[self.vectors.nearest(query_vector, k)[0]])
            timings["encoder"] = _ms(mark)
        mark = time.perf_counter()
        rows = np.unique(np.concatenate(pool))
        if not len(rows):
            timings["rerank"] = _ms(mark)
            return lexical, None
        scored = score_candidates(self, rows, lexical, words, terms, word_scores, char_scores, char_mass,
                                  query_vector, weights or self.config.effective_weights)
        timings["rerank"] = _ms(mark)
        return lexical, scored


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows with the k highest positive scores (unordered)."""
    rows = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
    return rows[scores[rows] > 0]


def _return_freed_memory() -> None:
    """Hand the build's freed heap back to the OS (glibc keeps it otherwise: ≈ 20 MB RSS at 10k entries)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
