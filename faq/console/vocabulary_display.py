"""What the synonyms and dictionary page shows besides the rows: the knowledge-base version, local
who changed a row, and the filter."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq.models import KnowledgeBaseVersion
from staff.models import StaffUser

# faq.index records why the version moved, in English; editors read it in Chinese.
REASONS = (
    (re.compile(r"^synonyms$"), "修改同义词"),
    (re.compile(r"^dictionary$"), "修改词典"),
    (re.compile(r"^policies$"), "政策文件变更"),
    (re.compile(r"^publish (\S+) v(\d+)$"), "发布「{0}」第 {1} 版"),
    (re.compile(r"^unpublish (\S+)$"), "撤下「{0}」"),
    (re.compile(r"^archive (\S+)$"), "归档「{0}」"),
    (re.compile(r"^import: (\d+) published$"), "导入并发布 {0} 条"),
)


@dataclass(frozen=True)
class KbVersion:
    counter: int
    changed_at: datetime | None
    reason: str


def reason_text(reason: str) -> str:
    for pattern, text in REASONS:
        match = pattern.match(reason)
        if match:
            return text.format(*match.groups())
    return reason


def kb_version(session: Session) -> KbVersion:
    row = session.get(KnowledgeBaseVersion, 1)
    if row is None:
        return KbVersion(0, None, "")
    return KbVersion(row.counter, row.changed_at, reason_text(row.reason))


def editor_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(wanted)))
    return dict(rows.tuples().all())


def matches(query: str, texts: Iterable[str]) -> bool:
    """Whether any text contains the query (case-insensitive)."""
    needle = query.casefold()
    return any(needle in text.casefold() for text in texts)
