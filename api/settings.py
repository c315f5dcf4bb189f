"""Configuration from the environment (prefix ``WOONZORG_``); the defaults give the embedded mode."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WOONZORG_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///woonzorg.db",
        description="SQLAlchemy URL: sqlite:///file.db or postgresql+psycopg://user@host/db",
    )
    broker_url: str = Field(
        default="memory://",
        description="memory:// (in-process StubBroker and worker) or redis://host:6379/0",
    )
    data_dir: str = Field(
        default="var",
        description="Where received files are kept (shared by API and workers in production)",
    )
    host: str = Field(default="127.0.0.1", description="Address `woonzorg serve` binds to")
    port: int = Field(default=8000, description="Port `woonzorg serve` listens on")
    broker_namespace: str = Field(
        default="woonzorg",
        description="Key prefix of the Redis broker (several installs, one Redis)",
    )
    worker_threads: int = Field(default=4, description="Threads of the in-process worker")
    outbox_resend_after_seconds: int = Field(
        default=300, description="A sent job not finished after this long is sent again"
    )
    graphql_introspection: bool = Field(default=True, description="Allow schema introspection")
    log_level: str = Field(default="INFO", description="Python logging level")

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith("memory://")


@lru_cache
def get_settings() -> Settings:
    return Settings()
