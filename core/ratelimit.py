"""Flask-Limiter on the shared store, so limits hold across workers and hosts on either backend."""
from __future__ import annotations

import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

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


limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")


def init_app(app) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "minsheng-state://")
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {"store": app.extensions["shared_state"]}
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)

