import pytest

from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig, Thresholds
from query.results import ANSWER, CHOICES, NONE
from query.tokenise import Tokeniser
from tests.query.fakes import FakeEncoder

ENTRIES = [
    Entry(1, "供暖期室内温度不达标怎么处理", similar=("暖气不热怎么办", "家里暖气片不热找谁"),
          keywords=("供暖", "室温"), category="CJ-01"),
    Entry(2, "住房公积金如何提取", similar=("公积金怎么取出来",)),
    Entry(3, "住房公积金贷款额度是多少", similar=("公积金能贷多少钱",)),
    Entry(4, "灵活就业人员社保如何缴纳", similar=("没单位的人社保怎么交",)),
    Entry(5, "新生儿户口怎么办理", similar=("孩子刚出生怎么上户口",)),
]
LEXICAL = EngineConfig(use_encoder=False, thresholds=Thresholds(answer=0.7, margin=0.1, choices=0.3))


@pytest.fixture(scope="module")
def lexical():
    return Engine.build(ENTRIES, LEXICAL)


def test_exact_similar_question_is_a_confident_answer(lexical):
    result = lexical.search("暖气不热怎么办？")
    assert result.outcome == ANSWER
    assert [hit.entry_id for hit in result.shown] == [1]
    best = result.hits[0]
    assert best.matched == "暖气不热怎么办" and best.variant == "similar"
    assert best.category == "CJ-01"
    assert set(best.scores) == {"bm25", "bm25_chars", "fuzzy", "char_recall", "char_precision", "keywords", "fused"}
    assert all(0.0 <= value <= 1.0 for value in best.scores.values())
    assert result.normalised_query == "暖气不热怎么办"
    assert {"normalise", "lexical", "rerank", "rank", "total"} <= set(result.timings)


def test_entry_scores_by_its_best_variant(lexical):
    hits = lexical.search("孩子刚出生怎么上户口").hits
    assert hits[0].entry_id == 5
    assert hits[0].matched == "孩子刚出生怎么上户口"  # the similar question, not the standard one
    assert len({hit.entry_id for hit in hits}) == len(hits)  # one hit per entry


def test_keywords_are_a_variant(lexical):
    hits = lexical.search("室温").hits
    assert hits[0].entry_id == 1 and hits[0].variant == "keywords" and hits[0].matched == "供暖 室温"


def test_two_close_entries_are_choices(lexical):
    result = lexical.search("公积金")
    assert result.outcome == CHOICES
    assert {hit.entry_id for hit in result.shown} == {2, 3}
    assert 2 <= len(result.shown) <= 3


def test_unknown_question_is_none(lexical):
    result = lexical.search("火星移民签证在哪里办")
    assert result.outcome == NONE
    assert result.shown == []


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\n", "😀😀😀", "？？！！", "https://example.com/a?b=1", "<script>alert(1)</script>",
     "'; DROP TABLE faq_entry; --", "投诉" * 2500, "\x00\x01\x02", "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", None],
)
def test_bad_input_never_raises(lexical, question):
    result = lexical.search(question)
    assert result.outcome in {ANSWER, CHOICES, NONE}
    if question is None or not result.normalised_query:
        assert result.outcome == NONE and result.hits == []
    assert len(result.normalised_query) <= LEXICAL.max_query_chars


def test_empty_and_empty_built_engines_answer_none():
    assert Engine.empty().search("暖气不热").outcome == NONE
    assert Engine.build([], LEXICAL).search("暖气不热").outcome == NONE


def test_limit(lexical):
    assert len(lexical.search("怎么", limit=2).hits) <= 2
    assert lexical.search("公积金", limit=0).hits == []


def test_synonyms_make_words_one_term():
    entries = [Entry(1, "身心障碍者补助怎么申请"), Entry(2, "老人补助怎么申请")]
    question = "残疾人补助怎么申请"
    plain = Engine.build(entries, LEXICAL).search(question)
    with_synonyms = Engine.build(entries, EngineConfig(use_encoder=False, synonyms=[["残疾人", "身心障碍者"]]))
    result = with_synonyms.search(question)
    assert plain.hits[0].entry_id == 2
    assert result.hits[0].entry_id == 1
    assert result.hits[0].scores["bm25"] > next(h for h in plain.hits if h.entry_id == 1).scores["bm25"]


def test_user_dictionary_changes_segmentation_and_matching():
    assert Tokeniser().words("网格员电话") == ["网格", "员", "电话"]
    assert Tokeniser(user_words=["网格员"]).words("网格员电话") == ["网格员", "电话"]
    assert Tokeniser(user_words=[("网格员", 2000, "n")]).words("网格员电话") == ["网格员", "电话"]
    entries = [Entry(1, "网格员电话是多少")]
    plain = Engine.build(entries, LEXICAL).search("网格")
    edited = Engine.build(entries, EngineConfig(use_encoder=False, user_words=["网格员"])).search("网格")
    assert plain.hits[0].scores["bm25"] > 0
    assert edited.hits[0].scores["bm25"] == 0  # 网格员 is one word now: 网格 alone no longer matches it


def test_engines_with_different_dictionaries_do_not_share_segmentation():
    a = Engine.build([Entry(1, "网格员电话")], EngineConfig(use_encoder=False, user_words=["网格员"]))
    b = Engine.build([Entry(1, "网格员电话")], LEXICAL)
    assert a.tokeniser.words("网格员") == ["网格员"]
    assert b.tokeniser.words("网格员") == ["网格", "员"]


def test_encoder_stage_adds_its_score_and_candidates():
    encoder = FakeEncoder()
    config = EngineConfig(thresholds=Thresholds(answer=0.9, margin=0.05, choices=0.3))
    engine = Engine.build(ENTRIES, config, encoder=encoder)
    result = engine.search("暖气不热怎么办")
    assert result.hits[0].entry_id == 1
    assert "encoder" in result.hits[0].scores and "encoder" in result.timings
    assert result.hits[0].scores["encoder"] == pytest.approx(1.0, abs=0.02)


def test_search_is_safe_from_many_threads(lexical):
    from concurrent.futures import ThreadPoolExecutor

    questions = ["暖气不热怎么办", "公积金怎么取", "社保怎么交", "上户口"] * 25
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lexical.search, questions))
    assert [r.hits[0].entry_id for r in results[:4]] == [1, 2, 4, 5]
