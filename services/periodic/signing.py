"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<raw body>"`` with the subscription's
secret, sent as ``X-Woonzorg-Signature: sha256=<hex>`` beside ``X-Woonzorg-Timestamp`` (Unix
seconds). The timestamp is part of the signed content, so a captured request cannot be replayed
later than the receiver's tolerance. No dependencies beyond the standard library: receivers may
copy ``verify_signature`` as it is (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Woonzorg-Signature"
TIMESTAMP_HEADER = "X-Woonzorg-Timestamp"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify_signature(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``body`` was signed with ``secret`` within ``tolerance_seconds`` of ``now``.

    ``headers`` are the request's headers (any capitalisation); ``body`` is the raw body exactly
    as received, before any JSON parsing.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    try:
        timestamp = int(lowered.get(TIMESTAMP_HEADER.lower(), ""))
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, body))
