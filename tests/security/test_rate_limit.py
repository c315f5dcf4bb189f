"""Weakness: the rate limit was a fixed window (twice the limit across a minute's edge); it is a
sliding window now: no 60 seconds hold more than the limit."""

from __future__ import annotations

import uuid

import pytest
import redis

from core.settings import get_settings
from services.access.rate_limit import MemoryRateLimiter, RateLimiter, RedisRateLimiter


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limiters(clock: Clock) -> list[RateLimiter]:
    made: list[RateLimiter] = [MemoryRateLimiter(120, clock)]
    url = get_settings().broker_url
    if url.startswith("redis://"):
        made.append(
            RedisRateLimiter(redis.Redis.from_url(url), 120, f"t-{uuid.uuid4().hex}", clock)
        )
    return made


@pytest.mark.parametrize("which", [0, 1])
def test_no_minute_holds_more_than_the_limit_across_a_minute_edge(which: int) -> None:
    clock = Clock(1_800_000_059.5)  # half a second before a calendar minute ends
    made = limiters(clock)
    if which >= len(made):
        pytest.skip("Redis is not the configured broker")
    limiter = made[which]
    accepted = sum(limiter.hit("token:abc").allowed for _ in range(120))
    clock.now += 1.0  # the next calendar minute
    refused = limiter.hit("token:abc")
    assert accepted == 120
    assert not refused.allowed and 1 <= refused.retry_after <= 60
    clock.now += 59.0  # a minute after the first writes: room again
    assert limiter.hit("token:abc").allowed
    assert limiter.hit("token:other").allowed  # each token has its own window
