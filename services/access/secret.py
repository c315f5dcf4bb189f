"""The installation's secret key: from settings, or generated once and kept in the data folder."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from core.settings import get_settings


@lru_cache
def secret_key() -> bytes:
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()
