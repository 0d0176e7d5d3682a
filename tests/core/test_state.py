import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.state import state


@pytest.fixture
def store(any_app):
    with any_app.app_context():
        yield any_app.extensions["shared_state"]


def test_set_get_delete(store):
    assert store.get("dialogue:o1") is None
    store.set("dialogue:o1", '{"step": "describe"}', ttl=60)
    assert store.get("dialogue:o1") == '{"step": "describe"}'
    store.set("dialogue:o1", '{"step": "confirm"}', ttl=60)
    assert store.get("dialogue:o1") == '{"step": "confirm"}'
    store.delete("dialogue:o1")
    assert store.get("dialogue:o1") is None


def test_delete_if_deletes_only_the_value_it_was_given(store):
    store.set("dialogue:o2", '{"turn": 3}', ttl=60)
    assert store.delete_if("dialogue:o2", '{"turn": 2}') is False  # moved on since it was read
    assert store.get("dialogue:o2") == '{"turn": 3}'
    assert store.delete_if("dialogue:o2", '{"turn": 3}') is True
    assert store.get("dialogue:o2") is None
    assert store.delete_if("dialogue:o2", '{"turn": 3}') is False


def test_keys_expire(store):
    store.set("short", "v", ttl=0.3)
    assert 0 < store.ttl("short") <= 0.3
    time.sleep(0.45)
    assert store.get("short") is None
    assert store.ttl("short") is None


def test_add_succeeds_once_then_again_after_expiry(store):
    assert store.add("dedup:m1", "reply", ttl=0.3) is True
    assert store.add("dedup:m1", "other", ttl=0.3) is False
    assert store.get("dedup:m1") == "reply"
    time.sleep(0.45)
    assert store.add("dedup:m1", "later", ttl=60) is True
    assert store.get("dedup:m1") == "later"


def test_counters_count_within_their_window(store):
    assert store.counter("limit:x") == 0
    assert [store.incr("limit:x", ttl=0.4) for _ in range(3)] == [1, 2, 3]
    assert store.counter("limit:x") == 3
    time.sleep(0.55)
    assert store.counter("limit:x") == 0
    assert store.incr("limit:x", ttl=60, amount=5) == 5


def test_add_has_exactly_one_winner_under_concurrency(any_app):
    """Eight threads race for each of 40 keys: every key is won exactly once."""

    def race(key):
        with any_app.app_context():
            return state.add(key, "x", ttl=60)

    keys = [f"race:{n}" for n in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(race, [k for k in keys for _ in range(8)]))
    wins = {k: 0 for k in keys}
    for key, won in zip([k for k in keys for _ in range(8)], results, strict=False):
        wins[key] += won
    assert set(wins.values()) == {1}


def test_incr_loses_no_increment_under_concurrency(any_app):
    def bump(_):
        with any_app.app_context():
            return state.incr("hits", ttl=60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = sorted(pool.map(bump, range(200)))
    assert values == list(range(1, 201))


def test_purge_removes_only_expired_rows(app):
    with app.app_context():
        state.set("old", "v", ttl=0.05)
        state.set("new", "v", ttl=60)
        time.sleep(0.1)
        assert state.purge_expired() == 1
        assert state.get("new") == "v"


def test_backend_follows_configuration(any_app):
    kind = type(any_app.extensions["shared_state"]).__name__
    assert kind == ("RedisStore" if any_app.config.get("REDIS_URL") else "DatabaseStore")
