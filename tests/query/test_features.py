"""The evidence the engine weighs for each candidate entry (query.features) and how it is fused (query.rerank)."""
import numpy as np
import pytest

from query.engine import Engine
from query.entry import Entry
from query.features import FEATURES
from query.options import EngineConfig, Weights
from query.rerank import fuse
from tests.query.fakes import FakeEncoder

ONLY = {name: 0.0 for name in FEATURES}


def weights(**chosen) -> Weights:
    return Weights(**{**ONLY, **chosen})


def scores_of(engine, question):
    return {hit.entry_id: hit.scores for hit in engine.search(question, limit=10).hits}


def test_the_answer_is_weak_evidence_of_what_an_entry_is_about():
    entries = [Entry(1, "发现道路设施损坏怎么办", answer="井盖缺失、破损的，请拨打12345反映具体位置。"),
               Entry(2, "发现道路设施损坏如何反映", answer="路面坑洼的，请拨打12345反映。")]
    question = "道路上的井盖丢了找谁"  # shares 道路 with both entries; only one answer names 井盖
    plain = Engine.build(entries, EngineConfig(use_encoder=False, weights=weights(bm25_chars=1.0)))
    with_answers = Engine.build(entries, EngineConfig(use_encoder=False, weights=weights(bm25_chars=1.0,
                                                                                         answer_chars=1.0)))
    assert scores_of(plain, question)[1]["answer_chars"] > scores_of(plain, question)[2]["answer_chars"]
    assert with_answers.search(question).hits[0].entry_id == 1
    without = Engine.build([Entry(1, "发现道路设施损坏怎么办")], EngineConfig(use_encoder=False))
    assert "answer_chars" not in without.search(question).hits[0].scores  # no answers: no such feature


def test_only_the_opening_of_a_long_answer_counts():
    long_answer = "道路设施请拨打12345。" + "其他说明。" * 60 + "井盖"
    engine = Engine.build([Entry(1, "道路设施损坏怎么办", answer=long_answer)], EngineConfig(use_encoder=False))
    assert engine.search("井盖").hits == [] or engine.search("井盖").hits[0].scores["answer_chars"] == 0


def test_keywords_share_counts_the_entry_keywords_in_the_question():
    entry = Entry(1, "暖气费怎么交", keywords=("暖气费", "缴费", "发票"))
    engine = Engine.build([entry], EngineConfig(use_encoder=False))
    assert scores_of(engine, "暖气费发票在哪开")[1]["keywords"] == pytest.approx(2 / 3, abs=1e-3)


def test_character_precision_prefers_the_row_that_is_mostly_the_question():
    entries = [Entry(1, "公积金提取"), Entry(2, "公积金提取需要单位开具证明并携带身份证到服务大厅办理")]
    scores = scores_of(Engine.build(entries, EngineConfig(use_encoder=False)), "公积金提取")
    assert scores[1]["char_recall"] == pytest.approx(1.0) and scores[2]["char_recall"] == pytest.approx(1.0)
    assert scores[1]["char_precision"] == pytest.approx(1.0) and scores[2]["char_precision"] < 0.5


def test_an_entry_with_more_questions_near_the_question_has_entry_level_support():
    entries = [Entry(1, "暖气不热怎么办", similar=("暖气片不热怎么办", "家里暖气不热找谁")),
               Entry(2, "暖气不热怎么办呢"), Entry(3, "公积金怎么提取")]
    engine = Engine.build(entries, EngineConfig(weights=weights(encoder=1.0)), encoder=FakeEncoder())
    scores = scores_of(engine, "暖气不热怎么办")
    assert scores[1]["encoder"] == pytest.approx(1.0, abs=1e-2)
    assert scores[1]["encoder_second"] > 0.3 and scores[1]["encoder_rest"] > 0.3
    assert scores[2]["encoder_second"] == scores[2]["encoder_rest"] == 0.0  # one question: nothing else to agree
    assert scores[1]["encoder_second"] >= scores[1]["encoder_rest"]
    config = EngineConfig(weights=weights(encoder=1.0, encoder_rest=1.0))
    supported = Engine.build(entries, config, encoder=FakeEncoder())
    assert supported.search("暖气不热怎么办").hits[0].entry_id == 1


def test_fused_is_the_weighted_sum_over_the_positive_weights_of_the_features_there_are():
    values = {"encoder": np.array([1.0, 0.5, 0.0], dtype=np.float32),
              "char_precision": np.array([1.0, 0.0, 1.0], dtype=np.float32),
              "keywords": np.zeros(3, dtype=np.float32)}
    chosen = weights(encoder=0.8, char_precision=-0.2, keywords=0.2)
    assert np.allclose(fuse(values, chosen, 3), [0.6, 0.4, 0.0])  # (0.8·e − 0.2·p) / (0.8 + 0.2), clipped at 0
    del values["keywords"]  # an index without keywords: the weight of what is not there is left out
    assert np.allclose(fuse(values, chosen, 3), [0.75, 0.5, 0.0])


def test_an_exact_question_scores_near_one_in_an_index_without_answers_or_keywords():
    engine = Engine.build([Entry(1, "暖气不热怎么办"), Entry(2, "公积金怎么提取")], EngineConfig(use_encoder=False))
    assert engine.search("暖气不热怎么办").hits[0].fused > 0.9


def test_matched_variant_is_the_entry_row_that_scores_best():
    engine = Engine.build([Entry(1, "社保怎么交", similar=("灵活就业人员社保缴费基数", "没单位社保咋交"))],
                          EngineConfig(use_encoder=False))
    hit = engine.search("灵活就业社保缴费基数是多少").hits[0]
    assert hit.matched == "灵活就业人员社保缴费基数" and hit.variant == "similar"
