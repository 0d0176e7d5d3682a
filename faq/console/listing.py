"""The entries list: filters read from the query string, one page of rows, counts per status.

A page costs a fixed number of queries whatever its size (rows, their similar questions, policies,
editors, votes and live snapshots are each fetched in one go). Two filters cannot be written in SQL
and are worked out first: "withheld" (faq.index, skipped when no policy has expired) and "has
unpublished changes" (each published candidate's working copy against its live snapshot).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from sqlalchemy import String, cast, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from faq.console.choices import Node, Tree
from faq.inbox import vote_counts
from faq.index import PolicyRef, entries_withheld_for_expired_policies
from faq.models import ENTRY_STATUSES, FaqEntry, FaqQuestion, FaqVersion
from faq.versions import snapshot
from policies.models import PolicyDocument

STATUS_LABELS = {"draft": "草稿", "published": "已发布", "archived": "已归档"}
SORTS = {"recent": "最近修改在前", "oldest": "最早修改在前"}
PER_PAGE = 30
MAX_TERMS = 5
CHUNK = 500
# What snapshot(entry) reads, loaded with the rows instead of one query per row.
SNAPSHOT_LOAD = (selectinload(FaqEntry.similar_questions), joinedload(FaqEntry.category),
                 joinedload(FaqEntry.department), selectinload(FaqEntry.policies))


@dataclass(frozen=True)
class EntryFilters:
    q: str = ""
    status: str = ""
    category: str = ""  # a category code: that node and everything below it
    department: str = ""  # a department code: that unit and its sub-units
    pending: bool = False
    withheld: bool = False
    sort: str = "recent"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> EntryFilters:
        """Tolerant: a value that makes no sense is dropped, never an error."""
        page = args.get("page", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:100],
            status=args.get("status", "") if args.get("status") in ENTRY_STATUSES else "",
            category=args.get("category", "").strip()[:16],
            department=args.get("department", "").strip()[:32],
            pending=args.get("pending") == "1",
            withheld=args.get("withheld") == "1",
            sort=args.get("sort", "") if args.get("sort") in SORTS else "recent",
            page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    def query_args(self, **changes) -> dict[str, str]:
        """The query string of these filters with `changes` (defaults left out, so URLs stay short)."""
        values = asdict(replace(self, **changes))
        default = asdict(EntryFilters())
        return {name: ("1" if value is True else str(value)) for name, value in values.items()
                if value != default[name]}

    @property
    def active(self) -> bool:
        return self.query_args(page=1, sort="recent") != {}


@dataclass(frozen=True)
class EntryRow:
    entry: FaqEntry
    category: Node | None
    helpful: int
    unhelpful: int
    pending: bool  # published, and the working copy differs from what citizens are served
    withheld: tuple[PolicyRef, ...] | None  # not served: every cited policy has expired


@dataclass(frozen=True)
class EntryPage:
    filters: EntryFilters
    rows: list[EntryRow]
    total: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)  # per status, under the other filters

    @property
    def page(self) -> int:
        return self.filters.page


def _term_condition(term: str):
    """The term in the standard question, the key, a similar question or a keyword."""
    escaped = json.dumps(term)[1:-1]  # keywords are a JSON list: match the stored (escaped) form too
    keywords = cast(FaqEntry.keywords, String)
    return or_(
        FaqEntry.question.icontains(term, autoescape=True),
        FaqEntry.key.icontains(term, autoescape=True),
        keywords.icontains(term, autoescape=True),
        keywords.icontains(escaped, autoescape=True),
        exists().where(FaqQuestion.entry_id == FaqEntry.id, FaqQuestion.text.icontains(term, autoescape=True)),
    )


def pending_entry_ids(session: Session, entries: Iterable[FaqEntry]) -> set[int]:
    """Which of these (loaded with SNAPSHOT_LOAD) are published with changes not yet published."""
    published = {entry.id: entry for entry in entries if entry.status == "published" and entry.live_version}
    if not published:
        return set()
    live = session.execute(
        select(FaqVersion.entry_id, FaqVersion.snapshot)
        .join(FaqEntry, (FaqEntry.id == FaqVersion.entry_id) & (FaqEntry.live_version == FaqVersion.number))
        .where(FaqEntry.id.in_(list(published))))
    return {entry_id for entry_id, snap in live if snapshot(published[entry_id]) != snap}


def _pending_among(session: Session, conditions: list) -> list[int]:
    ids = list(session.scalars(select(FaqEntry.id).where(FaqEntry.status == "published", *conditions)))
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = session.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids[start:start + CHUNK]))
                                .options(*SNAPSHOT_LOAD)).unique()
        found |= pending_entry_ids(session, chunk)
    return sorted(found)


def withheld_policies(session: Session, today: date) -> dict[int, tuple[PolicyRef, ...]]:
    """Entry id → its (all expired) cited policies, for published entries not served because of them."""
    any_expired = session.scalar(select(PolicyDocument.id).where(
        or_(PolicyDocument.status == "repealed", PolicyDocument.expires_on < today)).limit(1))
    if any_expired is None:
        return {}
    return {row.id: row.policies for row in entries_withheld_for_expired_policies(session, today)}


def _conditions(session: Session, filters: EntryFilters, categories: Tree, departments: Tree,
                withheld: dict[int, tuple[PolicyRef, ...]]) -> list:
    """Every filter but status (the counts per status are taken under these)."""
    conditions = [_term_condition(term) for term in filters.q.split()[:MAX_TERMS]]
    if filters.category in categories.by_code:
        conditions.append(FaqEntry.category_id.in_(categories.subtree_ids(filters.category)))
    if filters.department in departments.by_code:
        conditions.append(FaqEntry.department_id.in_(departments.subtree_ids(filters.department)))
    if filters.withheld:
        conditions.append(FaqEntry.id.in_(list(withheld)))
    if filters.pending:
        conditions.append(FaqEntry.id.in_(_pending_among(session, conditions)))
    return conditions


def list_entries(session: Session, filters: EntryFilters, *, categories: Tree, departments: Tree, today: date,
                 per_page: int = PER_PAGE) -> EntryPage:
    withheld = withheld_policies(session, today)
    conditions = _conditions(session, filters, categories, departments, withheld)
    counts = dict.fromkeys(ENTRY_STATUSES, 0)
    for status, count in session.execute(select(FaqEntry.status, func.count()).where(*conditions)
                                         .group_by(FaqEntry.status)):
        counts[status] = count
    total = counts[filters.status] if filters.status else sum(counts.values())
    pages = max(1, math.ceil(total / per_page))
    filters = replace(filters, page=min(filters.page, pages))
    if filters.status:
        conditions.append(FaqEntry.status == filters.status)
    order = (FaqEntry.updated_at.asc(), FaqEntry.id.asc()) if filters.sort == "oldest" else (
        FaqEntry.updated_at.desc(), FaqEntry.id.desc())
    entries = list(session.scalars(
        select(FaqEntry).where(*conditions).order_by(*order).limit(per_page).offset((filters.page - 1) * per_page)
        .options(*SNAPSHOT_LOAD, selectinload(FaqEntry.updated_by))).unique())
    votes = vote_counts(session, [entry.id for entry in entries])
    pending = pending_entry_ids(session, entries)
    rows = [EntryRow(entry, categories.by_id.get(entry.category_id), *votes.get(entry.id, (0, 0)),
                     pending=entry.id in pending, withheld=withheld.get(entry.id)) for entry in entries]
    return EntryPage(filters, rows, total, pages, counts)
