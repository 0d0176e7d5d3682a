"""`flask faq eval --kb`: a development file against the served knowledge base, for measuring and for fitting."""
from __future__ import annotations

import json

from faq.evaluation import evaluate_heldout, kb_eval_set
from query.calibrate import calibrate, leave_one_out
from query.options import EngineConfig
from tests.faq.conftest import published_entry

QUESTIONS = [{"q": "屋里暖气温乎乎的不热", "gold": "heating-cold"}, {"q": "公积金怎么取出来", "gold": "fund"},
             {"q": "火星移民局几点下班", "gold": None}, {"q": "没发布的条目", "gold": "no-such-entry"}]


def write(tmp_path, queries):
    path = tmp_path / "dev.json"
    path.write_text(json.dumps({"queries": queries}, ensure_ascii=False), encoding="utf-8")
    return path


def make_base(session):
    heating = published_entry(session)
    fund = published_entry(session, key="fund", question="住房公积金如何提取", similar=["公积金能取吗", "怎么提公积金"],
                           keywords=["公积金"], answer="租房、购房、退休可提取住房公积金。")
    session.commit()
    return heating, fund


def test_a_development_file_becomes_a_knowledge_base_set(session, tmp_path):
    heating, fund = make_base(session)
    dev = kb_eval_set(session, write(tmp_path, QUESTIONS))
    assert dev.kind == "kb" and dev.name == "dev.json"
    assert dev.queries == [("屋里暖气温乎乎的不热", heating.id), ("公积金怎么取出来", fund.id),
                           ("火星移民局几点下班", None)]  # an entry not served: its question is left out
    assert {entry.id: entry.answer for entry in dev.entries}[fund.id].startswith("租房、购房")
    assert dev.synonyms == () and dev.user_words == ()  # the served knowledge base's (none here)


def test_thresholds_are_calibrated_on_the_questions_as_they_are(session, tmp_path):
    make_base(session)
    dev = kb_eval_set(session, write(tmp_path, QUESTIONS))
    calibration = calibrate([dev], EngineConfig(use_encoder=False))
    assert calibration.n == 3 and calibration.n_unanswerable == 1  # no entries removed: its own null question


def test_weights_are_fitted_on_the_entries_own_similar_questions_left_out():
    from query.entry import Entry

    entries = [Entry(1, "暖气不热怎么办", similar=("暖气片不热咋整", "家里暖气温度低找谁", "屋里冷")),
               Entry(2, "公积金怎么提取", similar=("公积金能取吗",))]
    folds = leave_one_out(entries)
    asked = [question for _, questions in folds for question, _ in questions]
    assert asked == ["暖气片不热咋整", "家里暖气温度低找谁", "屋里冷"]  # entry 2 keeps its only similar question
    for index, questions in folds:
        (question, gold), = questions
        kept = next(entry for entry in index if entry.id == gold)
        assert question not in kept.similar and len(kept.similar) == 2


def test_the_held_out_report_counts_confident_answers_and_questions_without_one(session, tmp_path):
    make_base(session)
    report = evaluate_heldout(session, write(tmp_path, QUESTIONS))
    assert report["questions"] == 3 and report["ranking"]["n"] == 2 and report["out_of_scope"] == 1
    assert report["gold_not_served"] == ["no-such-entry"]
    assert report["ranking"]["top1_count"] == 2
