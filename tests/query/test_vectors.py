import numpy as np

from query.encoder import quantise
from query.vectors import VectorIndex


def test_nearest_matches_a_full_scan():
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(40, 512))
    vectors = np.repeat(centres, 50, axis=0) + 0.3 * rng.normal(size=(2000, 512))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    q, scales = quantise(vectors)
    index = VectorIndex(q, scales)
    exact = (q.astype(np.float32) * scales[:, None])
    for i in range(0, 2000, 97):
        query = vectors[i] + 0.1 * rng.normal(size=512).astype(np.float32)
        query /= np.linalg.norm(query)
        rows, cosines = index.nearest(query, 10)
        truth = np.argsort(-(exact @ query))[:10]
        assert rows[0] == truth[0]
        assert len(set(rows) & set(truth)) >= 9
        assert np.all(np.diff(cosines) <= 1e-6)


def test_tiny_and_empty_indexes():
    q, scales = quantise(np.eye(3, 8, dtype=np.float32))
    rows, _ = VectorIndex(q, scales).nearest(np.eye(1, 8, dtype=np.float32)[0], 5)
    assert rows[0] == 0 and len(rows) == 3
    empty = VectorIndex(np.zeros((0, 8), dtype=np.int8), np.zeros(0, dtype=np.float32))
    assert len(empty.nearest(np.ones(8, dtype=np.float32), 5)[0]) == 0
