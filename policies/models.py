"""Policy documents the knowledge base cites (政策文件)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Timestamp, utcnow

POLICY_STATUSES = ("active", "repealed")


class PolicyDocument(Base):
    """One document: who issued it, its 文号, when it took effect and when (if ever) it expires."""

    __tablename__ = "policy_document"
    __table_args__ = (
        CheckConstraint(f"status IN {POLICY_STATUSES!r}", name="status"),
        CheckConstraint("expires_on IS NULL OR expires_on >= effective_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)  # stable name in files and URLs
    title: Mapped[str] = mapped_column(String(200))
    doc_number: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 文号
    issuer: Mapped[str] = mapped_column(String(100))
    published_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)  # last day in force; None: open-ended
    body: Mapped[str] = mapped_column(Text, default="", server_default="")  # Markdown
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)

    def is_expired(self, today: date) -> bool:
        """已失效: repealed, or today is past its last day in force."""
        return self.status == "repealed" or (self.expires_on is not None and today > self.expires_on)

    def is_in_force(self, today: date) -> bool:
        return not self.is_expired(today) and self.effective_on <= today

    def __repr__(self) -> str:
        return f"<PolicyDocument {self.slug}>"
