"""The editors' view of the unanswered-question inbox: groups (faq.inbox.group_unanswered) with who
asked and what went wrong, a period, an order and pages; the groups already turned into drafts; and
turning an open group into a draft entry."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from faq.errors import FieldError, InvalidEntry
from faq.inbox import UnansweredGroup, could_be_question, draft_from_group, group_unanswered
from faq.models import FaqEntry, UnansweredQuestion

PERIODS = {"7": 7, "30": 30, "all": None}  # the filter's values → days back (None: everything)
SORTS = ("count", "recent")
PAGE_SIZE = 20


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    days = PERIODS.get(period)
    return None if days is None else (now or utcnow()) - timedelta(days=days)


@dataclass(frozen=True)
class EntryRef:
    id: int
    question: str
    status: str


@dataclass(frozen=True)
class InboxGroup:
    group: UnansweredGroup
    citizens: int  # distinct citizens among those known (questions from the H5 page may be anonymous)
    unhelpful: list[tuple[EntryRef, int]]  # entries voted 没用 with these questions, and how often

    @property
    def key(self) -> int:
        """Names the group on the page (its oldest question's id) so a refused form comes back beside it."""
        return self.group.ids[0]

    @property
    def suggested(self) -> str | None:
        """The standard question offered first: the most asked wording that can be one."""
        return next((text for text, _count in self.group.questions if could_be_question(text)), None)


@dataclass(frozen=True)
class HandledGroup:
    entry: EntryRef | None  # the draft the group became
    count: int
    citizens: int
    last_seen: datetime
    questions: list[tuple[str, int]]


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    number: int = 1
    pages: int = 1
    total: int = 0  # items over all pages
    questions: int = 0  # questions over all pages


def _page_of(items: list, number: int) -> tuple[list, int, int]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    number = min(max(number, 1), pages)
    return items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], number, pages


def _entries(session: Session, ids) -> dict[int, EntryRef]:
    rows = session.execute(select(FaqEntry.id, FaqEntry.question, FaqEntry.status).where(FaqEntry.id.in_(set(ids))))
    return {row.id: EntryRef(row.id, row.question, row.status) for row in rows}


# Grouping is the slow part (≈ 1 s for 3,000 open questions): kept per process and period while the
# open questions stay the same, so paging and sorting do not group again. database, period → (state, groups)
_grouped: dict[tuple[str, str], tuple[tuple, list[UnansweredGroup]]] = {}
KEEP_GROUPINGS = 16


def _open_groups(session: Session, period: str) -> list[UnansweredGroup]:
    since = period_start(period)
    is_open = UnansweredQuestion.draft_entry_id.is_(None)
    if since is not None:
        is_open = is_open & (UnansweredQuestion.created_at >= since)
    state = tuple(session.execute(select(
        func.count(), func.max(UnansweredQuestion.id), func.sum(UnansweredQuestion.id),
        func.sum(func.length(UnansweredQuestion.normalized))).where(is_open)).one())
    key = (session.get_bind().url.render_as_string(hide_password=True), period)
    cached = _grouped.get(key)
    if cached is not None and cached[0] == state:
        return list(cached[1])
    groups = group_unanswered(session, since)
    if len(_grouped) >= KEEP_GROUPINGS:
        _grouped.clear()
    _grouped[key] = (state, groups)
    return list(groups)


def open_groups(session: Session, *, period: str = "30", sort: str = "count", page: int = 1) -> Page:
    """The open inbox, grouped: biggest first ("count") or most recently asked first ("recent")."""
    groups = _open_groups(session, period)
    if sort == "recent":
        groups.sort(key=lambda group: (group.last_seen, group.count), reverse=True)
    shown, number, pages = _page_of(groups, page)
    ids = [question_id for group in shown for question_id in group.ids]
    facts: dict[int, tuple[str | None, int | None]] = {}
    for start in range(0, len(ids), 500):  # a bounded IN list per query
        facts.update((row.id, (row.openid_hash, row.entry_id)) for row in session.execute(
            select(UnansweredQuestion.id, UnansweredQuestion.openid_hash, UnansweredQuestion.entry_id)
            .where(UnansweredQuestion.id.in_(ids[start:start + 500]))))
    entries = _entries(session, (entry_id for _hash, entry_id in facts.values() if entry_id))
    items = []
    for group in shown:
        mine = [facts[question_id] for question_id in group.ids if question_id in facts]
        voted = Counter(entry_id for _hash, entry_id in mine if entry_id in entries)
        items.append(InboxGroup(group, len({openid for openid, _entry in mine if openid}),
                                [(entries[entry_id], count) for entry_id, count in voted.most_common()]))
    return Page(items, number, pages, len(groups), sum(group.count for group in groups))


def handled_groups(session: Session, *, period: str = "30", page: int = 1) -> Page:
    """Questions already turned into a draft, one group per draft, the newest drafts first."""
    since = period_start(period)
    handled = UnansweredQuestion.draft_entry_id.is_not(None)
    if since is not None:
        handled = handled & (UnansweredQuestion.created_at >= since)
    totals = session.execute(
        select(UnansweredQuestion.draft_entry_id, func.count(), func.count(distinct(UnansweredQuestion.openid_hash)),
               func.max(UnansweredQuestion.created_at))
        .where(handled).group_by(UnansweredQuestion.draft_entry_id)
        .order_by(UnansweredQuestion.draft_entry_id.desc())).all()
    shown, number, pages = _page_of(totals, page)
    drafts = [row[0] for row in shown]
    wordings: dict[int, list[tuple[str, int]]] = {}
    for draft_id, text, count in session.execute(
            select(UnansweredQuestion.draft_entry_id, UnansweredQuestion.text, func.count())
            .where(handled & UnansweredQuestion.draft_entry_id.in_(drafts))
            .group_by(UnansweredQuestion.draft_entry_id, UnansweredQuestion.text).order_by(func.count().desc())):
        wordings.setdefault(draft_id, []).append((text, count))
    entries = _entries(session, drafts)
    items = [HandledGroup(entries.get(draft_id), count, citizens, last_seen, wordings.get(draft_id, []))
             for draft_id, count, citizens, last_seen in shown]
    return Page(items, number, pages, len(totals), sum(row[1] for row in totals))


def draft_from_open_group(session: Session, ids: list[int], *, question: str | None, by: int | None) -> FaqEntry:
    """A draft from the group's questions still open (another editor may have handled some meanwhile)."""
    still_open = list(session.scalars(select(UnansweredQuestion.id).where(
        UnansweredQuestion.id.in_(ids), UnansweredQuestion.draft_entry_id.is_(None))))
    if not still_open:
        raise InvalidEntry([FieldError("group", "这组问题已经处理过了（可能是其他编辑刚刚转成了条目），请刷新页面")])
    return draft_from_group(session, still_open, question=question, by=by)
