"""Detection's running state (facts, daily counts, term counts, the watermark row), the light question
log of answered questions, and alerts with their evidence.

Facts and counts are derived data: `flask insight detect --full` rebuilds them from tickets and
questions. Alerts are not derived: they carry staff decisions and are never rebuilt.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, utcnow
from reference.models import Category
from staff.models import StaffUser
from submit.models import Ticket

ALERT_KINDS = ("spike", "cluster", "rising")
ALERT_STATUSES = ("open", "acknowledged", "dismissed", "task")
QUESTION_OUTCOMES = ("answer", "choices")
QUESTION_SOURCES = ("log", "unanswered")  # insight_question, faq_unanswered


class InsightState(Base):
    """One row per detector: how far it has read, and how its last runs went (/healthz)."""

    __tablename__ = "insight_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_event_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    question_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unanswered_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    history_start: Mapped[date | None] = mapped_column(Date)  # the first day with data
    last_run_at: Mapped[datetime | None] = mapped_column(Timestamp())
    last_ok_at: Mapped[datetime | None] = mapped_column(Timestamp())
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in a row
    last_stats: Mapped[dict] = mapped_column(JSON, default=dict)


class InsightTicket(Base):
    """A ticket as detection sees it: when (China day), what, where, who (a hash), valid or not."""

    __tablename__ = "insight_ticket"
    __table_args__ = (
        Index("ix_insight_ticket_day_category", "day", "category_id"),
        Index("ix_insight_ticket_place_day", "place", "day"),
        Index("ix_insight_ticket_grid_day", "grid", "day"),
    )

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp())
    day: Mapped[date] = mapped_column(Date)
    category_id: Mapped[int] = mapped_column(Integer)
    district_id: Mapped[int | None] = mapped_column(Integer)
    street_id: Mapped[int | None] = mapped_column(Integer)
    grid: Mapped[str | None] = mapped_column(String(24))
    place: Mapped[str | None] = mapped_column(String(60))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    citizen: Mapped[str] = mapped_column(String(16))  # keyed hash of openid or phone, never either
    valid: Mapped[bool] = mapped_column(Boolean)
    terms: Mapped[list] = mapped_column(JSON, default=list)


class InsightCount(Base):
    """Distinct citizens per leaf category, area and China day (valid tickets only)."""

    __tablename__ = "insight_count"
    __table_args__ = (Index("ix_insight_count_day", "day"),)

    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    citizens: Mapped[int] = mapped_column(Integer)


class InsightTerm(Base):
    """Distinct citizens using a term per source (question, unanswered, ticket) and China day."""

    __tablename__ = "insight_term"
    __table_args__ = (Index("ix_insight_term_day", "day"),)

    source: Mapped[str] = mapped_column(String(12), primary_key=True)
    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    citizens: Mapped[int] = mapped_column(Integer)


class InsightSeen(Base):
    """(day, source, term, citizen) already counted for questions: a citizen asking again counts once.
    Kept for the days a late question can still land on; purged after."""

    __tablename__ = "insight_seen"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(16), primary_key=True)


class QuestionLog(Base):
    """A 微查询 question that was answered (or offered choices). Questions without an answer are in
    faq_unanswered; together they are every question asked. No openid: a keyed hash."""

    __tablename__ = "insight_question"
    __table_args__ = (CheckConstraint(f"outcome IN {QUESTION_OUTCOMES!r}", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    normalized: Mapped[str] = mapped_column(String(500))
    openid_hash: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entry.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, index=True)


class Alert(Base):
    """A signal above its threshold, with what fired it; grows while the same event goes on."""

    __tablename__ = "insight_alert"
    __table_args__ = (
        CheckConstraint(f"kind IN {ALERT_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {ALERT_STATUSES!r}", name="status"),
        Index("ix_insight_alert_status_last", "status", "last_signal_at"),
        Index("ix_insight_alert_key", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    key: Mapped[str] = mapped_column(String(120))  # the signal's cell: spike:<category>:<area>, cluster:…, rising:…
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    area: Mapped[str] = mapped_column(String(24), default="", server_default="")
    area_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    term: Mapped[str] = mapped_column(String(32), default="", server_default="")
    window_days: Mapped[float] = mapped_column(Float)
    observed: Mapped[int] = mapped_column(Integer)  # distinct citizens in the window
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(300))
    numbers: Mapped[dict] = mapped_column(JSON, default=dict)  # what fired it, in full
    history: Mapped[list] = mapped_column(JSON, default=list)  # each time it fired or grew
    first_signal_at: Mapped[datetime] = mapped_column(Timestamp())
    last_signal_at: Mapped[datetime] = mapped_column(Timestamp())
    grown: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    task_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))  # the 主动治理 ticket
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    acted_at: Mapped[datetime | None] = mapped_column(Timestamp())
    dismiss_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": revision}

    category: Mapped[Category | None] = relationship()
    task_ticket: Mapped[Ticket | None] = relationship()
    acted_by: Mapped[StaffUser | None] = relationship()
    evidence: Mapped[list[AlertEvidence]] = relationship(back_populates="alert", order_by="AlertEvidence.id",
                                                         passive_deletes=True)


class AlertEvidence(Base):
    """A ticket or a question behind an alert."""

    __tablename__ = "insight_alert_evidence"
    __table_args__ = (
        UniqueConstraint("alert_id", "ticket_id", name="uq_insight_alert_evidence_ticket"),
        UniqueConstraint("alert_id", "question_source", "question_id", name="uq_insight_alert_evidence_question"),
        CheckConstraint("(ticket_id IS NULL) != (question_id IS NULL)", name="one_item"),
        Index("ix_insight_alert_evidence_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("insight_alert.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    question_source: Mapped[str | None] = mapped_column(String(12))
    question_id: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)

    alert: Mapped[Alert] = relationship(back_populates="evidence")
    ticket: Mapped[Ticket | None] = relationship()
