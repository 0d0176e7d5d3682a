"""Dates as they arrive from files and forms: ISO text, a date, a datetime, or nothing."""
from datetime import date, datetime


def parse_date(value: object) -> date | None:
    """None for empty; raises ValueError for text that is not YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())
