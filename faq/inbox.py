"""The unanswered-question inbox and 有用/没用 votes.

Questions are stored as the citizen typed them (plain text, control characters removed, at most
500 characters; pages escape them), with a normalised form for grouping. Citizens are known only
by `hash_openid(openid, secret)`: a keyed hash, never the openid itself.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from faq.errors import FieldError, InvalidEntry
from faq.fields import HTML_TAG, LIST_SEPARATOR, MAX_QUESTION, MAX_SIMILAR, clean_text
from faq.index import upsert
from faq.models import UNANSWERED_OUTCOMES, FaqEntry, FaqVote, UnansweredQuestion
from faq.service import create_entry, get_entry

MAX_TEXT = 500
# Words that carry no topic in a citizen's question; removed before comparing two questions.
FILLERS = re.compile("请问|你好|您好|怎么办|怎么整|咋整|咋办|怎么|如何|咋|什么|哪里|哪儿|能不能|能否|可不可以|可以|"
                     "有没有|是不是|需要|想要|我想|我要|我们|我家|一下|吗|呢|啊|吧|呀|的|了|得|么")
NOT_WORD = re.compile(r"[\W_]+")
GROUP_THRESHOLD = 80.0  # rapidfuzz score (0–100) above which two questions are one group


def hash_openid(openid: str, secret: str | bytes) -> str:
    """A keyed hash that identifies a citizen across records without storing the openid."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, openid.encode(), hashlib.sha256).hexdigest()[:32]


def normalize_question(text: str) -> str:
    """Full-width → half-width, lower case, no punctuation or spaces (for grouping, not display)."""
    return NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())[:MAX_TEXT]


def record_unanswered(session: Session, text: str, *, outcome: str = "none", channel: str = "wechat",
                      openid_hash: str | None = None, best_score: float | None = None,
                      entry_id: int | None = None) -> UnansweredQuestion | None:
    """Log a question that got no answer ("none") or a 没用 vote ("unhelpful"); blank ones are ignored."""
    if outcome not in UNANSWERED_OUTCOMES:
        raise ValueError(f"outcome must be one of {UNANSWERED_OUTCOMES}")
    cleaned = clean_text(text)[:MAX_TEXT]
    normalized = normalize_question(cleaned)
    if not normalized:
        return None
    row = UnansweredQuestion(text=cleaned, normalized=normalized, outcome=outcome, channel=channel[:16],
                             openid_hash=openid_hash, best_score=best_score, entry_id=entry_id)
    session.add(row)
    session.flush()
    return row


def record_vote(session: Session, entry_id: int, helpful: bool, *, channel: str = "h5",
                openid_hash: str | None = None, question: str | None = None) -> FaqVote:
    """A 有用/没用 vote; the same citizen voting again on the entry changes their vote.

    A 没用 vote with the question the citizen asked also goes to the unanswered inbox.
    """
    entry = get_entry(session, entry_id)
    values = {"entry_id": entry.id, "openid_hash": openid_hash, "helpful": helpful, "channel": channel[:16],
              "version": entry.live_version, "created_at": utcnow()}
    insert = upsert(session, FaqVote).values(**values)
    if openid_hash:  # one vote per citizen and entry, atomically (anonymous votes are all kept)
        insert = insert.on_conflict_do_update(index_elements=["entry_id", "openid_hash"], set_={
            name: insert.excluded[name] for name in ("helpful", "channel", "version", "created_at")})
    vote_id = session.execute(insert.returning(FaqVote.__table__.c.id)).scalar_one()
    if not helpful and question:
        record_unanswered(session, question, outcome="unhelpful", channel=channel, openid_hash=openid_hash,
                          entry_id=entry.id)
    session.flush()
    return session.get(FaqVote, vote_id, populate_existing=True)


def vote_counts(session: Session, entry_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """entry id → (有用, 没用)."""
    query = select(FaqVote.entry_id, FaqVote.helpful, func.count()).group_by(FaqVote.entry_id, FaqVote.helpful)
    if entry_ids is not None:
        query = query.where(FaqVote.entry_id.in_(entry_ids))
    counts: dict[int, list[int]] = {}
    for entry_id, helpful, count in session.execute(query):
        counts.setdefault(entry_id, [0, 0])[0 if helpful else 1] += count
    return {entry_id: (pair[0], pair[1]) for entry_id, pair in counts.items()}


@dataclass
class UnansweredGroup:
    question: str  # the most frequent wording: the suggested standard question
    count: int
    first_seen: datetime
    last_seen: datetime
    ids: list[int] = field(default_factory=list)  # UnansweredQuestion ids (for draft_from_group)
    questions: list[tuple[str, int]] = field(default_factory=list)  # (wording, times asked), most asked first
    outcomes: dict[str, int] = field(default_factory=dict)


def _topic(normalized: str) -> str:
    """The normalised text without filler words, as character bigrams (word order matters less)."""
    core = FILLERS.sub("", normalized) or normalized
    return " ".join(sorted({core[i:i + 2] for i in range(len(core) - 1)} or {core}))


def group_unanswered(session: Session, since: datetime | None = None, *, threshold: float = GROUP_THRESHOLD,
                     include_handled: bool = False) -> list[UnansweredGroup]:
    """Cluster the inbox by similarity of normalised text; biggest and most recent groups first."""
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.created_at)
    if since is not None:
        query = query.where(UnansweredQuestion.created_at >= since)
    if not include_handled:
        query = query.where(UnansweredQuestion.draft_entry_id.is_(None))
    same_text: dict[str, list[UnansweredQuestion]] = {}
    for row in session.scalars(query):
        same_text.setdefault(row.normalized, []).append(row)
    topics: list[str] = []  # the topic of each cluster's first (most asked) wording
    clusters: list[list[list[UnansweredQuestion]]] = []
    for normalized in sorted(same_text, key=lambda text: -len(same_text[text])):
        topic = _topic(normalized)
        match = process.extractOne(topic, topics, scorer=fuzz.token_set_ratio, score_cutoff=threshold)
        if match is not None:
            clusters[match[2]].append(same_text[normalized])
        else:
            topics.append(topic)
            clusters.append([same_text[normalized]])
    groups = [_summarise(members) for members in clusters]
    return sorted(groups, key=lambda group: (-group.count, -group.last_seen.timestamp()))


def _summarise(members: list[list[UnansweredQuestion]]) -> UnansweredGroup:
    rows = [row for same in members for row in same]
    wordings = Counter(row.text for row in rows)
    times = [row.created_at for row in rows]
    return UnansweredGroup(
        question=wordings.most_common(1)[0][0], count=len(rows), first_seen=min(times), last_seen=max(times),
        ids=sorted(row.id for row in rows), questions=wordings.most_common(),
        outcomes=dict(Counter(row.outcome for row in rows)))


def could_be_question(text: str) -> bool:
    """Whether a citizen's wording can be an entry's question (length, no HTML, no list separator)."""
    return len(text) <= MAX_QUESTION and not HTML_TAG.search(text) and LIST_SEPARATOR not in text


def draft_from_group(session: Session, ids: list[int], *, question: str | None = None, by: int | None = None,
                     fields: dict | None = None) -> FaqEntry:
    """A draft entry whose similar questions are the group's wordings; the group leaves the inbox.

    `question` (default: the most asked wording) becomes the standard question; wordings that could
    not be a question (too long, HTML, the list separator) are left out, and so are all but the
    MAX_SIMILAR most asked. `fields` may add answer, category, … .
    """
    rows = list(session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids))))
    if not rows:
        raise InvalidEntry([FieldError("similar", "所选的问题已不在待处理列表中")])
    wordings = [text for text, _count in Counter(row.text for row in rows).most_common() if could_be_question(text)]
    standard = clean_text(question) if question else (wordings[0] if wordings else "")
    entry = create_entry(session, {**(fields or {}), "question": standard,
                                   "similar": [text for text in wordings if text != standard][:MAX_SIMILAR]}, by=by)
    for row in rows:
        row.draft_entry_id = entry.id
    session.flush()
    return entry
