"""The ASGI application: /graphql, /submissions, /healthz, /readyz and the web app at /, with the
embedded worker when in-memory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from api.middleware import AuthenticationMiddleware
from api.outage import OutageMiddleware
from api.submissions import download_template, upload_submission
from api.web_app import graphiql_page, web_app_routes
from core.settings import Settings, get_settings
from db.engine import get_engine
from db.migrate import at_head
from schema.http import GraphQLView
from schema.root import schema
from workers import boot
from workers.broker import broker_reachable, set_consumer_in_process
from workers.runtime import background_scheduler, resend_outbox, start_in_process_worker

log = logging.getLogger(__name__)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    engine: sa.Engine = request.app.state.engine
    checks: dict[str, bool] = {}
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = True
        checks["migrations_at_head"] = at_head(engine)
    except Exception:
        log.exception("readiness: database check failed")
        checks["database"] = False
        checks["migrations_at_head"] = False
    checks["broker"] = broker_reachable()
    ready = all(checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


def create_app(
    settings: Settings | None = None,
    *,
    run_jobs: bool | None = None,
    engine: sa.Engine | None = None,
) -> Starlette:
    """The app; ``run_jobs`` starts the in-process worker and scheduler (default: embedded mode).

    dramatiq supports one worker per process, so a process that already runs one (the test suite)
    passes ``run_jobs=False``. ``engine`` (default: the configured database) serves the API.
    """
    settings = settings or get_settings()
    run_jobs = settings.embedded_broker if run_jobs is None else run_jobs
    boot.start(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not run_jobs:
            yield
            return

        worker = start_in_process_worker(settings.worker_threads)
        scheduler = background_scheduler(settings)
        scheduler.start()
        resend_outbox(settings)
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            set_consumer_in_process(False)
            worker.stop()

    graphql = GraphQLView(schema, ide_page=graphiql_page(settings))
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/submissions", upload_submission, methods=["POST"]),
            Route("/submissions/template", download_template, methods=["GET"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *web_app_routes(settings),  # last: the app's pages take every other path
        ],
        middleware=[
            Middleware(OutageMiddleware, retry_after=settings.retry_after_seconds),
            Middleware(AuthenticationMiddleware),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine or get_engine()
    return app
