"""A small publish/subscribe bus for live updates (GraphQL subscriptions).

``publish`` is synchronous and may be called from any thread (actors, request handlers);
``subscribe`` is an async iterator for the API's event loop. The transport follows
``WOONZORG_BROKER_URL``: ``memory://`` hands events over inside this process (thread-safe, into
each subscriber's event loop); ``redis://`` uses Redis pub/sub, so every API replica sees every
event. Delivery is at most once and only to current subscribers: an event says "look again",
subscribers re-read the database.

Topics and payloads:

* ``progress:<jurisdiction code>`` (:func:`progress_topic`), after its snapshots were rewritten:
  ``{"jurisdictionCode": "GM0518"}``, optionally with ``"targetIds": [12, 13]`` to name the
  recomputed targets (subscribers then get only those);
* ``submission:<id>`` (:func:`submission_topic`), after the submission changed state:
  ``{"id": 7, "status": "validated"}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import suppress
from functools import lru_cache
from typing import Any

import redis
import redis.asyncio as aioredis

from core.settings import get_settings

log = logging.getLogger(__name__)

Payload = dict[str, Any]


def progress_topic(jurisdiction_code: str) -> str:
    return f"progress:{jurisdiction_code}"


def submission_topic(submission_id: int) -> str:
    return f"submission:{submission_id}"


def publish(topic: str, payload: Payload) -> None:
    """Send ``payload`` (JSON-serialisable) to the current subscribers of ``topic``."""
    settings = get_settings()
    if settings.embedded_broker:
        _memory.publish(topic, payload)
    else:
        _redis_client(settings.broker_url).publish(_channel(topic), json.dumps(payload))


async def subscribe(topic: str) -> AsyncIterator[Payload]:
    """Events on ``topic`` from the moment of subscribing, until the consumer stops."""
    settings = get_settings()
    source = _memory.subscribe(topic) if settings.embedded_broker else _redis_subscribe(topic)
    async for payload in source:
        yield payload


def subscriber_count(topic: str) -> int:
    """How many subscriptions listen on ``topic`` (in this process, or on the whole Redis)."""
    settings = get_settings()
    if settings.embedded_broker:
        return _memory.count(topic)
    counts = _redis_client(settings.broker_url).pubsub_numsub(_channel(topic))
    return int(counts[0][1]) if counts else 0


class _MemoryBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Payload]]]] = (
            defaultdict(set)
        )

    def publish(self, topic: str, payload: Payload) -> None:
        with self._lock:
            receivers = list(self._queues.get(topic, ()))
        for loop, queue in receivers:
            with suppress(RuntimeError):  # the subscriber's loop has closed meanwhile
                loop.call_soon_threadsafe(queue.put_nowait, dict(payload))

    async def subscribe(self, topic: str) -> AsyncIterator[Payload]:
        receiver = (asyncio.get_running_loop(), asyncio.Queue[Payload]())
        with self._lock:
            self._queues[topic].add(receiver)
        try:
            while True:
                yield await receiver[1].get()
        finally:
            with self._lock:
                self._queues[topic].discard(receiver)
                if not self._queues[topic]:
                    del self._queues[topic]

    def count(self, topic: str) -> int:
        with self._lock:
            return len(self._queues.get(topic, ()))


_memory = _MemoryBus()


def _channel(topic: str) -> str:
    return f"{get_settings().broker_namespace}:events:{topic}"


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


async def _redis_subscribe(topic: str) -> AsyncIterator[Payload]:
    client = aioredis.Redis.from_url(get_settings().broker_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(_channel(topic))
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                yield json.loads(message["data"])
            except (TypeError, ValueError):
                log.warning("ignoring a malformed event on %s", topic)
    finally:
        with suppress(Exception):
            await pubsub.aclose()
        await client.aclose()
