"""The dramatiq broker of this process, built from settings by ``workers.boot.start``.

``memory://`` gives a StubBroker (consumed by the in-process worker of the embedded mode);
``redis://…`` a RedisBroker. Nothing is built at import time, and dramatiq never creates a default.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage

from core.settings import Settings

_broker: dramatiq.Broker | None = None
_consumer_in_process = False


# Share of Redis commands (per million) that also move a dead worker's unacknowledged messages
# back to their queue. dramatiq's default (1,000: one in a thousand) left that redelivery minutes
# behind the outbox; idle consumers poll about once a second, so one in ten acts within seconds of
# a worker counting as dead. The maintenance is two cheap lookups when nobody died.
REDIS_MAINTENANCE_CHANCE = 100_000


# How long Redis waits for a silent worker process before giving the messages it fetched but did
# not finish to others. Every Redis command of a process (each idle consumer polls at least once a
# second) counts as its heartbeat, so 10 s is ten missed beats. Messages a killed worker had
# fetched but not started wait this long (the scheduler re-sends the jobs it had started as soon
# as its supervisor marks it stopped); it was the 20 s of the database-side dead time, the largest
# part of settling after a kill once worker processes start in a second.
REDIS_SILENT_WORKER_SECONDS = 10


def build_broker(url: str, namespace: str, *, dead_after_seconds: int = 20) -> dramatiq.Broker:
    """``dead_after_seconds``: the scheduler's ``worker_dead_after``; Redis gives a silent
    worker's unacknowledged messages to others after ``REDIS_SILENT_WORKER_SECONDS``, or after
    this when it is shorter."""
    if url.startswith("memory://"):
        return StubBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(
            url=url,
            namespace=namespace,
            heartbeat_timeout=min(dead_after_seconds, REDIS_SILENT_WORKER_SECONDS) * 1000,
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
            # a Redis that went away is noticed in seconds, never waited for without limit
            socket_timeout=10,
            socket_connect_timeout=5,
            health_check_interval=15,
        )
    raise ValueError(f"WOONZORG_BROKER_URL '{url}': use memory:// or redis://host:port/db")


LOCATE_TTL_SECONDS = 8 * 24 * 3600  # longer than dramatiq's longest delay (7 days)


class MessageLocator(dramatiq.Middleware):
    """Remembers in Redis where each message was last put: dramatiq stores a message under an id
    of its own (``redis_message_id``, new on every enqueue, retries included), so the outbox could
    not otherwise ask whether Redis still holds a job's message. The note lives in Redis, so a
    Redis that lost its messages lost the notes too: the jobs then count as lost, as they are."""

    def after_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int) -> None:
        if not isinstance(broker, RedisBroker):
            return
        redis_id = message.options.get("redis_message_id")
        if redis_id is None:
            return
        # the message is in Redis; a missing note only means a spare re-send
        with contextlib.suppress(Exception):
            broker.client.set(
                _locate_key(broker, message.message_id),
                f"{broker.namespace}:{message.queue_name}.msgs {redis_id}",
                ex=LOCATE_TTL_SECONDS,
            )


def _locate_key(broker: RedisBroker, message_id: str) -> str:
    return f"{broker.namespace}:woonzorg.locate:{message_id}"


def configure_broker(settings: Settings) -> dramatiq.Broker:
    """Build the configured broker once and make it dramatiq's; later calls return the same one."""
    global _broker
    if _broker is None:
        broker = build_broker(
            settings.broker_url,
            settings.broker_namespace,
            dead_after_seconds=settings.worker_dead_after_seconds,
        )
        broker.add_middleware(CurrentMessage())
        if isinstance(broker, RedisBroker):
            broker.add_middleware(MessageLocator())
        dramatiq.set_broker(broker)
        _broker = broker
    return _broker


def renew_after_fork() -> None:
    """In a process forked from one that built the broker (``woonzorg worker`` builds it before
    forking its worker processes): its own name in Redis. Redis tracks heartbeats and fetched
    messages per ``broker_id``; children sharing one would keep a killed sibling "alive", and the
    messages it had fetched would never be given to anyone else."""
    if isinstance(_broker, RedisBroker):
        _broker.broker_id = str(uuid.uuid4())


def get_broker() -> dramatiq.Broker:
    if _broker is None:
        raise RuntimeError("no broker: call workers.boot.start(settings) at process start")
    return _broker


def set_consumer_in_process(running: bool) -> None:
    global _consumer_in_process
    _consumer_in_process = running


def can_deliver() -> bool:
    """An in-memory broker delivers only to a worker in this same process; a CLI command has none,
    so its jobs stay pending in the outbox for the serving process to send."""
    return _broker is not None and (not isinstance(_broker, StubBroker) or _consumer_in_process)


def broker_reachable() -> bool:
    if isinstance(_broker, RedisBroker):
        try:
            return bool(_broker.client.ping())
        except Exception:
            return False
    return _broker is not None


_worker_id: tuple[int, str] | None = None


def worker_id() -> str:
    """This process's name in ``worker_process`` and on the jobs it runs (new after a fork)."""
    global _worker_id
    pid = os.getpid()
    if _worker_id is None or _worker_id[0] != pid:
        _worker_id = (pid, f"{socket.gethostname()[:120]}:{pid}:{uuid.uuid4().hex[:8]}")
    return _worker_id[1]


def message_in_broker(queue_name: str, message_id: str) -> bool | None:
    """Whether the broker still holds the message (queued, delayed for a retry, or being run);
    ``None`` when it cannot tell (unreachable; in memory, a message being run). Raises nothing."""
    broker = _broker
    try:
        if isinstance(broker, RedisBroker):
            note = broker.client.get(_locate_key(broker, message_id))
            if note is None:
                return False
            hash_key, redis_id = note.decode().split(" ", 1)
            return bool(broker.client.hexists(hash_key, redis_id))
        if isinstance(broker, StubBroker):
            for name in (queue_name, dramatiq.common.dq_name(queue_name)):
                queue = broker.queues.get(name)
                if queue is None:
                    continue
                with queue.mutex:
                    encoded = list(queue.queue)
                if any(dramatiq.Message.decode(data).message_id == message_id for data in encoded):
                    return True
            return False
    except Exception:
        return None
    return None


def queue_depths() -> dict[str, int] | None:
    """Messages waiting per queue (delayed retries as ``<queue>.DQ``); ``None`` if unreachable."""
    broker = _broker
    if broker is None:
        return None
    try:
        names = sorted(broker.get_declared_queues() | broker.get_declared_delay_queues())
        if isinstance(broker, RedisBroker):
            with broker.client.pipeline() as pipe:
                for name in names:
                    pipe.hlen(f"{broker.namespace}:{name}.msgs")
                return dict(zip(names, (int(n) for n in pipe.execute()), strict=True))
        if isinstance(broker, StubBroker):
            return {name: broker.queues[name].qsize() for name in names if name in broker.queues}
    except Exception:
        return None
    return None


def wait_for_broker(*, timeout_seconds: float = 300.0) -> None:
    """Wait until Redis answers (nothing to wait for in memory), with backoff, logging each try."""
    import logging
    import time

    broker = _broker
    if not isinstance(broker, RedisBroker):
        return
    log = logging.getLogger(__name__)
    deadline = time.monotonic() + timeout_seconds
    delay = 1.0
    while True:
        try:
            broker.client.ping()
            return
        except Exception as exc:
            if time.monotonic() + delay > deadline:
                log.error("Redis is still unreachable; giving up")
                raise
            log.warning("waiting for Redis (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
