"""HTTP for source pulls, with failures sorted into "try again later" and "will not work"."""

from __future__ import annotations

from typing import Any

import httpx

from core.settings import get_settings
from ingest.limits import DEFAULT_LIMITS

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """A source could not be read; ``retryable`` says whether a later attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def http_client() -> httpx.Client:
    settings = get_settings()
    return httpx.Client(
        timeout=settings.source_timeout_seconds,
        follow_redirects=True,
        headers={"User-Agent": "woonzorgmonitor/1 (+source pull)"},
    )


def download(
    client: httpx.Client, url: str, max_bytes: int = DEFAULT_LIMITS.max_file_bytes
) -> bytes:
    """The body of ``url`` (at most ``max_bytes``), or ``FetchError``."""
    try:
        with client.stream("GET", url) as response:
            _check_status(response, url)
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: larger than {max_bytes} bytes", retryable=False)
            return bytes(body)
    except httpx.TransportError as exc:  # connection refused, DNS, timeouts, broken streams
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}", retryable=True) from exc


def fetch_json(client: httpx.Client, url: str) -> Any:
    body = download(client, url)
    try:
        return httpx.Response(200, content=body).json()
    except ValueError as exc:
        raise FetchError(f"{url}: not JSON ({exc})", retryable=False) from exc


def _check_status(response: httpx.Response, url: str) -> None:
    if response.status_code < 400:
        return
    retryable = response.status_code in RETRYABLE_STATUS
    raise FetchError(f"{url}: HTTP {response.status_code}", retryable=retryable)
