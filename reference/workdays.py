"""Working days (工作日) of the official calendar, and deadlines counted in them.

Where a day's status comes from, first match wins:
1. the `calendar_day` table (staff's overrides, seeded from reference/data/calendar.yaml): the next
   year's schedule once the State Council publishes it, or a correction;
2. the chinese-calendar package: official holidays and make-up workdays (调休) of the years it knows;
3. Monday to Friday, with one warning per year in the log (the package raises for unknown years).

Deadline rule (the same for receipt, extensions and any other "N working days from now"):
- days are China dates (Asia/Shanghai); a moment is first turned into its China date;
- the day of the starting moment is never counted, whatever the hour: day 1 is the first working day
  after it. So a ticket received on a Saturday, a holiday or a working day evening alike starts
  counting on the next working day;
- the deadline is the end of day N (23:59:59 China time), returned as an aware UTC datetime;
- N = 0 means the end of the starting day if it is a working day, else of the next working day.
`workdays_between(a, b)` counts the working days after a's date up to and including b's date, so
`workdays_between(start, add_workdays(start, n)) == n` for n ≥ 1.
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import CHINA, china_date
from reference.models import CalendarDay

log = logging.getLogger(__name__)

END_OF_DAY = time(23, 59, 59)
# A year has at most ~120 days off; scanning further than this means the calendar is broken.
MAX_SCAN_DAYS = 3660

_warned_years: set[int] = set()
_warned_lock = threading.Lock()


def end_of_day(day: date) -> datetime:
    """23:59:59 China time of `day`, in UTC."""
    return datetime.combine(day, END_OF_DAY, tzinfo=CHINA).astimezone(UTC)


def _warn_unknown_year(year: int) -> None:
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    log.warning("no official holiday calendar for %s: counting Monday to Friday as working days; add the "
                "State Council's schedule to the calendar table (reference/data/calendar.yaml)", year)


@functools.lru_cache(maxsize=4096)  # the package's tables never change while running; an unknown year raises
def _package_workday(day: date) -> bool:  # (not cached) each time, so the warning below works as before
    return chinese_calendar.is_workday(day)


def official_workday(day: date) -> bool:
    """The package's answer, or Monday–Friday (with a warning once per year) where it knows nothing."""
    try:
        return _package_workday(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


class WorkCalendar:
    """The official calendar with staff's overrides (date -> is working day) on top."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self.overrides = dict(overrides or {})

    @classmethod
    def from_session(cls, session: Session) -> WorkCalendar:
        rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday))
        return cls({day: is_workday for day, is_workday in rows})

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return official_workday(day)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SCAN_DAYS} days after {day}")

    def nth_workday(self, day: date, days: int) -> date:
        """Day N of the rule above (N ≥ 0): the Nth working day after `day`; N = 0 is `day` itself when
        it is a working day, else the next one."""
        if days < 0:
            raise ValueError("days must be ≥ 0")
        if days == 0:
            return day if self.is_workday(day) else self.next_workday(day)
        current = day
        for _ in range(days):
            current = self.next_workday(current)
        return current

    def add_workdays(self, start: datetime | date, days: int) -> datetime:
        """The deadline: end of the `days`-th working day after start's China date (aware UTC)."""
        return end_of_day(self.nth_workday(china_date(start), days))

    def workdays_between(self, start: datetime | date, end: datetime | date) -> int:
        """Working days after start's China date up to and including end's; negative when end is before."""
        first, last = china_date(start), china_date(end)
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        count = sum(1 for offset in range(1, (last - first).days + 1)
                    if self.is_workday(first + timedelta(days=offset)))
        return sign * count
