"""What the engine indexes: one knowledge-base entry, reduced to the text it is matched on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: int  # the FAQ entry's id (faq.models.FaqEntry.id); the engine never looks anything else up
    question: str  # the standard question (标准问)
    similar: tuple[str, ...] = ()  # similar questions (相似问法), each indexed as its own row
    keywords: tuple[str, ...] = ()  # editor keywords, indexed as one more row
    category: str | None = None  # category code, for filtering and for the editors' tools
    answer: str = ""  # the short answer: weak evidence of what the entry is about (query.features)
