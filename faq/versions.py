"""Published versions: snapshots, history and readable diffs between versions."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faq.errors import VersionNotFound
from faq.fields import FIELDS, LABELS
from faq.models import FaqEntry, FaqVersion

LONG_FIELDS = ("answer", "answer_long")  # diffed line by line (unified diff)
LIST_FIELDS = ("similar", "keywords", "policies")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(entry: FaqEntry) -> dict:
    """The working copy as plain values, in the import format's field names (what a version stores)."""
    return {
        "key": entry.key,
        "question": entry.question,
        "similar": entry.similar,
        "keywords": list(entry.keywords or []),
        "answer": entry.answer,
        "answer_long": entry.answer_long,
        "category": entry.category.code if entry.category else None,
        "department": entry.department.code if entry.department else None,
        "policies": sorted(policy.slug for policy in entry.policies),
        "valid_from": _iso(entry.valid_from),
        "valid_until": _iso(entry.valid_until),
    }


def fields_snapshot(data: dict, resolved: dict) -> dict:
    """What snapshot() will return once validated `data` and its `resolved` rows are applied."""
    return {
        **{field: data[field] for field in ("key", "question", "similar", "keywords", "answer", "answer_long")},
        "similar": list(data["similar"]),
        "keywords": list(data["keywords"]),
        "category": resolved["category"].code if resolved["category"] else None,
        "department": resolved["department"].code if resolved["department"] else None,
        "policies": sorted(policy.slug for policy in resolved["policies"]),
        "valid_from": _iso(data["valid_from"]),
        "valid_until": _iso(data["valid_until"]),
    }


def get_version(session: Session, entry_id: int, number: int) -> FaqVersion:
    version = session.scalar(select(FaqVersion).where(FaqVersion.entry_id == entry_id, FaqVersion.number == number))
    if version is None:
        raise VersionNotFound(entry_id, number)
    return version


def live_snapshot(session: Session, entry: FaqEntry) -> dict | None:
    """The snapshot citizens are served, or None when the entry is not published."""
    if entry.status != "published" or entry.live_version is None:
        return None
    return get_version(session, entry.id, entry.live_version).snapshot


def has_pending_changes(session: Session, entry: FaqEntry) -> bool:
    """True when the working copy differs from what is served (or nothing is served yet)."""
    return live_snapshot(session, entry) != snapshot(entry)


def history(session: Session, entry_id: int) -> list[FaqVersion]:
    """Every published version of the entry, newest first."""
    return list(session.scalars(
        select(FaqVersion).where(FaqVersion.entry_id == entry_id).order_by(FaqVersion.number.desc())))


def add_version(session: Session, entry: FaqEntry, *, by: int | None, note: str) -> FaqVersion:
    number = (session.scalar(select(func.max(FaqVersion.number)).where(FaqVersion.entry_id == entry.id)) or 0) + 1
    version = FaqVersion(entry_id=entry.id, number=number, snapshot=snapshot(entry), note=note[:200],
                         published_by_id=by)
    session.add(version)
    return version


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str  # Chinese field name for the history page
    before: object
    after: object
    added: tuple[str, ...] = ()  # list fields: items only in `after`
    removed: tuple[str, ...] = ()  # list fields: items only in `before`
    unified: str = ""  # long text fields: a unified diff, line by line


def diff_snapshots(before: dict | None, after: dict) -> list[FieldChange]:
    """Field-by-field changes from `before` (None: nothing published yet) to `after`."""
    before = before or {}
    changes = []
    for field in FIELDS:
        old, new = before.get(field), after.get(field)
        if old == new or (not old and not new):
            continue
        change = FieldChange(field, LABELS[field], old, new)
        if field in LIST_FIELDS:
            old_items, new_items = list(old or []), list(new or [])
            change = FieldChange(field, LABELS[field], old, new,
                                 added=tuple(item for item in new_items if item not in old_items),
                                 removed=tuple(item for item in old_items if item not in new_items))
        elif field in LONG_FIELDS:
            lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(),
                                         fromfile="修改前", tofile="修改后", lineterm="")
            change = FieldChange(field, LABELS[field], old, new, unified="\n".join(lines))
        changes.append(change)
    return changes


def version_diff(session: Session, entry_id: int, number: int, against: int | None = None) -> list[FieldChange]:
    """What version `number` changed compared with version `against` (default: the one before it)."""
    after = get_version(session, entry_id, number).snapshot
    base = number - 1 if against is None else against
    before = get_version(session, entry_id, base).snapshot if base >= 1 else None
    return diff_snapshots(before, after)


def format_changes(changes: list[FieldChange]) -> str:
    """The diff as plain text (CLI, logs): one block per field."""
    blocks = []
    for change in changes:
        if change.unified:
            blocks.append(f"【{change.label}】\n{change.unified}")
        elif change.field in LIST_FIELDS:
            parts = [f"+ {item}" for item in change.added] + [f"- {item}" for item in change.removed]
            blocks.append(f"【{change.label}】\n" + "\n".join(parts))
        else:
            blocks.append(f"【{change.label}】{change.before or '（空）'} → {change.after or '（空）'}")
    return "\n".join(blocks)
