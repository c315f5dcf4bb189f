"""A closed-loop load: N clients, each sending the next request when the last one answered,
until a request budget or a time limit is used up."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

REQUEST_TIMEOUT = 120.0  # seconds; a slower answer counts as an error


@dataclass
class LoadResult:
    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    first_error: str | None = None
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def _client(
    http: httpx.AsyncClient,
    url: str,
    body: dict[str, Any],
    result: LoadResult,
    budget: list[int],
    deadline: float,
) -> None:
    while budget[0] > 0 and time.perf_counter() < deadline:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            response = await http.post(url, json=body)
        except httpx.HTTPError as error:  # a timeout under overload counts as a failed request
            result.errors += 1
            result.first_error = result.first_error or f"{type(error).__name__}: {error}"
            continue
        elapsed = time.perf_counter() - started
        if response.status_code == 200 and b'"errors"' not in response.content[:200]:
            result.latencies.append(elapsed)
        else:
            result.errors += 1
            result.first_error = result.first_error or response.text[:500]


async def _run(
    url: str, body: dict[str, Any], token: str, clients: int, requests: int, seconds: float
) -> LoadResult:
    result = LoadResult(clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=REQUEST_TIMEOUT) as http:
        await http.post(url, json=body)  # warm-up: connections, caches, first compile
        budget = [requests]
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(_client(http, url, body, result, budget, deadline) for _ in range(clients))
        )
        result.seconds = time.perf_counter() - started
    return result


def run_load(
    url: str, body: dict[str, Any], token: str, clients: int, requests: int, seconds: float
) -> LoadResult:
    return asyncio.run(_run(url, body, token, clients, requests, seconds))
