"""Synonym groups and the custom dictionary: editable rows, validated, and each change bumps the index version."""
import pytest

from faq.errors import InvalidVocabulary
from faq.index import index_counter
from faq.synonyms import (
    add_dictionary_word,
    create_synonym_group,
    delete_dictionary_word,
    delete_synonym_group,
    list_dictionary_words,
    list_synonym_groups,
    update_dictionary_word,
    update_synonym_group,
)


def test_synonym_groups(session):
    group = create_synonym_group(session, "暖气 | 供暖|采暖|暖气", note="供热")
    assert group.words == ["暖气", "供暖", "采暖"] and index_counter(session) == 1
    with pytest.raises(InvalidVocabulary, match="「供暖」已在另一个同义词组"):
        create_synonym_group(session, ["供暖", "集中供热"])
    update_synonym_group(session, group.id, ["暖气", "供暖", "采暖", "供热"])
    other = create_synonym_group(session, ["社保", "社会保险"])
    delete_synonym_group(session, other.id)
    assert [row.words for row in list_synonym_groups(session)] == [["暖气", "供暖", "采暖", "供热"]]
    assert index_counter(session) == 4
    bad_groups = [(["一个"], "至少要有两个"), (["有 空格", "词"], "不能包含空格"), (["词" * 31, "词"], "超过 30 字")]
    for bad, message in bad_groups:
        with pytest.raises(InvalidVocabulary, match=message):
            create_synonym_group(session, bad)


def test_dictionary_words(session):
    word = add_dictionary_word(session, "灵活就业", frequency="200", pos="n")
    assert (word.word, word.frequency, word.pos) == ("灵活就业", 200, "n")
    with pytest.raises(InvalidVocabulary, match="已有"):
        add_dictionary_word(session, " 灵活就业 ")
    for kwargs, message in [({"frequency": 0}, "正整数"), ({"frequency": "many"}, "正整数"), ({"pos": "名词"}, "词性")]:
        with pytest.raises(InvalidVocabulary, match=message):
            add_dictionary_word(session, "暖气片", **kwargs)
    with pytest.raises(InvalidVocabulary, match="不能为空"):
        add_dictionary_word(session, "  ")
    update_dictionary_word(session, word.id, frequency=None, pos=None)
    assert (word.frequency, word.pos) == (None, None)
    add_dictionary_word(session, "供热站")
    delete_dictionary_word(session, word.id)
    assert [row.word for row in list_dictionary_words(session)] == ["供热站"]
    assert index_counter(session) == 4
