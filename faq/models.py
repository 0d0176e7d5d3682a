"""The knowledge base: entries (the editable working copy), published versions, the global
knowledge-base version, synonyms, the custom dictionary, unanswered questions and votes.

Edit/publish model: a FaqEntry row is the working copy and may be edited at any time. Publishing
copies it into an immutable FaqVersion snapshot; while status is "published" the entry's live
version (`live_version`, always its highest version number) is what citizens are served, whatever
the working copy says. Editing a published entry therefore never changes what is served until the
next publish (see faq.service).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, utcnow
from policies.models import PolicyDocument
from reference.models import Category, Department
from staff.models import StaffUser

ENTRY_STATUSES = ("draft", "published", "archived")
UNANSWERED_OUTCOMES = ("none", "unhelpful")

faq_entry_policy = Table(
    "faq_entry_policy",
    Base.metadata,
    Column("entry_id", ForeignKey("faq_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("policy_id", ForeignKey("policy_document.id"), primary_key=True, index=True),
)


class FaqEntry(Base):
    __tablename__ = "faq_entry"
    __table_args__ = (
        CheckConstraint(f"status IN {ENTRY_STATUSES!r}", name="status"),
        CheckConstraint("valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # stable slug, the import/export identity
    question: Mapped[str] = mapped_column(String(200))  # 标准问
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")  # plain text for chat
    answer_long: Mapped[str] = mapped_column(Text, default="", server_default="")  # Markdown for H5
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft", index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # last day served; None: open-ended
    live_version: Mapped[int | None] = mapped_column(Integer)  # FaqVersion.number served while published
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)

    similar_questions: Mapped[list[FaqQuestion]] = relationship(
        order_by="FaqQuestion.position", collection_class=ordering_list("position"),
        cascade="all, delete-orphan", passive_deletes=True)
    category: Mapped[Category | None] = relationship()
    department: Mapped[Department | None] = relationship()
    policies: Mapped[list[PolicyDocument]] = relationship(secondary=faq_entry_policy, order_by=PolicyDocument.slug)
    versions: Mapped[list[FaqVersion]] = relationship(
        back_populates="entry", order_by="FaqVersion.number", passive_deletes=True)
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[StaffUser | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def similar(self) -> list[str]:
        return [row.text for row in self.similar_questions]

    def __repr__(self) -> str:
        return f"<FaqEntry {self.key} {self.status}>"


class FaqQuestion(Base):
    """One similar question (相似问法) of an entry, in the editor's order."""

    __tablename__ = "faq_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))


class FaqVersion(Base):
    """An immutable snapshot of an entry as published (fields as in the JSON import format)."""

    __tablename__ = "faq_version"
    __table_args__ = (UniqueConstraint("entry_id", "number", name="uq_faq_version_entry_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (entry_id, number) constraint
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per entry
    snapshot: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)

    entry: Mapped[FaqEntry] = relationship(back_populates="versions")
    published_by: Mapped[StaffUser | None] = relationship()


@event.listens_for(FaqVersion, "before_update")
def _versions_are_immutable(_mapper, _connection, target: FaqVersion) -> None:
    raise RuntimeError(f"FaqVersion {target.entry_id}#{target.number} is immutable")


class KnowledgeBaseVersion(Base):
    """One row (id 1): a counter bumped by every change to what the engine serves."""

    __tablename__ = "kb_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(100), default="", server_default="")
    changed_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)


class SynonymGroup(Base):
    """Words the engine treats as one term (e.g. 暖气 / 供暖 / 采暖). A word belongs to one group."""

    __tablename__ = "faq_synonym_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)


class DictionaryWord(Base):
    """A word of the custom segmentation dictionary (jieba: word [frequency] [part of speech])."""

    __tablename__ = "faq_dictionary_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(30), unique=True)
    frequency: Mapped[int | None] = mapped_column(Integer)
    pos: Mapped[str | None] = mapped_column(String(8))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)


class UnansweredQuestion(Base):
    """A question that got no answer, or whose answer was voted 没用. Never holds a raw openid."""

    __tablename__ = "faq_unanswered"
    __table_args__ = (CheckConstraint(f"outcome IN {UNANSWERED_OUTCOMES!r}", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    normalized: Mapped[str] = mapped_column(String(500), index=True)
    openid_hash: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    best_score: Mapped[float | None] = mapped_column(Float)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entry.id", ondelete="SET NULL"))  # voted 没用
    draft_entry_id: Mapped[int | None] = mapped_column(  # the draft made from its group, once handled
        ForeignKey("faq_entry.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, index=True)


class FaqVote(Base):
    """有用 / 没用 on an entry; one vote per citizen and entry (a second one replaces the first)."""

    __tablename__ = "faq_vote"
    __table_args__ = (UniqueConstraint("entry_id", "openid_hash", name="uq_faq_vote_entry_openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id", ondelete="CASCADE"))  # see the unique
    version: Mapped[int | None] = mapped_column(Integer)  # the live version the citizen saw
    helpful: Mapped[bool] = mapped_column(Boolean)
    openid_hash: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
