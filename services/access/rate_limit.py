"""Per-token limits on writes: a sliding window of the last minute, in Redis (production) or in
memory. Every accepted write is remembered for a minute, so no 60 seconds ever hold more than the
limit (a fixed window per calendar minute let twice the limit through across a minute's edge)."""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import redis

from core.settings import get_settings

WINDOW_SECONDS = 60
log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until a write is accepted again


class RateLimiter(Protocol):
    def hit(self, key: str) -> RateDecision: ...


def _retry_after(oldest: float, now: float) -> int:
    return max(1, math.ceil(oldest + WINDOW_SECONDS - now))


class MemoryRateLimiter:
    def __init__(self, limit: int, clock: Clock = time.time) -> None:
        self.limit = limit
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateDecision:
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.limit:
                return RateDecision(False, self.limit, 0, _retry_after(hits[0], now))
            hits.append(now)
            for other in [k for k, v in self._hits.items() if not v]:
                del self._hits[other]
            return RateDecision(True, self.limit, self.limit - len(hits), 0)


# Atomic: drop hits older than the window, then accept (and remember) this one if room is left.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], window * 2)
  return {1, count + 1, '0'}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, oldest[2]}
"""


class RedisRateLimiter:
    def __init__(
        self, client: redis.Redis, limit: int, namespace: str, clock: Clock = time.time
    ) -> None:
        self.client = client
        self.limit = limit
        self.namespace = namespace
        self.clock = clock
        self._script = client.register_script(_SLIDING_WINDOW)

    def hit(self, key: str) -> RateDecision:
        """A sliding window in Redis; while Redis is down every write is allowed (and that is
        logged): a write needs only the database, and a limiter must never be why it fails."""
        now = self.clock()
        try:
            allowed, count, oldest = self._script(
                keys=[f"{self.namespace}:rate:{key}"],
                args=[repr(now), WINDOW_SECONDS, self.limit, f"{now!r}:{uuid.uuid4().hex}"],
            )
        except redis.RedisError as exc:
            log.warning("rate limit not checked: Redis unavailable (%s); allowing", exc)
            return RateDecision(True, self.limit, self.limit, 0)
        if int(allowed):
            return RateDecision(True, self.limit, max(0, self.limit - int(count)), 0)
        return RateDecision(False, self.limit, 0, _retry_after(float(oldest), now))


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
