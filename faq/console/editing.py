"""Saving from the console: two editors must not overwrite each other, and a preview saves nothing.

An edit form carries the entry's `updated_at` as it was when the form was drawn (`edit_stamp`).
`save_edit` refuses a save made on a stale copy, and moves `updated_at` on in the same statement
that checks it (UPDATE … WHERE updated_at = <seen>), so of two editors saving the same copy at the
same moment exactly one wins — also when only similar questions or policies (other tables) changed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.db import utcnow
from faq.errors import FaqError, FieldError, InvalidEntry
from faq.fields import publish_problems
from faq.models import FaqEntry
from faq.service import get_entry, publish, update_entry, validate_fields


class EditConflict(FaqError):
    """Someone saved the entry after this editor opened it."""

    def __init__(self, entry: FaqEntry, by: int | None = None):
        if by is not None and entry.updated_by_id == by:
            who = "您（在另一个窗口或标签页中）"
        else:
            who = entry.updated_by.display_name if entry.updated_by else "其他人"
        super().__init__(f"保存失败：这个条目在您打开之后已被{who}修改。您填写的内容仍在下方，"
                         "请在新的标签页中查看最新内容，合并后再保存。")
        self.entry = entry


def edit_stamp(entry: FaqEntry) -> str:
    """What the form carries to prove it was drawn from the current copy."""
    return entry.updated_at.isoformat()


def save_edit(session: Session, entry_id: int, changes: Mapping[str, object], *, seen: str, by: int | None
              ) -> FaqEntry:
    """Apply `changes` to the working copy unless it changed since the copy stamped `seen` was read."""
    entry = get_entry(session, entry_id)
    if edit_stamp(entry) != seen:
        raise EditConflict(entry, by)
    claimed = session.execute(update(FaqEntry).where(FaqEntry.id == entry.id, FaqEntry.updated_at == entry.updated_at)
                              .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # saved by someone else between our read and this statement
        session.expire(entry)
        raise EditConflict(entry, by)
    session.expire(entry, ["updated_at"])
    return update_entry(session, entry.id, changes, by=by)


def save_and_publish(session: Session, entry_id: int, changes: Mapping[str, object], *, seen: str,
                     by: int | None, note: str) -> FaqEntry:
    """One transaction: the save, then the publish (the caller rolls back if either is refused)."""
    entry = save_edit(session, entry_id, changes, seen=seen, by=by)
    publish(session, entry.id, by=by, note=note)
    return entry


@dataclass(frozen=True)
class Preview:
    data: dict  # the cleaned fields, as they would be saved
    errors: list[FieldError] = field(default_factory=list)  # why it cannot be saved
    blockers: list[FieldError] = field(default_factory=list)  # why it could be saved but not published

    @property
    def publishable(self) -> bool:
        return not self.errors and not self.blockers


def preview(session: Session, fields: Mapping[str, object]) -> Preview:
    """What the fields would look like saved, without saving anything."""
    data, _resolved, errors = validate_fields(session, fields)
    return Preview(data, errors, publish_problems(data))


def field_messages(errors: list[FieldError]) -> dict[str, list[str]]:
    """Messages by field name, for showing each beside its field."""
    return InvalidEntry(errors).by_field()
