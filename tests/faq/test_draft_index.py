"""The draft index (faq.draft_index) and the trial explanations (faq.trial_report)."""
from __future__ import annotations

import threading

import pytest

from faq.console.trial_engines import new_draft_index
from faq.draft_index import READY, UPDATING, WARMING, draft_fingerprint
from faq.service import archive, create_entry, delete_draft, publish, update_entry
from faq.synonyms import add_dictionary_word, create_synonym_group
from faq.trial_report import (
    BELOW_ANSWER,
    BELOW_CHOICES,
    CLOSE_SECOND,
    CONFIDENT,
    NO_CANDIDATES,
    NO_TEXT,
    NOT_SERVED,
    explain,
    shared_segments,
)
from query.options import EngineConfig, Thresholds
from query.results import ANSWER, CHOICES, NONE, Hit, SearchResult
from tests.faq.conftest import entry_fields
from tests.query.fakes import FakeEncoder

THRESHOLDS = Thresholds(answer=0.8, margin=0.1, choices=0.5)


def test_every_kind_of_draft_edit_changes_the_fingerprint(any_session):
    session = any_session
    entry = create_entry(session, entry_fields())
    session.commit()
    seen = {draft_fingerprint(session)}
    assert draft_fingerprint(session) in seen  # stable while nothing changes

    def changed(edit) -> bool:
        edit()
        session.commit()
        fingerprint = draft_fingerprint(session)
        new = fingerprint not in seen
        seen.add(fingerprint)
        return new

    assert changed(lambda: update_entry(session, entry.id, {"similar": ["暖气片不热咋办", "家里暖气温度低找谁"]}))
    assert changed(lambda: update_entry(session, entry.id, {"keywords": ["暖气", "温度"]}))
    assert changed(lambda: update_entry(session, entry.id, {"question": "暖气不热怎么处理"}))
    other = create_entry(session, entry_fields(key="other", question="公积金怎么提取", similar=[]))
    assert changed(lambda: None)  # the new entry, committed by changed()
    assert changed(lambda: publish(session, entry.id))
    assert changed(lambda: create_synonym_group(session, ["暖气", "供暖"]))
    assert changed(lambda: add_dictionary_word(session, "网格员"))
    assert changed(lambda: archive(session, entry.id))
    assert changed(lambda: delete_draft(session, other.id))


def test_the_draft_index_follows_edits_without_rebuilding_when_nothing_changed(kb_app, session):
    entry = create_entry(session, entry_fields())
    session.commit()
    builds = []
    index = new_draft_index(kb_app, EngineConfig(use_encoder=False))
    real_load = index._load
    index.live._load = lambda: builds.append(1) or real_load()  # count what LiveIndex loads
    first = index.current(wait=5)
    assert first.status == READY and first.entries == 1
    assert index.current(wait=5).engine is first.engine and builds == []  # cached: same fingerprint
    update_entry(session, entry.id, {"similar": ["屋里冷得像冰窖"]})
    session.commit()
    again = index.current(wait=5)
    assert again.status == READY and again.engine is not first.engine and builds == [1]
    assert again.engine.search("屋里冷得像冰窖").hits[0].matched == "屋里冷得像冰窖"
    index.live.wait(5)


class HeldEncoder(FakeEncoder):
    """Encodes only once released: the full build stays in progress until the test says so."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def encode(self, texts):
        assert self.release.wait(10)
        return super().encode(texts)


def test_warming_while_the_full_build_runs_then_ready(kb_app, session):
    create_entry(session, entry_fields())
    session.commit()
    encoder = HeldEncoder()
    index = new_draft_index(kb_app, EngineConfig(), encoder=encoder)
    warming = index.current(wait=0.2)
    assert warming.status == WARMING and not warming.engine.config.use_encoder
    assert warming.engine.search("暖气片不热咋整").hits  # the lexical first step answers meanwhile
    encoder.release.set()
    ready = index.current(wait=10)
    assert ready.status == READY and ready.engine.config.use_encoder
    assert "encoder" in ready.engine.search("暖气片不热咋整").hits[0].scores
    index.live.wait(5)


def test_updating_when_the_rebuild_outlasts_the_wait(kb_app, session):
    entry = create_entry(session, entry_fields())
    session.commit()
    index = new_draft_index(kb_app, EngineConfig(use_encoder=False))
    assert index.current(wait=5).status == READY
    gate = threading.Event()
    real_load = index._load
    index.live._load = lambda: gate.wait(10) and real_load()
    update_entry(session, entry.id, {"question": "暖气温度不够怎么办"})
    session.commit()
    assert index.current(wait=0.2).status == UPDATING
    gate.set()
    assert index.current(wait=10).status == READY
    index.live.wait(5)


def hit(entry_id: int, fused: float) -> Hit:
    return Hit(entry_id, f"问法{entry_id}", "question", {"fused": fused})


@pytest.mark.parametrize(("hits", "outcome", "reason"), [
    ([hit(1, 0.9), hit(2, 0.6)], ANSWER, CONFIDENT),
    ([hit(1, 0.9), hit(2, 0.85)], CHOICES, CLOSE_SECOND),
    ([hit(1, 0.7), hit(2, 0.6)], CHOICES, BELOW_ANSWER),
    ([hit(1, 0.3)], NONE, BELOW_CHOICES),
    ([], NONE, NO_CANDIDATES),
])
def test_the_verdict_names_what_decided_the_outcome(hits, outcome, reason):
    verdict = explain(SearchResult(outcome, hits, hits[:1], "问题"), THRESHOLDS)
    assert (verdict.outcome, verdict.reason) == (outcome, reason)
    assert verdict.top == (hits[0].fused if hits else None) and verdict.thresholds == THRESHOLDS


def test_nothing_to_match_and_entries_not_served_are_explained():
    assert explain(SearchResult(NONE, [], [], ""), THRESHOLDS).reason == NO_TEXT
    served_none = explain(SearchResult(ANSWER, [hit(1, 0.9)], [hit(1, 0.9)], "问题"), THRESHOLDS, outcome=NONE)
    assert (served_none.outcome, served_none.reason) == (NONE, NOT_SERVED)


def test_shared_text_is_marked_across_width_case_and_traditional_characters():
    assert shared_segments("暖气片不热 咋整", "家里暖气片不热找谁") == [
        ("家里", False), ("暖气片不热", True), ("找谁", False)]
    assert shared_segments("wifi 暖氣", "ＷｉＦｉ信号和暖气") == [("ＷｉＦｉ", True), ("信号和", False), ("暖气", True)]
    assert shared_segments("暖", "暖气") == [("暖气", False)]  # a lone character is no match worth marking
    assert shared_segments("", "<b>暖气</b>") == [("<b>暖气</b>", False)]
