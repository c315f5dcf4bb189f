"""Process start for everything that sends or runs jobs: the API, the worker, the CLI and tests.

``start(settings)`` builds the broker, declares every actor on it and makes committed jobs go out
through it. ``workers.worker_process`` is the module the dramatiq CLI loads.
"""

from __future__ import annotations

import importlib

import dramatiq

from core.settings import Settings
from workers.broker import configure_broker
from workers.liveness import WorkerLiveness
from workers.outbox import install_sender


def start(settings: Settings) -> dramatiq.Broker:
    """Configure this process's broker and actors (idempotent)."""
    broker = configure_broker(settings)
    if not any(isinstance(m, WorkerLiveness) for m in broker.middleware):
        broker.add_middleware(WorkerLiveness(settings.worker_heartbeat_seconds))
    importlib.import_module("workers.actors")  # the actors need the broker built just above
    install_sender()
    return broker
