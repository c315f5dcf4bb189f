"""The dramatiq broker of this process, built from settings by ``workers.boot.start``.

``memory://`` gives a StubBroker (consumed by the in-process worker of the embedded mode);
``redis://…`` a RedisBroker. Nothing is built at import time, and dramatiq never creates a default.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage

from core.settings import Settings

_broker: dramatiq.Broker | None = None
_consumer_in_process = False


def build_broker(url: str, namespace: str) -> dramatiq.Broker:
    if url.startswith("memory://"):
        return StubBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(url=url, namespace=namespace)
    raise ValueError(f"WOONZORG_BROKER_URL '{url}': use memory:// or redis://host:port/db")


def configure_broker(settings: Settings) -> dramatiq.Broker:
    """Build the configured broker once and make it dramatiq's; later calls return the same one."""
    global _broker
    if _broker is None:
        broker = build_broker(settings.broker_url, settings.broker_namespace)
        broker.add_middleware(CurrentMessage())
        dramatiq.set_broker(broker)
        _broker = broker
    return _broker


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
