"""Tables owned by the plumbing itself."""
from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class SharedStateEntry(Base):
    """One key of the database-backed shared store (see core.state)."""

    __tablename__ = "shared_state"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    counter: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Unix time in seconds; rows past it are dead (ignored on read, purged by a periodic job).
    expires_at: Mapped[float] = mapped_column(Float, index=True)
