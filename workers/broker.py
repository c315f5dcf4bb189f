"""The dramatiq broker, configured from settings before any actor module is imported.

``memory://`` gives a StubBroker (consumed by the in-process worker of the embedded mode);
``redis://…`` a RedisBroker. Import ``broker`` from here; never let dramatiq create a default.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage

from api.settings import get_settings


def build_broker(url: str, namespace: str) -> dramatiq.Broker:
    if url.startswith("memory://"):
        return StubBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(url=url, namespace=namespace)
    raise ValueError(f"WOONZORG_BROKER_URL '{url}': use memory:// or redis://host:port/db")


_settings = get_settings()
broker: dramatiq.Broker = build_broker(_settings.broker_url, _settings.broker_namespace)
broker.add_middleware(CurrentMessage())
dramatiq.set_broker(broker)


_consumer_in_process = False


def set_consumer_in_process(running: bool) -> None:
    global _consumer_in_process
    _consumer_in_process = running


def can_deliver() -> bool:
    """An in-memory broker delivers only to a worker in this same process; a CLI command has none,
    so its jobs stay pending in the outbox for the serving process to send."""
    return not isinstance(broker, StubBroker) or _consumer_in_process


def broker_reachable() -> bool:
    if isinstance(broker, RedisBroker):
        try:
            return bool(broker.client.ping())
        except Exception:
            return False
    return True
