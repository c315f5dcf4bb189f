"""What ``dramatiq workers.worker_process`` loads: this process's broker and actors, from the
environment's settings (``woonzorg worker`` runs it)."""

from core.settings import get_settings
from workers.boot import start

broker = start(get_settings())
