"""Incremental ingest of questions: the light question log (answered, stats.insight.models.QuestionLog)
and faq_unanswered (no answer, or voted 没用), past their watermarks, become daily term counts.

Counts are distinct citizens per term and day (`insight_seen` remembers who was counted; questions are
never withdrawn, so plain increments are right here). Sources: "question" counts every question,
"unanswered" the ones that got no useful answer. A question without a citizen hash counts alone.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.dates import china_date
from core.db import upsert
from faq.models import UnansweredQuestion
from stats.insight.facts import aware, chunks
from stats.insight.models import InsightSeen, InsightState, InsightTerm, QuestionLog
from stats.insight.terms import terms_of

QUESTION_TERMS = 12
SOURCES = (("log", QuestionLog, "question_id"), ("unanswered", UnansweredQuestion, "unanswered_id"))


@dataclass
class QuestionBatch:
    read: int = 0
    days: set[date] = field(default_factory=set)
    more: bool = False


def seen_key(source: str, term: str, citizen: str) -> str:
    return hashlib.sha1(f"{source}|{term}|{citizen}".encode()).hexdigest()[:16]


def _new_keys(session: Session, wanted: dict[tuple[date, str], tuple[str, str]]) -> list[tuple[date, str]]:
    """The (day, key) pairs not counted before."""
    by_day: dict[date, list[str]] = {}
    for day, key in wanted:
        by_day.setdefault(day, []).append(key)
    known: set[tuple[date, str]] = set()
    for day, keys in by_day.items():
        for part in chunks(keys):
            known.update((day, key) for key in session.scalars(
                select(InsightSeen.key).where(InsightSeen.day == day, InsightSeen.key.in_(part))))
    return [pair for pair in wanted if pair not in known]


def count_terms(session: Session, wanted: dict[tuple[date, str], tuple[str, str]]) -> None:
    fresh = _new_keys(session, wanted)
    if not fresh:
        return
    session.execute(insert(InsightSeen.__table__), [{"day": day, "key": key} for day, key in fresh])
    increments = Counter((wanted[pair][0], wanted[pair][1], pair[0]) for pair in fresh)
    rows = [{"source": source, "term": term, "day": day, "citizens": n}
            for (source, term, day), n in increments.items()]
    for part in chunks(rows):
        statement = upsert(session, InsightTerm).values(part)
        session.execute(statement.on_conflict_do_update(
            index_elements=["source", "term", "day"],
            set_={"citizens": InsightTerm.__table__.c.citizens + statement.excluded.citizens}))


def ingest_questions(session: Session, state: InsightState, *, now: datetime, batch_size: int,
                     upto: dict[str, int] | None = None, since: date | None = None) -> QuestionBatch:
    """Read both question tables past their watermarks; `upto` caps the ids read (replays)."""
    batch = QuestionBatch()
    for source, model, attribute in SOURCES:
        query = (select(model.id, model.text, model.openid_hash, model.created_at)
                 .where(model.id > getattr(state, attribute)).order_by(model.id).limit(batch_size))
        limit = (upto or {}).get(source)
        if limit is not None:
            query = query.where(model.id <= limit)
        rows = session.execute(query).all()
        wanted: dict[tuple[date, str], tuple[str, str]] = {}
        for row in rows:
            day = china_date(min(aware(row.created_at), now))
            if since is not None and day < since:
                continue
            citizen = row.openid_hash or f"anon:{source}:{row.id}"
            for term in terms_of(row.text, QUESTION_TERMS):
                for counted in ("question", "unanswered") if source == "unanswered" else ("question",):
                    wanted[(day, seen_key(counted, term, citizen))] = (counted, term)
            batch.days.add(day)
        count_terms(session, wanted)
        batch.read += len(rows)
        batch.more = batch.more or len(rows) == batch_size
        if rows:
            setattr(state, attribute, rows[-1].id)
        if limit is not None and len(rows) < batch_size:
            setattr(state, attribute, max(getattr(state, attribute), limit))
    return batch


def log_question(session: Session, text: str, *, outcome: str, channel: str, openid_hash: str | None = None,
                 entry_id: int | None = None) -> QuestionLog | None:
    """The light question log: an answered question ("answer") or one offered choices ("choices"), for
    rising topics (unanswered ones go to faq.inbox.record_unanswered). Blank text is ignored. To be
    called where 微查询 answers (query.web.chat.ask, query.web.views), after the reply is chosen."""
    from faq.fields import clean_text
    from faq.inbox import MAX_TEXT, normalize_question

    cleaned = clean_text(text)[:MAX_TEXT]
    normalized = normalize_question(cleaned)
    if not normalized:
        return None
    row = QuestionLog(text=cleaned, normalized=normalized, openid_hash=openid_hash, channel=channel[:16],
                      outcome=outcome, entry_id=entry_id)
    session.add(row)
    session.flush()
    return row
