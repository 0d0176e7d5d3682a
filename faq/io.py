"""Import and export of entries (CSV, JSON, Excel): the CLI and the editors' console call these.

An import reads the whole file, validates every row against the database (codes, slugs, duplicate
keys) and writes only when nothing is wrong: all rows or none. Rows are matched by `key`: new keys
become drafts, known keys update the working copy (a published entry keeps serving its last
published version). With publish=True every row is also published (a new version only where
something changed). The caller commits, or rolls back on any exception.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faq.errors import FieldError, ImportFailed, LineError
from faq.fields import References, clean_status, publish_problems
from faq.formats import WRITERS, Row, format_for, read_rows
from faq.index import bump_index_version
from faq.models import FaqEntry
from faq.service import apply_fields, archive, unpublish, validate_fields
from faq.service import publish as publish_entry
from faq.versions import fields_snapshot, snapshot

__all__ = ["ImportReport", "PreparedRow", "apply_rows", "export_entries", "format_for", "import_entries",
           "validate_rows"]


@dataclass
class PreparedRow:
    line: int
    data: dict
    resolved: dict
    status: str  # from the file's status column (draft when absent)
    existing: FaqEntry | None


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # keys that got a new live version

    def summary(self) -> str:
        return (f"新建 {len(self.created)}，更新 {len(self.updated)}，未变 {len(self.unchanged)}，"
                f"发布 {len(self.published)}")


def _existing_entries(session: Session, keys: list[str], chunk: int = 500) -> dict[str, FaqEntry]:
    keys = sorted({key for key in keys if key})
    found: dict[str, FaqEntry] = {}
    for start in range(0, len(keys), chunk):  # bound parameters per statement are limited
        query = select(FaqEntry).where(FaqEntry.key.in_(keys[start:start + chunk])).options(
            selectinload(FaqEntry.similar_questions), selectinload(FaqEntry.policies),
            selectinload(FaqEntry.category), selectinload(FaqEntry.department))
        found.update((entry.key, entry) for entry in session.scalars(query))
    return found


def validate_rows(session: Session, rows: list[Row], *, require_publishable: Callable[[str], bool]
                  ) -> list[PreparedRow]:
    """Every row checked; raises ImportFailed with every problem of every row."""
    refs = References(session).preload()
    existing = _existing_entries(session, [str(raw.get("key") or "").strip().lower() for _line, raw in rows])
    prepared, problems, seen = [], [], {}
    for line, raw in rows:
        raw = dict(raw)
        errors: list[FieldError] = []
        status = clean_status(errors, raw.pop("status", None))
        data, resolved, field_errors = validate_fields(session, raw, refs)
        errors += field_errors
        key = data["key"]
        if not key:
            errors.append(FieldError("key", "标识不能为空（导入按标识匹配已有条目）"))
        elif key in seen:
            errors.append(FieldError("key", f"标识「{key}」与第 {seen[key]} 行重复"))
        else:
            seen[key] = line
        if require_publishable(status):
            errors += publish_problems(data)
        entry = existing.get(key)
        if entry is not None and entry.status == "archived" and not errors \
                and snapshot(entry) != fields_snapshot(data, resolved):
            errors.append(FieldError("key", f"条目「{key}」已归档，不能通过导入修改"))
        problems += [LineError(line, error.field, error.message) for error in errors]
        prepared.append(PreparedRow(line, data, resolved, status, entry))
    if problems:
        raise ImportFailed(problems)
    return prepared


def apply_rows(session: Session, prepared: list[PreparedRow], *, target_status: Callable[[PreparedRow], str | None],
               update_existing: bool = True, by: int | None = None, note: str = "导入") -> ImportReport:
    """Write validated rows. `target_status(row)` says what to do after writing: "published",
    "draft" (unpublish), "archived", or None (leave the status as it is)."""
    report = ImportReport()
    entries = []
    for row in prepared:
        entry = row.existing
        if entry is None:
            entry = FaqEntry(key=row.data["key"], question=row.data["question"], status="draft", created_by_id=by)
            apply_fields(entry, row.data, row.resolved, by=by)
            session.add(entry)
            report.created.append(entry.key)
        elif update_existing and snapshot(entry) != fields_snapshot(row.data, row.resolved):
            apply_fields(entry, row.data, row.resolved, by=by)
            report.updated.append(entry.key)
        else:
            report.unchanged.append(entry.key)
            if not update_existing:
                continue
        entries.append((row, entry))
    session.flush()
    for row, entry in entries:
        _move_to(session, entry, target_status(row), report, by=by, note=note)
    if report.published:
        bump_index_version(session, f"import: {len(report.published)} published")
    session.flush()
    return report


def _move_to(session: Session, entry: FaqEntry, status: str | None, report: ImportReport, *, by: int | None,
             note: str) -> None:
    if status == "published":
        before = (entry.status, entry.live_version)
        version = publish_entry(session, entry.id, by=by, note=note, bump=False)
        if before != ("published", version.number):
            report.published.append(entry.key)
    elif status == "draft" and entry.status == "published":
        unpublish(session, entry.id, by=by)
    elif status == "archived" and entry.status != "archived":
        archive(session, entry.id, by=by)


def import_entries(session: Session, stream: BinaryIO, fmt: str, *, publish: bool = False,
                   by: int | None = None) -> ImportReport:
    """Import a whole file (all or nothing); raises ImportFailed listing every wrong line."""
    rows = read_rows(stream, fmt)
    if not rows:
        raise ImportFailed([LineError(0, "file", "文件里没有任何条目")])
    prepared = validate_rows(session, rows, require_publishable=lambda _status: publish)
    return apply_rows(session, prepared, target_status=lambda _row: "published" if publish else None, by=by)


def export_records(session: Session, *, statuses: tuple[str, ...] | None = None) -> list[dict]:
    """The working copy of every entry (with its status), by key: what an import reads back."""
    query = select(FaqEntry).order_by(FaqEntry.key).options(
        selectinload(FaqEntry.similar_questions), selectinload(FaqEntry.policies),
        selectinload(FaqEntry.category), selectinload(FaqEntry.department))
    if statuses:
        query = query.where(FaqEntry.status.in_(statuses))
    return [{**snapshot(entry), "status": entry.status} for entry in session.scalars(query)]


def export_entries(session: Session, stream: BinaryIO, fmt: str, *, statuses: tuple[str, ...] | None = None) -> int:
    """Write entries to `stream` in `fmt` (csv, json or xlsx); returns how many."""
    if fmt not in WRITERS:
        raise ImportFailed([LineError(0, "file", f"不支持的格式「{fmt}」")])
    records = export_records(session, statuses=statuses)
    WRITERS[fmt](stream, records)
    return len(records)
