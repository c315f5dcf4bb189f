"""A slow query in one request does not hold up another request: the server's event loop never
runs SQL itself (each operation runs on a loop of its own in a worker thread)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from api.app import create_app
from db.queries import lookups

SLOW_SECONDS = 1.5


@pytest.fixture()
def slow_lookup_of_one_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking up the code ``GM0518`` takes SLOW_SECONDS, as a query on a loaded database may."""
    by_codes = lookups.by_codes

    def slow(session: Any, model: Any, codes: Any) -> Any:
        codes = list(codes)
        if "GM0518" in codes:
            time.sleep(SLOW_SECONDS)
        return by_codes(session, model, codes)

    monkeypatch.setattr(lookups, "by_codes", slow)


async def test_a_slow_query_does_not_delay_another_request(
    reference_engine: sa.Engine, reference_client: TestClient, slow_lookup_of_one_code: None
) -> None:
    # given the API, and a request whose query is slow
    app = create_app(run_jobs=False, engine=reference_engine)
    headers = {"Authorization": reference_client.headers["Authorization"]}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        async def ask(code: str) -> float:
            query = "query($c: String!) { jurisdiction(code: $c) { name } }"
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"c": code}}, headers=headers
            )
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            return time.monotonic()

        # when the slow request and a quick one are in flight together
        started = time.monotonic()
        slow = asyncio.create_task(ask("GM0518"))
        await asyncio.sleep(0.05)  # the slow one is running its query now
        quick_done = await ask("GM0546")
        slow_done = await slow
    # then the quick one is answered while the slow one still waits for its query
    assert slow_done - started >= SLOW_SECONDS
    assert quick_done < slow_done
