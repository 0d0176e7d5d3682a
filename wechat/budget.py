"""Run a handler within WeChat's time budget; if it overruns, let it finish in the background."""
from __future__ import annotations

import contextvars
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

_pool: dict[str, ThreadPoolExecutor] = {}
WORKER_THREADS = 8


def _executor() -> ThreadPoolExecutor:
    # One pool per process, made after fork (gunicorn workers never share the master's threads).
    if "pool" not in _pool:
        _pool["pool"] = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="wechat-handler")
    return _pool["pool"]


os.register_at_fork(after_in_child=_pool.clear)


class Overran(Exception):
    """The handler did not finish in time; `late` delivers its result when it does."""


def run_within(budget: float, work: Callable[[], object], late: Callable[[Future], None]):
    """work()'s result if done within `budget` seconds; else raise Overran after arranging late(future)."""
    future = _executor().submit(contextvars.copy_context().run, work)  # keeps the request id in logs
    try:
        return future.result(timeout=budget)
    except FutureTimeout:
        future.add_done_callback(late)
        raise Overran() from None
