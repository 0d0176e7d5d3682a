"""Periods of the figures: a day, an ISO week or a month around a China date, or a custom range.

Every bound is a China date (UTC+8); `Period.bounds()` gives the UTC moments [start, end) that the
queries compare stored timestamps with. The trend is drawn by day for ranges up to MAX_DAILY days
and by month beyond.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.dates import CHINA, parse_date

KINDS = {"day": "日", "week": "周", "month": "月", "custom": "自定义"}
MAX_DAYS = 731  # a custom range: two years at most
MAX_DAILY = 62  # longer ranges are drawn by month


class PeriodError(ValueError):
    """Bad period input, by form field (kind, on, start, end), in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first day
    end: date  # last day (inclusive)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> str:
        """The trend's bucket: "day" or "month"."""
        return "day" if self.days <= MAX_DAILY else "month"

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC moments: China midnight of the first day and of the day after the last."""
        return china_midnight(self.start), china_midnight(self.end + timedelta(days=1))

    def bucket(self, day: date) -> str:
        return day.isoformat() if self.grain == "day" else day.strftime("%Y-%m")

    def buckets(self) -> list[str]:
        """Every bucket of the period in order (days or months), empty ones included."""
        seen: list[str] = []
        for offset in range(self.days):
            key = self.bucket(self.start + timedelta(days=offset))
            if not seen or seen[-1] != key:
                seen.append(key)
        return seen


def china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA).astimezone(UTC)


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def around(kind: str, on: date) -> Period:
    """The day, ISO week (Monday to Sunday) or calendar month containing `on`."""
    if kind == "day":
        return Period(kind, on, on)
    if kind == "week":
        monday = on - timedelta(days=on.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "month":
        return Period(kind, on.replace(day=1), month_end(on))
    raise ValueError(f"unknown period kind {kind!r}")


def _date(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    try:
        return parse_date((value or "").strip())
    except ValueError:
        errors[field] = "日期格式应为 YYYY-MM-DD，例如 2026-11-01"
        return None


def parse_period(kind: str | None, on: str | None, start: str | None, end: str | None, *, today: date) -> Period:
    """The period a filter form asks for (defaults: this month); raises PeriodError by field."""
    kind = kind or "month"
    errors: dict[str, str] = {}
    if kind not in KINDS:
        raise PeriodError({"kind": "请选择日、周、月或自定义"})
    if kind != "custom":
        anchor = _date(on, "on", errors) or today
        if errors:
            raise PeriodError(errors)
        return around(kind, anchor)
    first, last = _date(start, "start", errors), _date(end, "end", errors)
    if not errors:
        if first is None:
            errors["start"] = "请填写开始日期"
        if last is None:
            errors["end"] = "请填写结束日期"
    if not errors and last < first:
        errors["end"] = "结束日期不能早于开始日期"
    if not errors and (last - first).days + 1 > MAX_DAYS:
        errors["end"] = f"自定义区间最长 {MAX_DAYS} 天"
    if errors:
        raise PeriodError(errors)
    return Period("custom", first, last)
