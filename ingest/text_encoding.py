"""Which text encoding a CSV upload uses: UTF-8 (with or without BOM), UTF-16 with BOM, or
Windows-1252 when the bytes are not valid UTF-8.

The whole stream is checked chunk by chunk before any row is read (constant memory), so a bad byte
on the last line cannot turn a half-ingested file into a fallback. Windows-1252 is only chosen
when every byte is defined in it; otherwise the file is refused rather than decoded into
replacement characters.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from ingest.errors import ErrorCode, FileError

CHUNK_BYTES = 64 * 1024


def detect_encoding(stream: BinaryIO) -> str:
    """A Python codec name for ``stream``; leaves the stream at position 0."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    has_utf8_bom = head.startswith(codecs.BOM_UTF8)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_valid = True
    first_bad_utf8 = 0
    first_bad_cp1252: int | None = None
    offset = 0
    while chunk := stream.read(CHUNK_BYTES):
        if utf8_valid:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError as exc:
                utf8_valid = False
                first_bad_utf8 = offset + exc.start
        if first_bad_cp1252 is None:
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as exc:
                first_bad_cp1252 = offset + exc.start
        if not utf8_valid and (first_bad_cp1252 is not None or has_utf8_bom):
            break
        offset += len(chunk)
    stream.seek(0)
    if utf8_valid:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_valid = False
    if utf8_valid:
        return "utf-8-sig"  # strips a BOM when present
    if first_bad_cp1252 is None and not has_utf8_bom:
        return "cp1252"
    bad_offset = first_bad_utf8 if first_bad_cp1252 is None else first_bad_cp1252
    raise FileError(ErrorCode.UNSUPPORTED_ENCODING, offset=bad_offset)
