"""Open what a caller hands a reader (a path, bytes or a binary stream) as a seekable stream."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ingest.errors import ErrorCode, FileError

Source = str | os.PathLike[str] | bytes | BinaryIO


@contextmanager
def open_source(source: Source, max_bytes: int) -> Iterator[BinaryIO]:
    """A seekable binary stream positioned at 0; paths are closed afterwards, streams are not.

    Raises ``file_too_large`` before anything is parsed.
    """
    if isinstance(source, bytes):
        stream: BinaryIO = io.BytesIO(source)
        owned = True
    elif isinstance(source, str | os.PathLike):
        stream = open(source, "rb")  # noqa: SIM115 - closed below
        owned = True
    else:
        stream = source
        owned = False
    try:
        size = stream.seek(0, io.SEEK_END)
        if size > max_bytes:
            raise FileError(ErrorCode.FILE_TOO_LARGE, size=size, limit=max_bytes)
        stream.seek(0)
        yield stream
    finally:
        if owned:
            stream.close()
