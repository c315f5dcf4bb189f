"""Configuration from the environment (prefix ``WOONZORG_``); the defaults give the embedded mode."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

INSTALL_DIR = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WOONZORG_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///woonzorg.db",
        description="SQLAlchemy URL: sqlite:///file.db or postgresql+psycopg://user@host/db",
    )
    db_pool_size: int = Field(
        default=20, description="Database connections each process keeps open (PostgreSQL)"
    )
    db_max_overflow: int = Field(
        default=40, description="Extra connections a process may open under load (PostgreSQL)"
    )
    db_pool_timeout_seconds: int = Field(
        default=30, description="How long a request waits for a free connection before failing"
    )
    broker_url: str = Field(
        default="memory://",
        description="memory:// (in-process StubBroker and worker) or redis://host:6379/0",
    )
    data_dir: str = Field(
        default=str(INSTALL_DIR / "var"),
        description="Where received files are kept: one absolute folder per installation (`var/` "
        "of the installation), shared by API and workers in production; a relative path is taken "
        "from the installation folder, never from the working directory",
    )
    web_dist_dir: str = Field(
        default=str(Path(__file__).resolve().parents[1] / "web" / "dist"),
        description="The built web app served at / (made by `make run` when Node.js is there)",
    )
    host: str = Field(default="127.0.0.1", description="Address `woonzorg serve` binds to")
    port: int = Field(default=8000, description="Port `woonzorg serve` listens on")
    broker_namespace: str = Field(
        default="woonzorg",
        description="Key prefix of the Redis broker (several installs, one Redis)",
    )
    worker_threads: int = Field(default=4, description="Threads of the in-process worker")
    outbox_resend_after_seconds: int = Field(
        default=300,
        description="A sent job that no worker has started after this long is sent again when the "
        "broker cannot tell whether it still holds the message (a lost message is re-sent sooner)",
    )
    outbox_check_seconds: int = Field(
        default=5, description="How often the scheduler looks for jobs to (re-)send"
    )
    outbox_lost_after_seconds: int = Field(
        default=15,
        description="A sent job that is neither in the broker nor started by a live worker after "
        "this long is re-sent (its message was lost, e.g. with a Redis restart)",
    )
    worker_heartbeat_seconds: float = Field(
        default=5.0, description="How often each worker process records that it is alive"
    )
    worker_dead_after_seconds: int = Field(
        default=20,
        description="A worker process silent this long is dead: the scheduler re-sends its jobs, "
        "and Redis hands its unacknowledged messages to other workers",
    )
    service_wait_seconds: float = Field(
        default=300.0,
        description="How long a process waits at start for PostgreSQL (and Redis) to come up, "
        "retrying with backoff, before it gives up",
    )
    retry_after_seconds: int = Field(
        default=5, description="Retry-After of the 503 answered while a service is unavailable"
    )
    graphql_introspection: bool = Field(default=True, description="Allow schema introspection")
    graphql_anonymous_schema_hidden: bool = Field(
        default=True,
        description="Refuse introspection, and leave out 'Did you mean' suggestions (they name "
        "fields), for callers without a token",
    )
    graphql_max_depth: int = Field(
        default=12, description="Deepest nesting a GraphQL query may have"
    )
    graphql_max_aliases: int = Field(
        default=30, description="Most aliases in one GraphQL operation"
    )
    graphql_max_tokens: int = Field(default=3000, description="Most tokens in one GraphQL document")
    graphql_max_cost: int = Field(
        default=20000,
        description="Highest query cost: page sizes × nested cost summed over the lists queried",
    )
    cors_origins: str = Field(
        default="",
        description="Origins (scheme://host[:port], comma-separated) whose browser apps may call "
        "the API with credentials; empty: same origin only, no CORS headers are sent",
    )
    cors_max_age_seconds: int = Field(
        default=600, description="How long a browser may cache a CORS preflight answer"
    )
    persisted_only: bool = Field(
        default=False,
        description="Allow-list mode: run only registered operations (WOONZORG_PERSISTED_QUERIES)",
    )
    persisted_queries: str = Field(
        default="docs/queries,web/src/gql/graphql.ts",
        description="Registered operations, comma-separated: directories of *.graphql files, "
        "JSON manifests ({sha256 hash: query}) and the web app's generated documents (a .ts "
        "module of GraphQL Code Generator's client preset); relative paths from the project "
        "root, missing ones skipped",
    )
    persisted_get_max_age_seconds: int = Field(
        default=60,
        description="How long a browser or CDN may cache a query sent by its hash over GET",
    )
    response_cache: bool = Field(
        default=True,
        description="Serve a query's answer again while the data version is unchanged (Redis "
        "when the broker is Redis, else in process)",
    )
    response_cache_max_entries: int = Field(
        default=2000, description="Answers the in-process response cache keeps (LRU)"
    )
    response_cache_max_mb: int = Field(
        default=128, description="Megabytes of answers the in-process response cache keeps (LRU)"
    )
    response_cache_ttl_seconds: int = Field(
        default=3600, description="How long an answer stays in Redis (older versions expire)"
    )
    max_request_bytes: int = Field(
        default=4 * 1024 * 1024,
        description="Largest request body with a token (a GraphQL document and its variables); "
        "larger ones are refused with 413 before they are parsed",
    )
    max_anonymous_request_bytes: int = Field(
        default=64 * 1024, description="Largest request body without a token (413 beyond)"
    )
    max_upload_bytes: int = Field(
        default=51 * 1024 * 1024,
        description="Largest POST /submissions body (the file, 50 MB at most, and its form fields)",
    )
    max_query_string_bytes: int = Field(
        default=16 * 1024, description="Longest query string (GraphQL over GET); 414 beyond"
    )
    log_level: str = Field(default="INFO", description="Python logging level")
    secret_key: str | None = Field(
        default=None,
        description="Key for hashing API tokens and signing; unset in embedded mode, a random key "
        "is kept in WOONZORG_DATA_DIR/secret_key (production must set it)",
    )
    public_read: bool = Field(
        default=False, description="Let requests without a token read published progress"
    )
    rate_limit_per_minute: int = Field(
        default=120, description="Mutations and uploads per token per minute"
    )
    progress_on_track: float = Field(
        default=0.95, description="Share of the expected-by-now value that counts as on track"
    )
    progress_at_risk: float = Field(
        default=0.80, description="Share of the expected-by-now value below which it is off track"
    )
    phase_probabilities: dict[str, float] = Field(
        default={"initiative": 0.1, "plan": 0.3, "permit": 0.6, "construction": 0.9},
        description="Chance that a project in each phase delivers, for the pipeline forecast (JSON)",
    )
    nightly_recompute_cron: str = Field(
        default="15 2 * * *", description="When the scheduler recomputes all progress (cron, UTC)"
    )
    trend_window_months: int = Field(
        default=12, description="Recent months the trend forecast extrapolates from"
    )
    # Periodic figures: source pulls, reminders (e-mail), webhooks
    source_timeout_seconds: float = Field(
        default=60.0, description="Timeout of one HTTP request of a source pull"
    )
    reminders_cron: str = Field(
        default="0 7 * * *", description="When the scheduler sends reminders (cron, UTC)"
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for reminder e-mail; unset: no e-mail is sent"
    )
    smtp_port: int = Field(default=587, description="SMTP port")
    smtp_from: str = Field(
        default="woonzorgmonitor@localhost", description="Sender address of reminder e-mail"
    )
    smtp_username: str | None = Field(default=None, description="SMTP login (optional)")
    smtp_password: str | None = Field(default=None, description="SMTP password (optional)")
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS"
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, description="Timeout of one webhook delivery attempt"
    )
    # People: sign-in sessions, one-time links, throttling
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where users reach this installation; one-time links (invitations, password "
        "resets, the first administrator's) start with it",
    )
    session_cookie_secure: bool | None = Field(
        default=None,
        description="Send the session cookie only over HTTPS; unset: yes, unless WOONZORG_PUBLIC_URL "
        "is http://localhost or http://127.0.0.1 (local development)",
    )
    session_hours: int = Field(default=12, description="A sign-in session ends after this long")
    session_idle_minutes: int = Field(
        default=120, description="A sign-in session ends after this long without a request"
    )
    invitation_days: int = Field(default=7, description="How long an invitation link is valid")
    password_reset_minutes: int = Field(
        default=60, description="How long a password-reset link is valid"
    )
    first_admin_hours: int = Field(
        default=24, description="How long the first administrator's sign-in link is valid"
    )
    sign_in_failures_per_account: int = Field(
        default=5, description="Failed sign-ins to one account before it is throttled for a window"
    )
    sign_in_failures_per_address: int = Field(
        default=20, description="Failed sign-ins from one address before it is throttled"
    )
    sign_in_window_minutes: int = Field(
        default=15, description="The throttling window of failed sign-ins"
    )

    @property
    def cors_origin_list(self) -> list[str]:
        origins = (origin.strip().rstrip("/") for origin in self.cors_origins.split(","))
        return [origin for origin in origins if origin]

    webhook_allow_http: bool = Field(
        default=False,
        description="Allow plain http:// webhook targets (development only; production: https)",
    )
    webhook_allow_private_addresses: bool = Field(
        default=False,
        description="Deliver webhooks to loopback and private addresses (development and tests "
        "only: it lets a partner reach the installation's own network)",
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: str) -> str:
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else INSTALL_DIR / path)

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith("memory://")

    @property
    def cookies_secure(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        local = ("http://localhost", "http://127.0.0.1", "http://[::1]")
        return not self.public_url.lower().startswith(local)


@lru_cache
def get_settings() -> Settings:
    return Settings()
