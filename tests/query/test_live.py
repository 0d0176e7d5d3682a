import logging
import threading
import time

from query.engine import Engine
from query.entry import Entry
from query.live import LiveIndex
from query.options import EngineConfig
from tests.query.fakes import FakeEncoder

LEXICAL = EngineConfig(use_encoder=False)


class KnowledgeBase:
    """What the faq package would provide: a version string and the served entries."""

    def __init__(self):
        self.version = "1"
        self.entries = [Entry(1, "暖气不热怎么办")]
        self.config = LEXICAL
        self.loads = 0

    def current_version(self):
        return self.version

    def load(self):
        self.loads += 1
        return list(self.entries), self.config

    def publish(self, entry):
        self.entries.append(entry)
        self.version = str(int(self.version) + 1)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def answer(live, question):
    hits = live.engine.search(question).hits
    return hits[0].entry_id if hits else None


def test_first_build_is_synchronous():
    kb = KnowledgeBase()
    live = LiveIndex(kb.current_version, kb.load)
    assert live.version == "1" and answer(live, "暖气不热") == 1


def test_a_new_version_is_picked_up_within_the_check_interval():
    kb, clock = KnowledgeBase(), Clock()
    live = LiveIndex(kb.current_version, kb.load, clock=clock, check_every=2.0)
    kb.publish(Entry(2, "公积金怎么提取"))
    clock.now = 1.0
    assert answer(live, "公积金提取") != 2 and not live.building  # not due yet: no check
    clock.now = 2.5
    assert live.engine is not None  # due: the check starts in the background
    assert live.wait(5)
    assert live.version == "2" and answer(live, "公积金提取") == 2
    loads = kb.loads
    clock.now = 5.0
    assert live.engine is not None
    live.wait(5)
    assert kb.loads == loads  # same version: nothing rebuilt


def test_old_engine_keeps_answering_during_a_slow_build():
    kb, clock = KnowledgeBase(), Clock()
    release = threading.Event()
    started = threading.Event()

    def slow_build(entries, config, **kwargs):
        if len(entries) > 1:
            started.set()
            release.wait(10)
        return Engine.build(entries, config, **kwargs)

    live = LiveIndex(kb.current_version, kb.load, clock=clock, build=slow_build)
    kb.publish(Entry(2, "公积金怎么提取"))
    clock.now = 3.0
    assert live.engine is not None
    assert started.wait(5)
    began = time.perf_counter()
    for _ in range(20):  # answering does not wait for the build
        clock.now += 3.0
        assert answer(live, "暖气不热怎么办") == 1
    assert time.perf_counter() - began < 1.0
    assert live.building and live.version == "1"
    release.set()
    assert live.wait(5)
    assert live.version == "2" and answer(live, "公积金提取") == 2


def test_a_failed_build_keeps_the_old_engine_and_logs(caplog):
    kb, clock = KnowledgeBase(), Clock()
    live = LiveIndex(kb.current_version, kb.load, clock=clock, retry_after=60)
    kb.publish(Entry(2, "公积金怎么提取"))

    def broken():
        raise RuntimeError("database went away")

    kb_load, live._load = live._load, broken
    clock.now = 3.0
    with caplog.at_level(logging.ERROR, logger="query.live"):
        assert live.engine is not None
        live.wait(5)
    assert "building version 2 failed" in caplog.text
    assert live.version == "1" and answer(live, "暖气不热怎么办") == 1
    live._load = kb_load
    clock.now = 10.0  # the failed version is not retried at once
    assert live.engine is not None
    live.wait(5)
    assert live.version == "1"
    clock.now = 70.0  # but after retry_after
    assert live.engine is not None
    live.wait(5)
    assert live.version == "2"


def test_a_failed_version_check_keeps_serving(caplog):
    kb, clock = KnowledgeBase(), Clock()
    live = LiveIndex(kb.current_version, kb.load, clock=clock)

    def down():
        raise ConnectionError("no database")

    live._current_version = down
    clock.now = 3.0
    with caplog.at_level(logging.ERROR, logger="query.live"):
        assert answer(live, "暖气不热") == 1
        live.wait(5)
    assert "could not read" in caplog.text
    assert answer(live, "暖气不热") == 1


def test_a_failed_first_build_answers_none_then_recovers(caplog):
    kb, clock = KnowledgeBase(), Clock()
    calls = []

    def flaky_load():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("not migrated yet")
        return kb.load()

    with caplog.at_level(logging.ERROR, logger="query.live"):
        live = LiveIndex(kb.current_version, flaky_load, clock=clock)
    assert "first build failed" in caplog.text
    assert live.version is None and live._live.engine.search("暖气不热").outcome == "none"
    assert live.engine is not None  # the first use retries at once
    live.wait(5)
    assert answer(live, "暖气不热") == 1


def test_lexical_first_then_the_full_engine():
    kb = KnowledgeBase()
    kb.config = EngineConfig()  # with the encoder
    encoder = FakeEncoder()
    live = LiveIndex(kb.current_version, kb.load, encoder=encoder)
    assert live._live.engine.vectors is None and not live._live.complete  # lexical index, ready at once
    assert live.engine is not None  # the first use starts the full build
    assert live.wait(5)
    assert live.engine.vectors is not None and live.version == "1"
    assert encoder.encoded == ["暖气不热怎么办"]


def test_full_first_build_when_asked():
    kb = KnowledgeBase()
    kb.config = EngineConfig()
    live = LiveIndex(kb.current_version, kb.load, encoder=FakeEncoder(), lexical_first=False)
    assert live._live.complete and live._live.engine.vectors is not None
