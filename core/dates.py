"""Dates and the city's clock: stored times are UTC; what people read and what counts as "today"
(validity dates, policy expiry, deadlines, ticket numbers) is the China date (UTC+8, no DST)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def parse_date(value: object) -> date | None:
    """Dates as they arrive from files and forms: None for empty; raises ValueError for text that is
    not YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def as_china(moment: datetime) -> datetime:
    """A stored moment in China time (naive datetimes are UTC, as SQLite returns them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)


def china_date(moment: datetime | date) -> date:
    """The China date of a moment; dates pass through."""
    return as_china(moment).date() if isinstance(moment, datetime) else moment


def china_today(now: datetime | None = None) -> date:
    """Today's date in the city."""
    return china_date(now or datetime.now(UTC))


def china_time(moment: datetime | None) -> str:
    """Jinja filter `china_time`: a stored moment as the city's wall-clock time, e.g. 2026-11-29 09:30."""
    return as_china(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def init_app(app) -> None:
    app.add_template_filter(china_time, "china_time")
