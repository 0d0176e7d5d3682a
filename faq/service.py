"""Editing and publishing knowledge-base entries.

The entry row is the working copy; a publish freezes it into a new FaqVersion and makes that
version live. Statuses and what they allow:

    draft      never published, or unpublished   edit · publish · archive · rollback · delete (if never published)
    published  its live version is served        edit (served only after the next publish) · publish ·
                                                 unpublish · archive · rollback
    archived   kept for the record               restore (→ draft)

Rollback copies an older version into the working copy and publishes it as a new version, so
history only ever grows. Fields are the import format's (see faq.fields); `by` is a StaffUser id
or None (imports, the demo loader).
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq.errors import EntryNotFound, FieldError, InvalidEntry, TransitionNotAllowed
from faq.fields import FIELDS, References, clean_entry, publish_problems
from faq.index import bump_index_version
from faq.models import FaqEntry, FaqQuestion, FaqVersion
from faq.versions import add_version, get_version, live_snapshot, snapshot


def get_entry(session: Session, ref: int | str) -> FaqEntry:
    """An entry by id, or by key when `ref` is a string."""
    if isinstance(ref, str):
        entry = session.scalar(select(FaqEntry).where(FaqEntry.key == ref))
    else:
        entry = session.get(FaqEntry, ref)
    if entry is None:
        raise EntryNotFound(ref)
    return entry


def validate_fields(session: Session, raw: Mapping[str, object], refs: References | None = None
                    ) -> tuple[dict, dict, list[FieldError]]:
    """Cleaned values, the rows their codes name, and every problem (empty when all is well)."""
    unknown = sorted(set(raw) - set(FIELDS) - {"status"})
    data, errors = clean_entry(raw)
    errors += [FieldError(name, f"未知字段「{name}」") for name in unknown]
    resolved, problems = (refs or References(session)).resolve(data)
    return data, resolved, errors + problems


def apply_fields(entry: FaqEntry, data: dict, resolved: dict, *, by: int | None) -> None:
    """Write validated values into the working copy (similar-question rows are reused in place)."""
    entry.question = data["question"]
    rows = entry.similar_questions
    for index, text in enumerate(data["similar"]):
        if index < len(rows):
            rows[index].text = text
        else:
            rows.append(FaqQuestion(text=text))
    del rows[len(data["similar"]):]
    entry.keywords = list(data["keywords"])
    entry.answer, entry.answer_long = data["answer"], data["answer_long"]
    entry.category, entry.department = resolved["category"], resolved["department"]
    entry.policies = list(resolved["policies"])
    entry.valid_from, entry.valid_until = data["valid_from"], data["valid_until"]
    entry.updated_by_id = by


def _new_key(session: Session) -> str:
    while True:
        key = f"faq-{secrets.token_hex(4)}"
        if session.scalar(select(FaqEntry.id).where(FaqEntry.key == key)) is None:
            return key


def _check_key_free(session: Session, key: str) -> None:
    if session.scalar(select(FaqEntry.id).where(FaqEntry.key == key)) is not None:
        raise InvalidEntry([FieldError("key", f"标识「{key}」已被其他条目使用")])


def create_entry(session: Session, fields: Mapping[str, object], *, by: int | None = None) -> FaqEntry:
    """A new draft. Without a key one is made up (faq-xxxxxxxx)."""
    data, resolved, errors = validate_fields(session, fields)
    if errors:
        raise InvalidEntry(errors)
    key = data["key"] or _new_key(session)
    _check_key_free(session, key)
    entry = FaqEntry(key=key, question=data["question"], status="draft", created_by_id=by)
    apply_fields(entry, data, resolved, by=by)
    session.add(entry)
    session.flush()
    return entry


def update_entry(session: Session, entry_id: int, changes: Mapping[str, object], *, by: int | None = None
                 ) -> FaqEntry:
    """Change fields of the working copy; fields not in `changes` keep their value.

    A published entry stays published and keeps serving its live version until published again.
    """
    entry = get_entry(session, entry_id)
    if entry.status == "archived":
        raise TransitionNotAllowed("已归档的条目不能编辑，请先恢复为草稿")
    merged = {**snapshot(entry), **changes}
    data, resolved, errors = validate_fields(session, merged)
    if data["key"] != entry.key:
        errors.append(FieldError("key", "标识创建后不能修改"))
    if errors:
        raise InvalidEntry(errors)
    apply_fields(entry, data, resolved, by=by)
    session.flush()
    return entry


def delete_draft(session: Session, entry_id: int) -> None:
    """Remove an entry that was never published (published ones are archived instead)."""
    entry = get_entry(session, entry_id)
    if session.scalar(select(FaqVersion.id).where(FaqVersion.entry_id == entry.id).limit(1)) is not None:
        raise TransitionNotAllowed("发布过的条目不能删除，只能归档")
    session.delete(entry)
    session.flush()


def publish(session: Session, entry_id: int, *, by: int | None = None, note: str = "", bump: bool = True
            ) -> FaqVersion:
    """Make the working copy live as a new version; a published entry without changes stays as it is.

    bump=False leaves the index version to the caller (a bulk import bumps it once)."""
    entry = get_entry(session, entry_id)
    if entry.status == "archived":
        raise TransitionNotAllowed("已归档的条目不能发布，请先恢复为草稿")
    current = snapshot(entry)
    problems = publish_problems(current)
    if problems:
        raise InvalidEntry(problems)
    if entry.status == "published" and live_snapshot(session, entry) == current:
        return get_version(session, entry.id, entry.live_version)
    version = add_version(session, entry, by=by, note=note)
    entry.status, entry.live_version = "published", version.number
    if bump:
        bump_index_version(session, f"publish {entry.key} v{version.number}")
    session.flush()
    return version


def unpublish(session: Session, entry_id: int, *, by: int | None = None) -> FaqEntry:
    """Stop serving the entry (it becomes a draft; its versions stay)."""
    entry = get_entry(session, entry_id)
    if entry.status != "published":
        raise TransitionNotAllowed("只有已发布的条目可以撤回")
    entry.status, entry.live_version, entry.updated_by_id = "draft", None, by
    bump_index_version(session, f"unpublish {entry.key}")
    session.flush()
    return entry


def archive(session: Session, entry_id: int, *, by: int | None = None) -> FaqEntry:
    entry = get_entry(session, entry_id)
    if entry.status == "archived":
        raise TransitionNotAllowed("条目已归档")
    if entry.status == "published":
        bump_index_version(session, f"archive {entry.key}")
    entry.status, entry.live_version, entry.updated_by_id = "archived", None, by
    session.flush()
    return entry


def restore(session: Session, entry_id: int, *, by: int | None = None) -> FaqEntry:
    """Bring an archived entry back as a draft."""
    entry = get_entry(session, entry_id)
    if entry.status != "archived":
        raise TransitionNotAllowed("只有已归档的条目可以恢复")
    entry.status, entry.updated_by_id = "draft", by
    session.flush()
    return entry


def rollback(session: Session, entry_id: int, number: int, *, by: int | None = None, note: str = "") -> FaqVersion:
    """Publish version `number` again, as a new version (the working copy becomes that snapshot)."""
    entry = get_entry(session, entry_id)
    if entry.status == "archived":
        raise TransitionNotAllowed("已归档的条目不能回滚，请先恢复为草稿")
    old = get_version(session, entry.id, number).snapshot
    data, resolved, errors = validate_fields(session, old)
    if errors:  # e.g. a category or policy of that time is gone
        raise InvalidEntry(errors)
    apply_fields(entry, data, resolved, by=by)
    session.flush()
    if entry.status == "published" and live_snapshot(session, entry) == snapshot(entry):
        raise TransitionNotAllowed(f"第 {number} 版与当前发布的内容相同，无需回滚")
    return publish(session, entry.id, by=by, note=note or f"回滚到第 {number} 版")
