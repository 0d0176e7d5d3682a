import numpy as np
import pytest

from query.encoder import DiskCache, MemoryCache, encode_with_cache, pack, quantise, unpack, vector_key
from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig
from tests.query.fakes import FakeEncoder

ENTRIES = [
    Entry(1, "暖气不热怎么办", similar=("暖气片不热找谁",)),
    Entry(2, "公积金怎么提取", similar=("公积金怎么取出来",)),
    Entry(3, "社保怎么交", keywords=("社保", "缴费")),
]


def test_quantised_vectors_keep_their_cosine():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    q, scales = quantise(vectors)
    restored = q.astype(np.float32) * scales[:, None]
    assert np.abs((restored * vectors).sum(axis=1) - 1).max() < 2e-3
    blob = pack(q[0], scales[0])
    assert len(blob) == 516
    back, scale = unpack(blob)
    assert (back == q[0]).all() and scale == pytest.approx(scales[0])


def test_rebuild_encodes_only_changed_texts():
    encoder, cache = FakeEncoder(), MemoryCache()
    first = Engine.build(ENTRIES, EngineConfig(), cache=cache, encoder=encoder)
    assert first.stats["encoded"] == 5 and len(encoder.encoded) == 5  # 3 questions, 2 similar (keywords: lexical only)
    encoder.encoded.clear()
    unchanged = Engine.build(ENTRIES, EngineConfig(), cache=cache, encoder=encoder)
    assert unchanged.stats["encoded"] == 0 and encoder.encoded == []
    edited = [ENTRIES[0], Entry(2, "住房公积金怎么提取", similar=("公积金怎么取出来",)), ENTRIES[2]]
    Engine.build(edited, EngineConfig(), cache=cache, encoder=encoder)
    assert encoder.encoded == ["住房公积金怎么提取"]
    # synonyms and the dictionary change the lexical index only: no re-encoding
    encoder.encoded.clear()
    Engine.build(edited, EngineConfig(synonyms=[["暖气", "供暖"]], user_words=["暖气片"]), cache=cache, encoder=encoder)
    assert encoder.encoded == []


def test_lexical_engine_encodes_nothing():
    encoder = FakeEncoder()
    Engine.build(ENTRIES, EngineConfig(use_encoder=False), encoder=encoder)
    assert encoder.encoded == []


def test_disk_cache_is_a_shared_mapping(tmp_path):
    cache = DiskCache(tmp_path / "vectors")
    cache["a"] = b"1234"
    cache.update({"b": b"5678", "c": b"9abc"})
    assert cache["a"] == b"1234" and len(cache) == 3 and set(cache) == {"a", "b", "c"}
    assert cache.get_many(["a", "c", "missing"]) == {"a": b"1234", "c": b"9abc"}
    assert "missing" not in cache
    del cache["b"]
    assert cache.retain(["a"]) == 1 and set(cache) == {"a"}
    assert DiskCache(tmp_path / "vectors")["a"] == b"1234"  # another handle (another process) sees it
    with pytest.raises(KeyError):
        cache["nothing"]


def test_disk_cache_spares_encoding_in_a_new_process(tmp_path):
    encoder = FakeEncoder()
    Engine.build(ENTRIES, EngineConfig(), cache=DiskCache(tmp_path), encoder=encoder)
    fresh = FakeEncoder()
    engine = Engine.build(ENTRIES, EngineConfig(), cache=DiskCache(tmp_path), encoder=fresh)
    assert fresh.encoded == [] and engine.search("暖气不热怎么办").hits[0].entry_id == 1


def test_keys_depend_on_encoder_and_text():
    assert vector_key("a", "暖气") != vector_key("b", "暖气") != vector_key("a", "供暖")
    matrix, scales, encoded = encode_with_cache(["暖气", "暖气"], FakeEncoder(), {})
    assert encoded == 1 and matrix.shape == (2, 64) and (matrix[0] == matrix[1]).all()
