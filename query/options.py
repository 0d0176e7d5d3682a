"""EngineConfig: everything that shapes an index and its answers, as plain values (the faq package fills it)."""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Weights:
    """Weights of the component scores in the fused score (the fused score is their weighted mean).

    Components, each in [0, 1]: `encoder` cosine; `bm25` and `bm25_chars`, the BM25 score of the word
    and the character channel divided by the best score the query's terms could reach; `fuzzy`,
    rapidfuzz token_sort_ratio of the segmented texts / 100. Defaults: fitted on LCQMC dev and
    taipei_queries, each set counting alike (`python -m query.evaluate … --fit-weights`, BENCHMARKS.md
    "bench/search and the 微查询 evaluation"); refit on the demo knowledge base's held-out questions.
    """

    encoder: float = 1.0
    bm25: float = 0.0
    bm25_chars: float = 0.1
    fuzzy: float = 0.1


# Without the encoder the lexical scores carry the whole decision (fitted the same way).
LEXICAL_WEIGHTS = Weights(encoder=0.0, bm25=1.0, bm25_chars=0.1, fuzzy=0.5)


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on the fused score that choose the outcome (see query.outcome).

    answer: the best entry's fused score must reach it, and beat the second entry's by `margin`, for
    a confident answer (above 1: never). choices: the best entry's fused score must reach it for
    您是不是想问; below, the engine says it does not know. Fitted by
    `python -m query.evaluate FILE… --calibrate` (query.calibrate).
    """

    answer: float
    margin: float
    choices: float


# Provisional: calibrated on LCQMC dev + taipei_queries, each set counting alike, for confident answers
# right ≥ 97% of the time with half the gold entries removed (BENCHMARKS.md). Refit on the demo
# knowledge base's held-out questions: taipei's formal entries score lower than an index with
# colloquial similar questions will. Without the encoder nothing reached 97%: never confident.
DEFAULT_THRESHOLDS = Thresholds(answer=0.965, margin=0.10, choices=0.676)
DEFAULT_LEXICAL_THRESHOLDS = Thresholds(answer=1.01, margin=0.0, choices=0.626)


def _tuple_of_groups(groups) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(word) for word in group) for group in groups or ())


UserWord = tuple[str, int | None, str | None]  # word, jieba frequency (None: suggested), part of speech


def _user_word(item) -> UserWord:
    if isinstance(item, str):
        return (item, None, None)
    word, frequency, pos = (tuple(item) + (None, None))[:3]
    return (str(word), int(frequency) if frequency else None, str(pos) if pos else None)


@dataclass(frozen=True)
class EngineConfig:
    synonyms: tuple[tuple[str, ...], ...] = ()  # groups of words matched as one term: [["暖气", "供暖", "采暖"]]
    # the editors' dictionary: words segmentation keeps whole, as "word" or (word, frequency, pos)
    user_words: tuple[UserWord, ...] = ()
    use_encoder: bool = True
    thresholds: Thresholds | None = None  # None: the calibrated defaults for the mode
    weights: Weights | None = None  # None: the defaults for the mode
    max_query_chars: int = 200  # a longer question is cut (after cleaning)
    candidates: int = 50  # rows taken from each channel before re-ranking

    def __post_init__(self):
        object.__setattr__(self, "synonyms", _tuple_of_groups(self.synonyms))
        object.__setattr__(self, "user_words", tuple(_user_word(item) for item in self.user_words or ()))

    @property
    def effective_weights(self) -> Weights:
        if self.weights is not None:
            return self.weights
        return Weights() if self.use_encoder else LEXICAL_WEIGHTS

    @property
    def effective_thresholds(self) -> Thresholds:
        if self.thresholds is not None:
            return self.thresholds
        return DEFAULT_THRESHOLDS if self.use_encoder else DEFAULT_LEXICAL_THRESHOLDS

    def with_thresholds(self, thresholds: Thresholds) -> EngineConfig:
        return replace(self, thresholds=thresholds)
