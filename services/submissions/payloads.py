"""Keeping what partners send: every payload is stored as received, named by its checksum."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, col, select

from core.settings import get_settings
from db.models import Submission

CHUNK = 1 << 20


class PayloadStore:
    """Files under ``root``; a payload is written to a temporary file and moved into place, so a
    crash never leaves half a payload under its final name."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, stream: BinaryIO, suffix: str) -> tuple[str, str]:
        """Store the stream; returns (relative path, SHA-256 hex digest)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            name = f"{digest.hexdigest()}{suffix.lower()}"
            os.replace(temporary, self.root / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name, digest.hexdigest()

    def path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"payload name '{name}' points outside the store")
        return path


def payload_store() -> PayloadStore:
    """The configured store: ``submissions/`` under ``WOONZORG_DATA_DIR``."""
    return PayloadStore(Path(get_settings().data_dir) / "submissions")


def payload_store_problem(session: Session) -> str | None:
    """Why this process cannot read the payloads the API stored, or ``None`` when it can.

    The newest stored payload must be readable here: a worker pointed at another folder than the
    API (``WOONZORG_DATA_DIR``) would otherwise fail every submission it is given.
    """
    store = payload_store()
    newest = session.exec(
        select(Submission.payload_path)
        .where(col(Submission.payload_path).is_not(None))
        .order_by(col(Submission.id).desc())
        .limit(1)
    ).first()
    if newest is None:
        if store.root.exists() and not os.access(store.root, os.R_OK | os.X_OK):
            return f"the payload folder {store.root} is not readable"
        return None
    path = store.path(newest)
    if not os.access(path, os.R_OK):
        return (
            f"the newest payload {path} is missing or unreadable: WOONZORG_DATA_DIR "
            f"({get_settings().data_dir}) must be the folder the API stores payloads in"
        )
    return None
