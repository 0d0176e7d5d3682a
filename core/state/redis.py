"""The shared store on Redis: native expiry, atomic SET NX and INCR, compare-and-delete in one script."""
from __future__ import annotations

DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisStore:
    """Backend on Redis: native expiry, atomic SET NX and INCR."""

    def __init__(self, client, prefix: str = ""):
        self.client = client
        self.prefix = prefix
        self._delete_if = client.register_script(DELETE_IF)

    def get(self, key: str) -> str | None:
        value = self.client.get(self.prefix + key)
        return None if value is None else value.decode()

    def set(self, key: str, value: str, ttl: float) -> None:
        self.client.set(self.prefix + key, value, px=max(1, int(ttl * 1000)))

    def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(self.client.set(self.prefix + key, value, px=max(1, int(ttl * 1000)), nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def delete_if(self, key: str, value: str) -> bool:
        return self._delete_if(keys=[self.prefix + key], args=[value]) == 1

    def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        full = self.prefix + key
        pipe = self.client.pipeline()
        pipe.incrby(full, amount)
        pipe.pexpire(full, max(1, int(ttl * 1000)), nx=True)
        value, _ = pipe.execute()
        return int(value)

    def ttl(self, key: str) -> float | None:
        millis = self.client.pttl(self.prefix + key)
        return None if millis < 0 else millis / 1000

    def counter(self, key: str) -> int:
        return int(self.client.get(self.prefix + key) or 0)

    def ping(self) -> None:
        self.client.ping()

    def purge_expired(self) -> int:
        return 0  # Redis expires keys itself.
