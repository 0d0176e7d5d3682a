"""The figures page's content: the table (one row per department or category, and the total), the trend
per day or month, and the names the groups are shown with."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reference.models import Category, Department
from stats.cache import count
from stats.metrics import Counts, Figure, figures, rates, total
from stats.queries import Scope

UNDISPATCHED = "未派单（热线）"
TREND_FIGURES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")


@dataclass
class Row:
    key: object
    label: str
    counts: Counts
    values: dict


@dataclass
class Report:
    scope: Scope
    figures: list[Figure]
    rows: list[Row]
    total: Row
    buckets: list[str]
    trend: dict[str, list]  # figure code -> one value per bucket


def group_labels(session: Session, dimension: str, keys) -> dict[object, str]:
    keys = [key for key in keys if key is not None]
    if dimension == "department":
        rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(keys)))
        return {**dict(rows.all()), None: UNDISPATCHED}
    if dimension == "category":
        return dict(session.execute(select(Category.code, Category.name).where(Category.code.in_(keys))).all())
    paths = category_paths(session)
    return {key: paths.get(key, str(key)) for key in keys}


def category_paths(session: Session) -> dict[int, str]:
    """Every category's path name (城乡建设 → 供热 → 暖气不热) from one query, not one per parent."""
    tree = {id_: (name, parent) for id_, name, parent in session.execute(
        select(Category.id, Category.name, Category.parent_id))}

    def path(id_) -> str:
        names = []
        while id_ in tree:
            name, id_ = tree[id_]
            names.append(name)
        return " → ".join(reversed(names))

    return {id_: path(id_) for id_ in tree}


def build_report(session: Session, scope: Scope, now: datetime) -> Report:
    grouped = count(session, scope, now)
    labels = group_labels(session, scope.dimension, grouped)
    rows = []
    for key, buckets in grouped.items():
        counts = total(buckets)
        rows.append(Row(key, labels.get(key, str(key)), counts, rates(counts)))
    rows.sort(key=lambda row: (-row.counts.received, -row.counts.dispatched, row.label))
    whole = Counts()
    for row in rows:
        whole.add(row.counts)
    bucket_names = scope.period.buckets()
    per_bucket = {name: Counts() for name in bucket_names}
    for buckets in grouped.values():
        for name, counts in buckets.items():
            per_bucket.setdefault(name, Counts()).add(counts)
    values = [rates(per_bucket[name]) for name in bucket_names]
    trend = {code: [value[code] for value in values] for code in ("received", *TREND_FIGURES)}
    return Report(scope, figures(), rows, Row(None, "合计", whole, rates(whole)), bucket_names, trend)
