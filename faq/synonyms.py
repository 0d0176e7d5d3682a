"""The editors' vocabulary: synonym groups and the custom segmentation dictionary.

Every change bumps the knowledge-base version: the engine's index depends on both.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq.errors import InvalidVocabulary
from faq.fields import HTML_TAG, clean_text, split_list
from faq.index import bump_index_version
from faq.models import DictionaryWord, SynonymGroup

MAX_WORD = 30
MAX_GROUP = 50
POS = re.compile(r"^[a-zA-Z]{1,8}$")


def _clean_word(value: object) -> str:
    word = clean_text(value)
    if not word:
        return ""
    if len(word) > MAX_WORD:
        raise InvalidVocabulary(f"词语「{word[:20]}…」超过 {MAX_WORD} 字")
    if any(ch.isspace() for ch in word) or HTML_TAG.search(word):
        raise InvalidVocabulary(f"词语「{word}」不能包含空格或 HTML 标签")
    return word


def _clean_group(session: Session, words: Iterable[str] | str, group_id: int | None) -> list[str]:
    cleaned: list[str] = []
    for item in split_list(words) if isinstance(words, str) else words:
        word = _clean_word(item)
        if word and word not in cleaned:
            cleaned.append(word)
    if len(cleaned) < 2:
        raise InvalidVocabulary("同义词组至少要有两个不同的词")
    if len(cleaned) > MAX_GROUP:
        raise InvalidVocabulary(f"同义词组最多 {MAX_GROUP} 个词")
    for other in session.scalars(select(SynonymGroup).where(SynonymGroup.id != (group_id or 0))):
        shared = [word for word in cleaned if word in other.words]
        if shared:
            raise InvalidVocabulary(f"「{shared[0]}」已在另一个同义词组（{'、'.join(other.words[:5])}）中")
    return cleaned


def create_synonym_group(session: Session, words: Iterable[str] | str, *, note: str = "",
                         by: int | None = None) -> SynonymGroup:
    """A new group; `words` is a list or a "|"-separated string. A word may be in one group only."""
    group = SynonymGroup(words=_clean_group(session, words, None), note=clean_text(note)[:200], updated_by_id=by)
    session.add(group)
    bump_index_version(session, "synonyms")
    session.flush()
    return group


def _get_group(session: Session, group_id: int) -> SynonymGroup:
    group = session.get(SynonymGroup, group_id)
    if group is None:
        raise InvalidVocabulary(f"找不到同义词组 {group_id}")
    return group


def update_synonym_group(session: Session, group_id: int, words: Iterable[str] | str, *, note: str | None = None,
                         by: int | None = None) -> SynonymGroup:
    group = _get_group(session, group_id)
    group.words = _clean_group(session, words, group_id)
    if note is not None:
        group.note = clean_text(note)[:200]
    group.updated_by_id = by
    bump_index_version(session, "synonyms")
    session.flush()
    return group


def delete_synonym_group(session: Session, group_id: int) -> None:
    session.delete(_get_group(session, group_id))
    bump_index_version(session, "synonyms")
    session.flush()


def list_synonym_groups(session: Session) -> list[SynonymGroup]:
    return list(session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def _clean_entry_fields(frequency: int | str | None, pos: str | None) -> tuple[int | None, str | None]:
    if frequency in (None, ""):
        frequency = None
    else:
        try:
            frequency = int(frequency)
        except (TypeError, ValueError):
            raise InvalidVocabulary(f"词频「{frequency}」应为正整数") from None
        if frequency < 1:
            raise InvalidVocabulary("词频应为正整数")
    pos = clean_text(pos) or None
    if pos is not None and not POS.match(pos):
        raise InvalidVocabulary(f"词性「{pos}」应为 1–8 个英文字母（如 n、v、nz）")
    return frequency, pos


def add_dictionary_word(session: Session, word: str, *, frequency: int | str | None = None, pos: str | None = None,
                        by: int | None = None) -> DictionaryWord:
    cleaned = _clean_word(word)
    if not cleaned:
        raise InvalidVocabulary("词语不能为空")
    if session.scalar(select(DictionaryWord.id).where(DictionaryWord.word == cleaned)) is not None:
        raise InvalidVocabulary(f"词典里已有「{cleaned}」")
    frequency, pos = _clean_entry_fields(frequency, pos)
    row = DictionaryWord(word=cleaned, frequency=frequency, pos=pos, updated_by_id=by)
    session.add(row)
    bump_index_version(session, "dictionary")
    session.flush()
    return row


def update_dictionary_word(session: Session, word_id: int, *, frequency: int | str | None = None,
                           pos: str | None = None, by: int | None = None) -> DictionaryWord:
    row = session.get(DictionaryWord, word_id)
    if row is None:
        raise InvalidVocabulary(f"找不到词典词 {word_id}")
    row.frequency, row.pos = _clean_entry_fields(frequency, pos)
    row.updated_by_id = by
    bump_index_version(session, "dictionary")
    session.flush()
    return row


def delete_dictionary_word(session: Session, word_id: int) -> None:
    row = session.get(DictionaryWord, word_id)
    if row is None:
        raise InvalidVocabulary(f"找不到词典词 {word_id}")
    session.delete(row)
    bump_index_version(session, "dictionary")
    session.flush()


def list_dictionary_words(session: Session) -> list[DictionaryWord]:
    return list(session.scalars(select(DictionaryWord).order_by(DictionaryWord.word)))
