"""Exactly-once handling of pushes across workers and hosts.

The first delivery claims the message's key in the shared store (an atomic set-if-absent) and later
stores the reply it computed; a retry that finds the key waits for that reply and returns it, so a
side effect never happens twice and WeChat sees the same answer.
"""
from __future__ import annotations

import time

from core.state import state

KEEP_SECONDS = 10 * 60  # WeChat retries within ~15 s; keep keys well past that
PENDING = "\x00pending"
POLL_SECONDS = 0.05


def _key(dedup_key: str) -> str:
    return f"wx:{dedup_key}"


def claim(dedup_key: str) -> bool:
    """True for the first delivery of this message (across every worker), False for a retry."""
    return state.add(_key(dedup_key), PENDING, ttl=KEEP_SECONDS)


def remember(dedup_key: str, reply_body: str) -> None:
    state.set(_key(dedup_key), reply_body, ttl=KEEP_SECONDS)


def first_reply(dedup_key: str, wait_seconds: float) -> str | None:
    """The reply stored by the first delivery, waiting up to `wait_seconds` for it; None if not ready."""
    deadline = time.monotonic() + wait_seconds
    while True:
        stored = state.get(_key(dedup_key))
        if stored is not None and stored != PENDING:
            return stored
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)
