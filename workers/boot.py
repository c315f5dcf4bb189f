"""Process start for everything that sends or runs jobs: the API, the worker, the CLI and tests.

``start(settings)`` builds the broker, declares every actor on it, makes committed jobs go out
through it and committed changes become webhook events. ``workers.worker_process`` is the module
the dramatiq CLI loads.
"""

from __future__ import annotations

import importlib

import dramatiq

from core.settings import Settings
from services.periodic import webhook_triggers
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
    webhook_triggers.install()
    return broker
