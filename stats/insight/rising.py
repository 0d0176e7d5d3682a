"""Rising terms and question groups: words whose use by distinct citizens jumps against their own
recent past, in 微查询 questions (answered or not) and in ticket text.

Method: for each source, the window is the last `rising_days` days ending today; the baseline is the
`rising_baseline_days` before it (only days after the first day with data; none: not tested). A term
is tested when at least `rising_min_citizens` (questions) or `rising_ticket_min_citizens` (tickets)
used it in the window: O against the gamma-Poisson predictive (stats.insight.tails) with the
baseline as days/window windows, prior 1 citizen per day worth half a window, times the source's
volume trend (the median change of its everyday words, never below 1: a busy week lifts every word); it
fires when p ≤ rising_alpha and O ≥ rising_min_ratio × the larger of that expectation and the
plain baseline rate × trend. The evidence of a question term is its questions in the window,
grouped by similar wording (rapidfuzz over the normalised text, as the editors' inbox groups them).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.dates import CHINA
from faq.inbox import FILLERS, normalize_question
from faq.models import UnansweredQuestion
from stats.insight.models import InsightTerm, InsightTicket, QuestionLog
from stats.insight.params import Params
from stats.insight.tails import Tail, upper_tail

PRIOR_PER_DAY = 1.0
TREND_BASE = 20
MAX_QUESTIONS = 500
GROUP_SCORE = 75.0


@dataclass(frozen=True)
class Rising:
    source: str  # question, ticket
    term: str
    window: int
    tail: Tail
    baseline_sum: int
    baseline_days: int
    unanswered: int

    @property
    def baseline_mean(self) -> float | None:
        """Citizens per day before the window."""
        return self.baseline_sum / self.baseline_days if self.baseline_days else None


@dataclass
class QuestionGroup:
    wording: str  # the most asked wording
    count: int
    questions: list[tuple[str, int]] = field(default_factory=list)  # (source, id)


def _sums(session: Session, source: str, first: date, last: date, terms=None) -> dict[str, int]:
    query = (select(InsightTerm.term, func.sum(InsightTerm.citizens))
             .where(InsightTerm.source == source, InsightTerm.day >= first, InsightTerm.day <= last)
             .group_by(InsightTerm.term))
    if terms is not None:
        query = query.where(InsightTerm.term.in_(sorted(terms)))
    return {term: int(total) for term, total in session.execute(query)}


def _volume_trend(session: Session, source: str, now: dict[str, int], window: int, base_first: date, first: date,
                  base_days: int) -> float:
    """How much more citizens say everyday words now than before: the median change of the words used
    at least TREND_BASE times before (a busier week lifts them all; one new topic moves the median
    little), never below 1."""
    before = session.execute(select(InsightTerm.term, func.sum(InsightTerm.citizens)).where(
        InsightTerm.source == source, InsightTerm.day >= base_first, InsightTerm.day < first)
        .group_by(InsightTerm.term).having(func.sum(InsightTerm.citizens) >= TREND_BASE)).all()
    ratios = sorted((now.get(term, 0) / window) / (int(total) / base_days) for term, total in before)
    return max(1.0, ratios[len(ratios) // 2]) if ratios else 1.0


def evaluate_rising(session: Session, *, today: date, history_start: date, params: Params) -> list[Rising]:
    window = params.rising_days
    first = today - timedelta(days=window - 1)
    base_first = max(first - timedelta(days=params.rising_baseline_days), history_start)
    base_days = max(0, (first - base_first).days)
    found = []
    for source, minimum in (("question", params.rising_min_citizens), ("ticket", params.rising_ticket_min_citizens)):
        every_now = _sums(session, source, first, today)
        now_counts = {term: n for term, n in every_now.items() if n >= minimum}
        if not now_counts or not base_days:
            continue
        before = _sums(session, source, base_first, first - timedelta(days=1), now_counts)
        unanswered = _sums(session, "unanswered", first, today, now_counts) if source == "question" else {}
        trend = _volume_trend(session, source, every_now, window, base_first, first, base_days)
        for term, observed in now_counts.items():
            tail = upper_tail(observed, before.get(term, 0), base_days / window,
                              prior_mean=PRIOR_PER_DAY * window, prior_weight=0.5, trend=trend,
                              max_shape=params.max_shape)
            plain = trend * before.get(term, 0) / base_days * window
            if tail.p_value <= params.rising_alpha and observed >= params.rising_min_ratio * max(tail.expected, plain):
                found.append(Rising(source, term, window, tail, before.get(term, 0), base_days,
                                    unanswered.get(term, 0)))
    return sorted(found, key=lambda rising: rising.tail.p_value)


def _window_start(today: date, window: int) -> datetime:
    return datetime.combine(today - timedelta(days=window - 1), time.min, tzinfo=CHINA)


def question_groups(session: Session, term: str, *, today: date, window: int) -> list[QuestionGroup]:
    """The window's questions that use the term, grouped by similar wording, biggest first."""
    since = _window_start(today, window)
    rows: list[tuple[str, int, str, str]] = []
    for source, model in (("log", QuestionLog), ("unanswered", UnansweredQuestion)):
        query = (select(model.id, model.text, model.normalized).where(model.created_at >= since,
                                                                       model.text.contains(term, autoescape=True))
                 .order_by(model.id.desc()).limit(MAX_QUESTIONS))
        rows.extend((source, row.id, row.text, row.normalized) for row in session.execute(query))
    topics: list[str] = []
    groups: list[QuestionGroup] = []
    wordings: list[Counter] = []
    for source, question_id, text, normalized in rows:
        topic = FILLERS.sub("", normalized or normalize_question(text)) or normalized
        match = process.extractOne(topic, topics, scorer=fuzz.ratio, score_cutoff=GROUP_SCORE)
        if match is None:
            topics.append(topic)
            groups.append(QuestionGroup(text, 0))
            wordings.append(Counter())
            index = len(groups) - 1
        else:
            index = match[2]
        groups[index].count += 1
        groups[index].questions.append((source, question_id))
        wordings[index][text] += 1
    for group, counter in zip(groups, wordings, strict=True):
        group.wording = counter.most_common(1)[0][0]
    return sorted(groups, key=lambda group: -group.count)


def ticket_ids_with_term(session: Session, term: str, *, today: date, window: int) -> list[int]:
    first = today - timedelta(days=window - 1)
    rows = session.execute(select(InsightTicket.ticket_id, InsightTicket.terms)
                           .where(InsightTicket.day >= first, InsightTicket.day <= today, InsightTicket.valid))
    return sorted(ticket_id for ticket_id, terms in rows if term in (terms or ()))[-MAX_QUESTIONS:]
