"""Per-token limits on writes: a fixed window per minute, in Redis (production) or in memory."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import redis

from core.settings import get_settings

WINDOW_SECONDS = 60
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets


class RateLimiter(Protocol):
    def hit(self, key: str) -> RateDecision: ...


def _window(now: float) -> tuple[int, int]:
    start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    return start, start + WINDOW_SECONDS - int(now)


class MemoryRateLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateDecision:
        window, retry_after = _window(time.time())
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return RateDecision(
            count <= self.limit, self.limit, max(0, self.limit - count), retry_after
        )


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, limit: int, namespace: str) -> None:
        self.client = client
        self.limit = limit
        self.namespace = namespace

    def hit(self, key: str) -> RateDecision:
        """Counts in Redis; while Redis is down every write is allowed (and that is logged): a
        write needs only PostgreSQL, and a limiter must never be the reason it fails."""
        window, retry_after = _window(time.time())
        name = f"{self.namespace}:rate:{key}:{window}"
        try:
            with self.client.pipeline() as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_SECONDS * 2)
                count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            log.warning("rate limit not checked: Redis unavailable (%s); allowing", exc)
            return RateDecision(True, self.limit, self.limit, retry_after)
        return RateDecision(
            count <= self.limit, self.limit, max(0, self.limit - count), retry_after
        )


@lru_cache
def rate_limiter() -> RateLimiter:
    settings = get_settings()
    if settings.embedded_broker:
        return MemoryRateLimiter(settings.rate_limit_per_minute)
    return RedisRateLimiter(
        redis.Redis.from_url(settings.broker_url),
        settings.rate_limit_per_minute,
        settings.broker_namespace,
    )
