"""Per-token upload volume: the bytes one token (or user) uploaded within a sliding window, in
Redis (production) or in memory. The rate limit counts uploads; this counts what they weigh, so a
token cannot fill the payload store with many large files within its rate."""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import redis

from core.settings import get_settings
from services.access.rate_limit import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VolumeDecision:
    allowed: bool
    limit: int  # bytes per window
    used: int  # bytes counted in the window, this upload included when allowed
    retry_after: int  # seconds until enough of the window has passed


class UploadVolume(Protocol):
    def fits(self, key: str, size: int) -> VolumeDecision:
        """Whether ``size`` more bytes fit, without counting them (a declared length)."""
        ...

    def add(self, key: str, size: int) -> VolumeDecision:
        """Count ``size`` bytes if they fit; refuse (and count nothing) otherwise."""
        ...


def _retry_after(entries: list[tuple[float, int]], over: int, now: float, window: int) -> int:
    """Seconds until the oldest uploads that must expire for ``over`` bytes have left."""
    freed = 0
    for at, size in entries:
        freed += size
        if freed >= over:
            return max(1, math.ceil(at + window - now))
    return window


class MemoryUploadVolume:
    def __init__(self, limit: int, window_seconds: int, clock: Clock = time.time) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._entries: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def _decide(self, key: str, size: int, record: bool) -> VolumeDecision:
        now = self.clock()
        with self._lock:
            entries = self._entries.setdefault(key, deque())
            while entries and entries[0][0] <= now - self.window:
                entries.popleft()
            used = sum(n for _, n in entries)
            if used + size > self.limit:
                wait = _retry_after(list(entries), used + size - self.limit, now, self.window)
                return VolumeDecision(False, self.limit, used, wait)
            if record:
                entries.append((now, size))
                used += size
            for other in [k for k, v in self._entries.items() if not v]:
                del self._entries[other]
            return VolumeDecision(True, self.limit, used, 0)

    def fits(self, key: str, size: int) -> VolumeDecision:
        return self._decide(key, size, record=False)

    def add(self, key: str, size: int) -> VolumeDecision:
        return self._decide(key, size, record=True)


# Atomic: forget uploads older than the window, sum the rest, count this one if it fits.
# Members are "<bytes>:<unique>", scored by time; returns {allowed, used, entries as flat list}.
_VOLUME = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local size = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], '^(%d+):'))
end
if used + size > limit then
  return {0, used, entries}
end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[1], now, size .. ':' .. ARGV[6])
  redis.call('EXPIRE', KEYS[1], window * 2)
  used = used + size
end
return {1, used, {}}
"""


class RedisUploadVolume:
    def __init__(
        self,
        client: redis.Redis,
        limit: int,
        window_seconds: int,
        namespace: str,
        clock: Clock = time.time,
    ) -> None:
        self.client = client
        self.limit = limit
        self.window = window_seconds
        self.namespace = namespace
        self.clock = clock
        self._script = client.register_script(_VOLUME)

    def _decide(self, key: str, size: int, record: bool) -> VolumeDecision:
        """While Redis is down every upload is allowed (and that is logged), as for the rate
        limit: a limiter must never be why an upload fails."""
        now = self.clock()
        try:
            allowed, used, flat = self._script(
                keys=[f"{self.namespace}:upload-bytes:{key}"],
                args=[repr(now), self.window, self.limit, size, int(record), uuid.uuid4().hex],
            )
        except redis.RedisError as exc:
            log.warning("upload volume not checked: Redis unavailable (%s); allowing", exc)
            return VolumeDecision(True, self.limit, 0, 0)
        if int(allowed):
            return VolumeDecision(True, self.limit, int(used), 0)
        entries = [
            (float(flat[i + 1]), int(_text(flat[i]).split(":", 1)[0]))
            for i in range(0, len(flat), 2)
        ]
        over = int(used) + size - self.limit
        return VolumeDecision(
            False, self.limit, int(used), _retry_after(entries, over, now, self.window)
        )

    def fits(self, key: str, size: int) -> VolumeDecision:
        return self._decide(key, size, record=False)

    def add(self, key: str, size: int) -> VolumeDecision:
        return self._decide(key, size, record=True)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@lru_cache
def upload_volume() -> UploadVolume:
    settings = get_settings()
    window = settings.upload_volume_window_minutes * 60
    if settings.embedded_broker:
        return MemoryUploadVolume(settings.upload_bytes_per_token, window)
    return RedisUploadVolume(
        redis.Redis.from_url(settings.broker_url),
        settings.upload_bytes_per_token,
        window,
        settings.broker_namespace,
    )
