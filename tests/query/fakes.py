"""Test doubles for the engine: a fast, deterministic sentence encoder that counts what it encodes."""
from __future__ import annotations

import hashlib

import numpy as np


class FakeEncoder:
    """Hashes character bigrams into 64 dimensions: texts sharing characters get similar vectors."""

    name = "fake-bigrams-1"

    def __init__(self, dimensions: int = 64):
        self.dimensions = dimensions
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            grams = [text[j : j + 2] for j in range(max(len(text) - 1, 1))]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                out[i, int.from_bytes(digest, "little") % self.dimensions] += 1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out
