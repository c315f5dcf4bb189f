"""Every actor; importing this package declares them all on the configured broker."""

from workers.actors.health import heartbeat

__all__ = ["heartbeat"]
