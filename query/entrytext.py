"""What the engine keeps of each entry's answer and keywords, for query.features.

Answers: the opening `ANSWER_CHARS` characters of the short answer, segmented with the editors'
dictionary and synonym table like a question, as sorted 32-bit keys of its words and of the
characters and bigrams of those words joined (query.engine.char_terms): a membership test, no strings.
Making them costs ≈ 0.15 ms an answer, so they are cached in this process by (segmentation, answer
text): a rebuild in which nothing changed, or a worker forked from a process that built, redoes none
of it. The cache shares its arrays with the engines, and keeps at most twice as many answers as the
largest index built lately.
Keywords: each entry's keywords, normalised, looked up by the question's substrings.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

from query.normalise import clean, fold
from query.tokenise import Tokeniser

ANSWER_CHARS = 200  # only the answer's opening counts: it names the topic; a long answer matches anything
_BIGRAM = 1 << 21  # character keys are code points (< 2^21); bigram keys start here
_BIGRAM_SPAN = (1 << 32) - _BIGRAM

_cache: OrderedDict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
_cache_lock = threading.Lock()
_largest = [0]  # answers in the largest index built in this process
_EMPTY = np.zeros(0, dtype=np.uint32)


def char_keys(text: str) -> np.ndarray:
    """Sorted distinct keys of the characters and bigrams of `text` (no spaces)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    bigrams = (points[:-1] * np.uint64(2654435761) + points[1:]) % np.uint64(_BIGRAM_SPAN) + np.uint64(_BIGRAM)
    return np.unique(np.concatenate([points, bigrams]).astype(np.uint32))


def term_key(term: str) -> int:
    """The key of one character or bigram, as char_keys makes it."""
    if len(term) == 1:
        return ord(term)
    return (ord(term[0]) * 2654435761 + ord(term[1])) % _BIGRAM_SPAN + _BIGRAM


def word_key(word: str) -> int:
    return hash(word) & 0xFFFFFFFF


def _answer_keys(tokeniser: Tokeniser, answer: str) -> tuple[np.ndarray, np.ndarray]:
    words = tokeniser.words(fold(clean(answer[:ANSWER_CHARS])))  # synonyms mapped, as the question's are
    keys = np.unique(np.array([word_key(word) for word in set(words)], dtype=np.uint32))
    return keys, char_keys("".join(words))


class AnswerTerms:
    """Each entry's answer keys: `words[e]` and `chars[e]`, sorted uint32 arrays (empty without answer)."""

    def __init__(self, answers: Sequence[str], tokeniser: Tokeniser):
        self.words: list[np.ndarray] = []
        self.chars: list[np.ndarray] = []
        segmentation = tokeniser.fingerprint
        with _cache_lock:
            known = {answer: _cache.get((segmentation, answer)) for answer in set(answers) if answer}
        for answer, keys in known.items():
            if keys is None:
                known[answer] = _answer_keys(tokeniser, answer)
        with _cache_lock:
            for answer, keys in known.items():
                _cache[(segmentation, answer)] = keys
                _cache.move_to_end((segmentation, answer))
            _largest[0] = max(_largest[0], len(known))
            while len(_cache) > max(2 * _largest[0], 1000):
                _cache.popitem(last=False)
        for answer in answers:
            words, chars = known[answer] if answer else (_EMPTY, _EMPTY)
            self.words.append(words)
            self.chars.append(chars)

    @property
    def nbytes(self) -> int:
        return sum(part.nbytes for part in self.words) + sum(part.nbytes for part in self.chars)


def idf_share(parts: list[np.ndarray], entries: np.ndarray, query: dict[int, float], total: float) -> np.ndarray:
    """For each of `entries`, the idf mass of the query keys (key → idf) its keys have, over `total`."""
    if not total or not query:
        return np.zeros(len(entries), dtype=np.float32)
    chosen = [parts[e] for e in entries]
    lengths = np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen))
    if not lengths.sum():
        return np.zeros(len(entries), dtype=np.float32)
    found = np.concatenate(chosen)
    owner = np.repeat(np.arange(len(entries)), lengths)
    keys = np.array(sorted(query), dtype=np.uint32)
    weights = np.array([query[int(k)] for k in keys], dtype=np.float64)
    at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
    hit = keys[at] == found
    return (np.bincount(owner[hit], weights=weights[at[hit]], minlength=len(entries)) / total).astype(np.float32)


class KeywordIndex:
    """Each entry's keywords (normalised, spaces removed), looked up by the question's substrings."""

    def __init__(self, keywords_per_entry: Iterable[Iterable[str]]):
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
