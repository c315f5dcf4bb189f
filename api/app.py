"""The ASGI application: /graphql, /submissions, /exports, /open-data, /healthz, /readyz and the
web app at /, with the embedded worker when in-memory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from api.auth import auth_routes
from api.body_limit import BodyLimitMiddleware
from api.exports.routes import export_list
from api.middleware import AuthenticationMiddleware, ListedOriginsCORSMiddleware
from api.open_data import open_data_file
from api.outage import OutageMiddleware
from api.submissions import download_template, upload_submission
from api.url_secrets import SecretsInUrlMiddleware, install_log_redaction
from api.web_app import graphiql_page, web_app_routes
from core.enums import Role
from core.settings import Settings, get_settings
from db.engine import RETRY_AFTER_SECONDS, get_engine, is_database_busy
from db.migrate import at_head
from schema.http import GraphQLView
from schema.persisted import PersistedQueries
from schema.response_cache import build_store
from schema.root import schema
from workers import boot
from workers.broker import broker_reachable, set_consumer_in_process
from workers.runtime import background_scheduler, resend_outbox, start_in_process_worker
from workers.status import live_workers, system_status

log = logging.getLogger(__name__)


async def database_busy(_: Request, error: Exception) -> Response:
    """A write that waited in vain for the database's lock: 503 and when to try again, not 500."""
    if not is_database_busy(error):
        raise error
    return JSONResponse(
        {
            "error": {
                "code": "database_busy",
                "message": f"the database is busy; try again in {RETRY_AFTER_SECONDS} s",
            }
        },
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


READINESS_CHECKS = {
    "database": "PostgreSQL (or the SQLite file) answers SELECT 1",
    "migrations_at_head": "the database schema is at the newest migration",
    "broker": "Redis answers PING (in memory: the broker is built)",
    "workers_alive": "at least one worker process beat within WOONZORG_WORKER_DEAD_AFTER_SECONDS",
}


async def readyz(request: Request) -> JSONResponse:
    """Ready to serve and to get jobs done: every check in ``READINESS_CHECKS`` passes."""
    return await run_in_threadpool(_readiness, request.app.state.engine, get_settings())


def _readiness(engine: sa.Engine, settings: Settings) -> JSONResponse:
    checks: dict[str, bool] = {}
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = True
        checks["migrations_at_head"] = at_head(engine)
    except Exception:
        log.warning("readiness: the database does not answer")
        checks["database"] = False
        checks["migrations_at_head"] = False
    checks["broker"] = broker_reachable()
    alive = 0
    if checks["database"]:
        try:
            with Session(engine) as session:
                alive = len(
                    live_workers(session, timedelta(seconds=settings.worker_dead_after_seconds))
                )
        except Exception:
            log.warning("readiness: worker liveness unknown")
    checks["workers_alive"] = alive > 0
    ready = all(checks.values())
    return JSONResponse(
        {"ready": ready, "checks": checks, "workers": alive, "explain": READINESS_CHECKS},
        status_code=200 if ready else 503,
        headers={} if ready else {"Retry-After": str(settings.retry_after_seconds)},
    )


async def status(request: Request) -> JSONResponse:
    """Worker liveness, queue depths and the outbox backlog (JSON, README "Operations"), for an
    administrator: by bearer token, or signed in with the session cookie (the web app's admin
    page; a GET needs no CSRF header)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return _status_refused(
            401,
            "unauthenticated",
            "/status needs an administrator: send a bearer token or sign in.",
            "/status is alleen voor beheerders: stuur een bearer-token of log in.",
        )
    if principal.role is not Role.ADMIN:
        return _status_refused(
            403,
            "forbidden",
            "/status is for administrators only.",
            "/status is alleen voor beheerders.",
        )
    settings = get_settings()
    body = await run_in_threadpool(
        system_status,
        request.app.state.engine,
        timedelta(seconds=settings.worker_dead_after_seconds),
    )
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _status_refused(status_code: int, code: str, message: str, message_nl: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "messageNl": message_nl}},
        status_code=status_code,
        headers={"WWW-Authenticate": 'Bearer realm="woonzorgmonitor"'}
        if status_code == 401
        else None,
    )


CORS_METHODS = ["GET", "POST", "OPTIONS"]
CORS_HEADERS = ["Authorization", "Content-Type", "Accept", "Apollo-Require-Preflight"]


def cors_middleware(settings: Settings) -> list[Middleware]:
    """CORS for the origins of WOONZORG_CORS_ORIGINS only (outermost, so a preflight never needs a
    token and an error answer still carries the headers); none listed: no middleware at all."""
    origins = settings.cors_origin_list
    if not origins:
        return []
    return [
        Middleware(
            ListedOriginsCORSMiddleware,
            allow_origins=origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_HEADERS,
            allow_credentials=True,  # sent back only to a listed origin, never to "*"
            max_age=settings.cors_max_age_seconds,
        )
    ]


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
    install_log_redaction()

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not run_jobs:
            yield
            return

        worker = start_in_process_worker(settings.worker_threads)
        scheduler = background_scheduler(settings)
        scheduler.start()
        resend_outbox(settings, fresh_broker=True)  # in memory: nothing sent before survived
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            set_consumer_in_process(False)
            worker.stop()

    graphql = GraphQLView(
        schema,
        ide_page=graphiql_page(settings),
        persisted=PersistedQueries.from_settings(settings),
        response_cache=build_store(settings),
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/submissions", upload_submission, methods=["POST"]),
            Route("/submissions/template", download_template, methods=["GET"]),
            *auth_routes(),
            Route("/exports/{name}.{format}", export_list, methods=["GET"]),
            Route("/open-data/{name}", open_data_file, methods=["GET"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/status", status),
            *web_app_routes(settings),  # last: the app's pages take every other path
        ],
        # An outage anywhere answers 503 (outermost); CORS (a preflight needs no token); then
        # authentication (headers only), then the body's size cap, before any parsing
        middleware=[
            Middleware(OutageMiddleware, retry_after=settings.retry_after_seconds),
            *cors_middleware(settings),
            Middleware(SecretsInUrlMiddleware),
            Middleware(AuthenticationMiddleware),
            Middleware(BodyLimitMiddleware),
        ],
        exception_handlers={sa.exc.OperationalError: database_busy},
        lifespan=lifespan,
    )
    app.state.engine = engine or get_engine()
    return app
