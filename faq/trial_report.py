"""Explaining what the engine did with one question, for the editors' 试问: the outcome and the
thresholds that decided it, and the candidates with their scores, the variant that matched (with the
parts it shares with the question marked) and the entry as it stands now."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faq.models import FaqEntry
from faq.versions import has_pending_changes
from query.normalise import to_simplified
from query.options import EngineConfig, Thresholds, Weights
from query.results import ANSWER, CHOICES, NONE, Hit, SearchResult

# Why the outcome is what it is (the template words each one in Chinese).
NO_TEXT = "no_text"  # nothing to match once emoji, symbols, links and tags are removed
NO_CANDIDATES = "no_candidates"  # no row shares a word or a character with the question
CONFIDENT = "confident"  # top ≥ answer and top − second ≥ margin
CLOSE_SECOND = "close_second"  # top ≥ answer but the second is too close: choices
BELOW_ANSWER = "below_answer"  # choices ≤ top < answer
BELOW_CHOICES = "below_choices"  # top < choices
NOT_SERVED = "not_served"  # the engine chose entries the live site has no page for (being rebuilt)
MIN_MARK = 2  # shortest run of shared characters worth marking


@dataclass(frozen=True)
class Verdict:
    outcome: str  # ANSWER, CHOICES or NONE
    reason: str
    top: float | None
    second: float | None
    thresholds: Thresholds


@dataclass(frozen=True)
class Candidate:
    rank: int
    hit: Hit
    shown: bool  # the answer, or one of the choices
    segments: list[tuple[str, bool]]  # the matched variant, (text, shared with the question)
    similar_number: int | None  # 1-based position among the working copy's similar questions
    question: str  # the entry's standard question now ("" if it was deleted since)
    status: str | None  # draft / published / archived now; None: deleted since
    pending: bool  # published, with edits not yet published
    other_rank: int | None  # its rank on the other side (draft ↔ live), None: not among its candidates


@dataclass(frozen=True)
class TrialSide:
    verdict: Verdict
    candidates: list[Candidate]
    weights: Weights
    uses_encoder: bool
    entries: int
    milliseconds: float


def explain(result: SearchResult, thresholds: Thresholds, outcome: str | None = None) -> Verdict:
    """The outcome and why; `outcome` overrides the engine's when the caller showed something else."""
    top = result.hits[0].fused if result.hits else None
    second = result.hits[1].fused if len(result.hits) > 1 else None
    if not result.normalised_query:
        reason = NO_TEXT
    elif top is None:
        reason = NO_CANDIDATES
    elif outcome is not None and outcome != result.outcome:
        reason = NOT_SERVED
    elif top >= thresholds.answer:
        reason = CONFIDENT if result.outcome == ANSWER else CLOSE_SECOND
    else:
        reason = BELOW_ANSWER if result.outcome == CHOICES else BELOW_CHOICES
    return Verdict(outcome or result.outcome, reason, top, second, thresholds)


def shared_segments(question: str, text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs, each marked True when it also occurs in `question` (compared after
    width, case and Traditional → Simplified folding, character by character)."""
    def key(ch: str) -> str:
        return to_simplified(unicodedata.normalize("NFKC", ch).casefold())

    matcher = SequenceMatcher(None, [key(ch) for ch in question], [key(ch) for ch in text], autojunk=False)
    marked = [False] * len(text)
    for block in matcher.get_matching_blocks():
        run = text[block.b:block.b + block.size]
        if block.size >= MIN_MARK and any(ch.isalnum() for ch in run):
            marked[block.b:block.b + block.size] = [True] * block.size
    segments: list[tuple[str, bool]] = []
    for ch, flag in zip(text, marked, strict=True):
        if segments and segments[-1][1] == flag:
            segments[-1] = (segments[-1][0] + ch, flag)
        else:
            segments.append((ch, flag))
    return segments


def describe(session: Session, result: SearchResult, config: EngineConfig, *, entries: int,
             other: SearchResult | None = None, outcome: str | None = None) -> TrialSide:
    """One side of the trial (the draft index or the live one), its hits described for the page; the
    matched variants are marked where they share text with the question as the engine read it."""
    rows = {row.id: row for row in session.scalars(
        select(FaqEntry).where(FaqEntry.id.in_([hit.entry_id for hit in result.hits]))
        .options(selectinload(FaqEntry.similar_questions)))}
    shown = {hit.entry_id for hit in result.shown} if (outcome or result.outcome) != NONE else set()
    other_ranks = {hit.entry_id: rank for rank, hit in enumerate(other.hits, 1)} if other else {}
    candidates = [
        _candidate(session, rank, hit, rows.get(hit.entry_id), result.normalised_query, hit.entry_id in shown,
                   other_ranks.get(hit.entry_id))
        for rank, hit in enumerate(result.hits, 1)]
    return TrialSide(explain(result, config.effective_thresholds, outcome), candidates, config.effective_weights,
                     config.use_encoder, entries, result.timings.get("total", 0.0))


def _candidate(session: Session, rank: int, hit: Hit, row: FaqEntry | None, read: str, shown: bool,
               other_rank: int | None) -> Candidate:
    similar = row.similar if row else []
    number = similar.index(hit.matched) + 1 if hit.variant == "similar" and hit.matched in similar else None
    return Candidate(rank=rank, hit=hit, shown=shown, segments=shared_segments(read, hit.matched),
                     similar_number=number, question=row.question if row else "",
                     status=row.status if row else None,
                     pending=bool(row and row.status == "published" and has_pending_changes(session, row)),
                     other_rank=other_rank)
