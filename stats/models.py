"""The figures' day cache (stats.cache): counts per China day, department and leaf category, computed
from the events by stats.queries and kept until a change to one of their tickets invalidates the day.
Nothing here is a source of truth; deleting every row only makes the next figures page slower."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Timestamp

COUNTERS = ("received", "dispatched", "responded", "rated", "solved", "satisfied", "due", "on_time", "closed",
            "handling_workdays", "returned", "extensions", "extensions_approved")


class _Counts:
    """stats.metrics.Counts as columns."""

    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: none
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # a leaf
    received: Mapped[int] = mapped_column(Integer, default=0)
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    responded: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    solved: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    handling_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    handling_workdays: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    extensions_approved: Mapped[int] = mapped_column(Integer, default=0)


class StatsDay(_Counts, Base):
    """The counts of one China day for one department and one leaf category."""

    __tablename__ = "stats_day"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD


class StatsMonth(_Counts, Base):
    """The sum of a whole past month's StatsDay rows (a year of figures reads twelve of these per cell)."""

    __tablename__ = "stats_month"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM


class StatsMonthDone(Base):
    """A month whose StatsMonth rows are complete."""

    __tablename__ = "stats_month_done"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class StatsDayDone(Base):
    """A day whose StatsDay rows are complete (a day may have none)."""

    __tablename__ = "stats_day_done"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)


class StatsCacheState(Base):
    """Where the cache stands (one row): the last event seen, when, and what the counts depend on besides
    the tickets (the calendar's overrides, the 响应 limit, the definitions' version)."""

    __tablename__ = "stats_cache_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[datetime] = mapped_column(Timestamp())
    fingerprint: Mapped[str] = mapped_column(String(64))
    recent: Mapped[str] = mapped_column(Text, default="[]")  # ids of the events seen within LAG of as_of (JSON)
