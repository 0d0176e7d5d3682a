"""Rate limits (the `limits` library) on the shared store, so they hold across workers and hosts.

Views declare them with @rate_limited; services call `hit()` directly. Nothing runs on requests
that have no limit (Flask-Limiter's global hooks cost ~190 µs CPU on every webhook push: bench/webhook).
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import abort, current_app, request
from limits import parse_many
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from core.state import SharedStore


class SharedStateStorage(Storage):
    """A `limits` storage (fixed-window strategy) delegating to core.state's SharedStore."""

    STORAGE_SCHEME = ["minsheng-state"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.store: SharedStore = options.pop("store")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return Exception

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.store.incr("limit:" + key, expiry, amount)

    def get(self, key: str) -> int:
        return self.store.counter("limit:" + key)

    def get_expiry(self, key: str) -> float:
        return time.time() + (self.store.ttl("limit:" + key) or 0)

    def check(self) -> bool:
        try:
            self.store.ping()
        except Exception:  # noqa: BLE001 - a health probe reports, never raises
            return False
        return True

    def reset(self) -> int | None:
        return None

    def clear(self, key: str) -> None:
        self.store.delete("limit:" + key)


def hit(limit: str, *identifiers: str) -> bool:
    """Count one hit against every limit in `limit` ("5 per minute;30 per hour"); False if one is exceeded."""
    strategy = current_app.extensions["rate_limiter"]
    return all([strategy.hit(item, *identifiers) for item in parse_many(limit)])


def allowed(limit: str, *identifiers: str) -> bool:
    """Whether one more hit would be within every limit in `limit`, without counting it."""
    strategy = current_app.extensions["rate_limiter"]
    return all([strategy.test(item, *identifiers) for item in parse_many(limit)])


def client_address() -> str:
    return request.remote_addr or "unknown"


def rate_limited(setting: str, *keys: Callable[[], str], methods=("POST",)):
    """Limit a view by the limit string in config[setting], counted separately per key function."""

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                limit = current_app.config[setting]
                if not all([hit(limit, view.__name__, key.__name__, key()) for key in keys]):
                    abort(429)
            return view(*args, **kwargs)

        return limited

    return decorate


def init_app(app) -> None:
    storage = SharedStateStorage(store=app.extensions["shared_state"])
    app.extensions["rate_limiter"] = FixedWindowRateLimiter(storage)
