"""What a search returns: the outcome, the ranked hits, and why each hit scored as it did."""
from __future__ import annotations

from dataclasses import dataclass, field

ANSWER = "answer"  # confident: one entry
CHOICES = "choices"  # 您是不是想问: two or three entries
NONE = "none"  # the engine does not know


@dataclass(frozen=True)
class Hit:
    entry_id: int
    matched: str  # the entry's variant that scored best, as the editor wrote it
    variant: str  # which variant: "question", "similar" or "keywords"
    scores: dict[str, float]  # bm25, bm25_chars, fuzzy, encoder (when used) and fused, each in [0, 1]
    category: str | None = None

    @property
    def fused(self) -> float:
        return self.scores["fused"]


@dataclass(frozen=True)
class SearchResult:
    outcome: str  # ANSWER, CHOICES or NONE
    hits: list[Hit]  # best first, at most the `limit` asked for, whatever the outcome (for the editors' tools)
    shown: list[Hit]  # what to present: [the answer], the 2–3 choices, or []
    normalised_query: str  # what the lexical channels saw ("" for a question with nothing to match)
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage and "total"
