"""What the engine serves: the knowledge-base version counter and the published, valid entries.

Every change to what is served (publish, unpublish, archive, rollback, a synonym or dictionary
edit, a policy load that changed something) bumps one counter row in the same transaction.
`current_index_version()` is one primary-key read, so each worker can poll it cheaply and rebuild
its index when the string changes. The string also carries the date, because validity dates and
policy expiry change what is served at midnight without any write.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from core.dates import china_today
from core.db import upsert, utcnow
from faq.models import DictionaryWord, FaqEntry, FaqVersion, KnowledgeBaseVersion, SynonymGroup
from policies.models import PolicyDocument
from query.entry import Entry
from reference.models import Category, Department


def _bump_statement(session: Session, reason: str):
    table = KnowledgeBaseVersion.__table__
    insert = upsert(session, KnowledgeBaseVersion).values(id=1, counter=1, reason=reason[:100], changed_at=utcnow())
    return insert.on_conflict_do_update(index_elements=["id"], set_={
        "counter": table.c.counter + 1, "reason": insert.excluded.reason, "changed_at": insert.excluded.changed_at})


def bump_index_version(session: Session, reason: str) -> None:
    """Note in this transaction that what the engine serves has changed (one atomic statement)."""
    session.execute(_bump_statement(session, reason))


@event.listens_for(Session, "after_flush")
def _policy_changes_bump_version(session: Session, _context) -> None:
    """A policy's dates or status decide which entries are served, so any policy change counts too."""
    if any(isinstance(obj, PolicyDocument) for obj in (*session.new, *session.deleted)) or any(
            isinstance(obj, PolicyDocument) and session.is_modified(obj) for obj in session.dirty):
        session.connection().execute(_bump_statement(session, "policies"))


def index_counter(session: Session) -> int:
    return session.scalar(select(KnowledgeBaseVersion.counter).where(KnowledgeBaseVersion.id == 1)) or 0


def current_index_version(session: Session, today: date | None = None) -> str:
    """A string that changes whenever the served knowledge base may have changed."""
    return f"{index_counter(session)}@{(today or china_today()).isoformat()}"


@dataclass(frozen=True)
class PolicyRef:
    slug: str
    title: str
    doc_number: str
    issuer: str
    effective_on: date
    expires_on: date | None
    expired: bool  # 已失效 (shown, but it no longer backs the answer)


@dataclass(frozen=True)
class ServedEntry:
    """What chat and H5 show for an entry: always from its live (last published) version."""

    id: int
    key: str
    version: int
    question: str
    answer: str
    answer_long: str
    category_code: str | None
    category_path: str  # e.g. "城乡建设 → 供热 → 暖气不热"
    department_name: str | None
    department_phone: str | None
    policies: tuple[PolicyRef, ...]
    published_at: datetime


@dataclass(frozen=True)
class ServedKnowledgeBase:
    version: str  # current_index_version() read before the entries: a newer one means rebuild again
    entries: list[Entry]  # what the engine indexes
    display: dict[int, ServedEntry]  # entry id → what to show
    synonyms: list[tuple[str, ...]]
    dictionary: list[tuple[str, int | None, str | None]]  # word, frequency, part of speech


@dataclass(frozen=True)
class WithheldEntry:
    id: int
    key: str
    question: str
    policies: tuple[PolicyRef, ...]


def _policy_ref(policy: PolicyDocument, today: date) -> PolicyRef:
    return PolicyRef(policy.slug, policy.title, policy.doc_number, policy.issuer, policy.effective_on,
                     policy.expires_on, policy.is_expired(today))


def _is_valid_on(snap: dict, today: date) -> bool:
    start, end = snap.get("valid_from"), snap.get("valid_until")
    return (not start or date.fromisoformat(start) <= today) and (not end or today <= date.fromisoformat(end))


def _live_rows(session: Session):
    return session.execute(
        select(FaqEntry.id, FaqVersion.number, FaqVersion.snapshot, FaqVersion.published_at)
        .join(FaqVersion, (FaqVersion.entry_id == FaqEntry.id) & (FaqVersion.number == FaqEntry.live_version))
        .where(FaqEntry.status == "published").order_by(FaqEntry.id))


def _cited(snap: dict, policies: dict[str, PolicyDocument], today: date) -> tuple[tuple[PolicyRef, ...], bool]:
    """The cited policies still on file, and whether the entry is backed: it cites none, or at least one
    that has not expired (a cited slug no longer on file backs nothing)."""
    refs = tuple(_policy_ref(policies[slug], today) for slug in snap.get("policies") or [] if slug in policies)
    backed = not snap.get("policies") or any(not ref.expired for ref in refs)
    return refs, backed


def _category_paths(session: Session) -> dict[str, str]:
    rows = session.execute(select(Category.id, Category.code, Category.name, Category.parent_id)).all()
    by_id = {row.id: row for row in rows}
    paths = {}
    for row in rows:
        names, node = [], row
        while node is not None:
            names.append(node.name)
            node = by_id.get(node.parent_id)
        paths[row.code] = " → ".join(reversed(names))
    return paths


def served_entries(session: Session, today: date) -> ServedKnowledgeBase:
    """Published entries valid `today` whose cited policies are not all expired, as last published."""
    version = current_index_version(session, today)
    policies = {policy.slug: policy for policy in session.scalars(select(PolicyDocument))}
    departments = {row.code: row for row in session.scalars(select(Department))}
    paths = _category_paths(session)
    entries, display = [], {}
    for entry_id, number, snap, published_at in _live_rows(session):
        refs, backed = _cited(snap, policies, today)
        if not backed or not _is_valid_on(snap, today):
            continue
        entries.append(Entry(id=entry_id, question=snap["question"], similar=tuple(snap.get("similar") or ()),
                             keywords=tuple(snap.get("keywords") or ()), category=snap.get("category"),
                             answer=snap.get("answer", "")))
        department = departments.get(snap.get("department"))
        display[entry_id] = ServedEntry(
            id=entry_id, key=snap["key"], version=number, question=snap["question"], answer=snap.get("answer", ""),
            answer_long=snap.get("answer_long", ""), category_code=snap.get("category"),
            category_path=paths.get(snap.get("category"), ""),
            department_name=department.name if department else None,
            department_phone=department.phone if department else None, policies=refs, published_at=published_at)
    return ServedKnowledgeBase(version, entries, display, synonym_groups(session), dictionary_words(session))


def entries_withheld_for_expired_policies(session: Session, today: date | None = None) -> list[WithheldEntry]:
    """Published entries not served because every policy they cite has expired (for editors)."""
    today = today or china_today()
    policies = {policy.slug: policy for policy in session.scalars(select(PolicyDocument))}
    withheld = []
    for entry_id, _number, snap, _published_at in _live_rows(session):
        refs, backed = _cited(snap, policies, today)
        if not backed:
            withheld.append(WithheldEntry(entry_id, snap["key"], snap["question"], refs))
    return withheld


def draft_index_entries(session: Session) -> list[Entry]:
    """Working copies of every entry not archived: the editors' "try a question" index."""
    rows = session.scalars(select(FaqEntry).where(FaqEntry.status != "archived").order_by(FaqEntry.id)
                           .options(selectinload(FaqEntry.similar_questions), selectinload(FaqEntry.category)))
    return [Entry(id=row.id, question=row.question, similar=tuple(row.similar), keywords=tuple(row.keywords or ()),
                  category=row.category.code if row.category else None, answer=row.answer or "") for row in rows]


def synonym_groups(session: Session) -> list[tuple[str, ...]]:
    return [tuple(words) for words in session.scalars(select(SynonymGroup.words).order_by(SynonymGroup.id))]


def dictionary_words(session: Session) -> list[tuple[str, int | None, str | None]]:
    rows = session.execute(select(DictionaryWord.word, DictionaryWord.frequency, DictionaryWord.pos)
                           .order_by(DictionaryWord.word))
    return [(word, frequency, pos) for word, frequency, pos in rows]
