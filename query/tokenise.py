"""Segmentation into terms: rjieba words with the editors' dictionary and synonym table, and character bigrams.

rjieba (jieba-rs) gives jieba's tokens at ≈ 1/20 of the cost (BENCHMARKS.md: on 17,825 evaluation
sentences the two differ only on number ranges such as 1-52, which normalisation splits anyway).
The base dictionary is loaded once per process; an engine whose configuration has user words gets its
own dictionary instance (so adding or removing a word never changes the segmentation of an engine that
is still answering), cached by word set so rebuilds with the same words share one.

No stopword list: dropping function words and question frames (怎么, 什么, 吗…) cost 0.02 top-1 on
LCQMC dev (what vs how is often the difference between two questions); BM25's idf weighs them down.

Synonyms: each group is one term, spelled as the group's first word, in both index and query. Every
synonym also becomes a dictionary word, so it is cut out whole (暖气 in 暖气不热).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

_CACHE_SIZE = 2
_lock = threading.Lock()
_instances: OrderedDict[frozenset, object] = OrderedDict()


def _segmenter(words: frozenset[tuple[str, int | None, str | None]]):
    """A rjieba segmenter knowing `words` (the shared default one when there are none)."""
    import rjieba

    if not words:
        return rjieba._DEFAULT_JIEBA
    with _lock:
        segmenter = _instances.get(words)
        if segmenter is None:
            segmenter = rjieba.Jieba()
            for word, frequency, pos in sorted(words, key=lambda item: item[0]):
                segmenter.add_word(word, frequency, pos)
            _instances[words] = segmenter
            while len(_instances) > _CACHE_SIZE:
                _instances.popitem(last=False)
        else:
            _instances.move_to_end(words)
        return segmenter


def _clean_words(words: Iterable[str]) -> list[str]:
    from query.normalise import normalise

    out = []
    for word in words:
        word = normalise(word).replace(" ", "")
        if word:
            out.append(word)
    return out


class Tokeniser:
    """Turns a normalised text into word terms and character-bigram terms."""

    def __init__(self, user_words: Sequence = (), synonyms: Sequence[Sequence[str]] = ()):
        """user_words: "word" or (word, frequency or None, part of speech or None); synonyms: groups of words."""
        self.canonical: dict[str, str] = {}
        synonym_words: list[str] = []
        for group in synonyms:
            cleaned = _clean_words(group)
            if len(cleaned) < 2:
                continue
            for word in cleaned:
                self.canonical.setdefault(word, cleaned[0])
            synonym_words.extend(cleaned)
        dictionary = {}
        for item in user_words:
            word, frequency, pos = (((item,) if isinstance(item, str) else tuple(item)) + (None, None))[:3]
            for cleaned in _clean_words([word])[:1]:
                dictionary[cleaned] = (cleaned, frequency or None, pos or None)
        for word in synonym_words:
            dictionary.setdefault(word, (word, None, None))
        self._segmenter = _segmenter(frozenset(dictionary.values()))
        # what decides the words of a text: equal for two tokenisers that cut and map alike
        self.fingerprint = hash((frozenset(dictionary.values()), frozenset(self.canonical.items())))

    def words(self, normalised: str) -> list[str]:
        """Segmented words with synonyms mapped to their group's term (spaces dropped)."""
        canonical = self.canonical
        return [canonical.get(w, w) for w in self._segmenter.cut(normalised) if w != " "]

    @staticmethod
    def bigrams(words: Sequence[str]) -> list[str]:
        """Character bigrams of the canonical text (words joined); a one-character text is its own term."""
        text = "".join(words)
        if len(text) < 2:
            return [text] if text else []
        return [text[i : i + 2] for i in range(len(text) - 1)]
