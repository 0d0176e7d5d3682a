"""LiveIndex: the engine a worker answers with, rebuilt in the background when the knowledge base changes.

    live = LiveIndex(current_version, load, cache=DiskCache(DATA_DIR / "vectors"))
    result = live.engine.search(question)

- `current_version() -> str` must be cheap (the faq package reads one counter row); `load() ->
  (entries, EngineConfig)` reads what is served.
- The constructor builds synchronously. With `lexical_first` (the default) and an encoder in the
  configuration, that first build is lexical only (≈ 1 s for 10k entries) and the full build follows
  in the background on the first use of `.engine`: a cold start (no vector cache yet) answers at once
  instead of waiting for every text to be encoded. A failed first build leaves an empty engine
  (every question gets `none`), logged, and is retried like any other.
- `.engine` never blocks: at most every `check_every` seconds (default 2) it starts a background
  thread that reads the version and, when it changed, builds a new engine while the old one keeps
  answering, then swaps it in with one assignment (atomic). A failed build keeps the old engine and
  logs the error; the same version is retried after `retry_after` seconds.
- Fork-safe: a child process (gunicorn --preload) starts its own background work; nothing runs in a
  process that never calls `.engine` (the preloading master).
Pure Python: no Flask, no database; the callables bring those.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, replace

from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig

log = logging.getLogger(__name__)


def _lexical(config: EngineConfig) -> EngineConfig:
    return replace(config, use_encoder=False, weights=None, thresholds=None)


@dataclass(frozen=True)
class _Live:
    engine: Engine
    version: str | None  # the version it was built from
    complete: bool  # built with the full configuration (not the lexical first step)


class LiveIndex:
    def __init__(
        self,
        current_version: Callable[[], str],
        load: Callable[[], tuple[Iterable[Entry], EngineConfig]],
        *,
        cache: MutableMapping[str, bytes] | None = None,
        encoder=None,
        check_every: float = 2.0,
        retry_after: float = 60.0,
        lexical_first: bool = True,
        build: Callable[..., Engine] = Engine.build,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._current_version = current_version
        self._load = load
        self._cache = cache if cache is not None else {}
        self._encoder = encoder
        self._build = build
        self._clock = clock
        self.check_every = check_every
        self.retry_after = retry_after
        self._reset_threads()
        self._failed: tuple[str | None, float] | None = None
        self._last_check = clock()
        self._live = _Live(Engine.empty(), None, False)
        try:
            version = current_version()
            entries, config = load()
            lexical = lexical_first and config.use_encoder
            self._live = _Live(self._run_build(entries, _lexical(config) if lexical else config), version, not lexical)
        except Exception:
            log.exception("query index: the first build failed; answering from an empty index until one succeeds")
        self._due = not self._live.complete  # the first use of .engine starts the full build at once

    def _reset_threads(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _run_build(self, entries, config: EngineConfig) -> Engine:
        return self._build(list(entries), config, cache=self._cache, encoder=self._encoder)

    @property
    def engine(self) -> Engine:
        """The engine to answer with now (never waits for a build)."""
        if os.getpid() != self._pid:
            self._reset_threads()  # forked: the parent's thread and lock state do not apply here
        now = self._clock()
        if (self._due or now - self._last_check >= self.check_every) and self._thread is None:
            self._due, self._last_check = False, now
            self._start_refresh()
        return self._live.engine

    @property
    def version(self) -> str | None:
        """The knowledge-base version the current engine was built from (None: nothing built yet)."""
        return self._live.version

    @property
    def building(self) -> bool:
        return self._thread is not None

    def _start_refresh(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._refresh_in_background, name="query-index", daemon=True)
            self._thread.start()

    def _refresh_in_background(self) -> None:
        try:
            self.refresh()
        finally:
            with self._lock:
                self._thread = None

    def refresh(self) -> bool:
        """Check the version and rebuild if it changed (in the calling thread); True if an engine was swapped in."""
        try:
            version = self._current_version()
        except Exception:
            log.exception("query index: could not read the knowledge-base version")
            return False
        live = self._live
        if version == live.version and live.complete:
            return False
        if self._failed and self._failed[0] == version and self._clock() - self._failed[1] < self.retry_after:
            return False
        started = time.perf_counter()
        try:
            entries, config = self._load()
            engine = self._run_build(entries, config)
        except Exception:
            log.exception("query index: building version %s failed; still answering from version %s",
                          version, live.version)
            self._failed = (version, self._clock())
            return False
        self._live = _Live(engine, version, True)  # the swap: one assignment
        self._failed = None
        log.info("query index: version %s live (%d entries, %d rows, %d texts encoded, %.2f s)", version,
                 engine.stats["entries"], engine.stats["rows"], engine.stats["encoded"], time.perf_counter() - started)
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running background build (tests, CLI); True if none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None
