"""Brute-force throttling of sign-in: failed attempts counted per account and per address.

A fixed window (``WOONZORG_SIGN_IN_WINDOW_MINUTES``): once an account or an address has had its
number of failures in the window, every further attempt is refused until the window ends, even
with the right password. Counters live in Redis in production and in memory in embedded mode.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import redis

from core.settings import get_settings


class Counter(Protocol):
    def count(self, key: str, window: int) -> int: ...
    def add(self, key: str, window: int) -> int: ...


class MemoryCounter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def count(self, key: str, window: int) -> int:
        with self._lock:
            return self._counts.get((key, int(time.time() // window)), 0)

    def add(self, key: str, window: int) -> int:
        slot = int(time.time() // window)
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot}
            self._counts[(key, slot)] = self._counts.get((key, slot), 0) + 1
            return self._counts[(key, slot)]


class RedisCounter:
    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.client = client
        self.namespace = namespace

    def _name(self, key: str, window: int) -> str:
        return f"{self.namespace}:signin:{key}:{int(time.time() // window)}"

    def count(self, key: str, window: int) -> int:
        value = self.client.get(self._name(key, window))
        return int(value) if value is not None else 0

    def add(self, key: str, window: int) -> int:
        name = self._name(key, window)
        with self.client.pipeline() as pipe:
            pipe.incr(name)
            pipe.expire(name, window * 2)
            return int(pipe.execute()[0])


@dataclass(frozen=True)
class Throttle:
    counter: Counter
    per_account: int
    per_address: int
    window_seconds: int

    @staticmethod
    def _account(email: str) -> str:
        return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]

    @staticmethod
    def _address(address: str) -> str:
        return "address:" + address

    def blocked(self, email: str, address: str) -> int | None:
        """Seconds to wait when the account or the address has spent its attempts, else None."""
        w = self.window_seconds
        if (
            self.counter.count(self._account(email), w) >= self.per_account
            or self.counter.count(self._address(address), w) >= self.per_address
        ):
            return w - int(time.time()) % w
        return None

    def failed(self, email: str, address: str) -> None:
        self.counter.add(self._account(email), self.window_seconds)
        self.counter.add(self._address(address), self.window_seconds)


@lru_cache
def sign_in_throttle() -> Throttle:
    settings = get_settings()
    counter: Counter = (
        MemoryCounter()
        if settings.embedded_broker
        else RedisCounter(redis.Redis.from_url(settings.broker_url), settings.broker_namespace)
    )
    return Throttle(
        counter,
        settings.sign_in_failures_per_account,
        settings.sign_in_failures_per_address,
        settings.sign_in_window_minutes * 60,
    )
