"""SQL pieces the figures need that SQLite and PostgreSQL spell differently: a stored UTC moment's
China date or month as text ('2026-11-29', '2026-11'), and the seconds between two moments."""
from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class _ChinaText(FunctionElement):
    type = String()
    inherit_cache = True


class china_day(_ChinaText):  # noqa: N801 - used like a SQL function
    """The China date (UTC+8) of a stored moment, as 'YYYY-MM-DD' text."""

    inherit_cache = True


class china_month(_ChinaText):  # noqa: N801
    """The China month of a stored moment, as 'YYYY-MM' text."""

    inherit_cache = True


class seconds_between(FunctionElement):  # noqa: N801
    """seconds_between(a, b): b - a in seconds."""

    type = Float()
    inherit_cache = True


class least(FunctionElement):  # noqa: N801
    """The smaller of two values (SQLite's two-argument min, PostgreSQL's LEAST)."""

    inherit_cache = True


@compiles(least, "sqlite")
def _least_sqlite(element, compiler, **kw):
    return f"min({compiler.process(element.clauses, **kw)})"


@compiles(least, "postgresql")
def _least_pg(element, compiler, **kw):
    return f"LEAST({compiler.process(element.clauses, **kw)})"


SQLITE_FORMAT = {china_day: "%Y-%m-%d", china_month: "%Y-%m"}
POSTGRES_FORMAT = {china_day: "YYYY-MM-DD", china_month: "YYYY-MM"}


@compiles(china_day, "sqlite")
@compiles(china_month, "sqlite")
def _china_text_sqlite(element, compiler, **kw):
    return f"strftime('{SQLITE_FORMAT[type(element)]}', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_day, "postgresql")
@compiles(china_month, "postgresql")
def _china_text_pg(element, compiler, **kw):
    wall_clock = f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' + INTERVAL '8 hours')"
    return f"to_char({wall_clock}, '{POSTGRES_FORMAT[type(element)]}')"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


def bucket_of(moment: ColumnElement, grain: str) -> ColumnElement:
    """The trend's bucket of a moment: its China day or month."""
    return china_day(moment) if grain == "day" else china_month(moment)
