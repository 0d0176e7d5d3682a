"""Nearest rows by sentence vector: a 64-dimension PCA sketch finds candidates, int8 vectors score them exactly.

A full 512-dimension float32 scan costs ≈ 8 ms at 51k rows (memory-bound: 104 MB per query); the
sketch is 1/8 of that, and re-scoring its best 100 rows with the full vectors gave exactly the same
top-1/R@3/MRR as the full scan on LCQMC dev and taipei_queries (BENCHMARKS.md). Memory per row:
64·4 (sketch) + 512 (int8) + 4 (scale) bytes.
"""
from __future__ import annotations

import numpy as np

SKETCH_DIMENSIONS = 64
SKETCH_CANDIDATES = 100
_FIT_SAMPLE = 8000
_CHUNK = 8192


class VectorIndex:
    def __init__(self, quantised: np.ndarray, scales: np.ndarray, seed: int = 0):
        self.vectors = quantised  # int8 (n, d)
        self.scales = scales  # float32 (n,)
        n, d = quantised.shape
        k = min(SKETCH_DIMENSIONS, d, max(n - 1, 1))
        rng = np.random.default_rng(seed)
        sample = rng.choice(n, size=min(n, _FIT_SAMPLE), replace=False) if n else np.zeros(0, dtype=np.int64)
        fitted = self._dequantise(sample)
        self.mean = fitted.mean(axis=0) if n else np.zeros(d, dtype=np.float32)
        if n > 1:
            centred = fitted - self.mean
            _, _, vt = np.linalg.svd(centred.T @ centred, full_matrices=False, hermitian=True)
            self.projection = np.ascontiguousarray(vt[:k].T, dtype=np.float32)
        else:
            self.projection = np.eye(d, k, dtype=np.float32)
        self.sketch = np.empty((n, k), dtype=np.float32)
        for start in range(0, n, _CHUNK):
            rows = np.arange(start, min(n, start + _CHUNK))
            self.sketch[rows] = self._project(self._dequantise(rows))

    def __len__(self) -> int:
        return len(self.scales)

    @property
    def nbytes(self) -> int:
        return self.vectors.nbytes + self.scales.nbytes + self.sketch.nbytes + self.projection.nbytes

    def _dequantise(self, rows: np.ndarray) -> np.ndarray:
        return self.vectors[rows].astype(np.float32) * self.scales[rows, None]

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        projected = (vectors - self.mean) @ self.projection
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        return projected / np.where(norms > 0, norms, 1.0)

    def similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of the query vector with the given rows."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        return self._dequantise(rows) @ query

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k rows most similar to `query` (unit float32 vector) and their exact cosines, best first."""
        n = len(self)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rough = self.sketch @ self._project(query[None, :])[0]
        pool = min(n, max(k, SKETCH_CANDIDATES))
        rows = np.argpartition(-rough, pool - 1)[:pool] if pool < n else np.arange(n)
        exact = self.similarities(query, rows)
        order = np.argsort(-exact, kind="stable")[:k]
        return rows[order], exact[order]
