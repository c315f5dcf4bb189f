from core.settings import Settings


def test_defaults_are_the_embedded_mode(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("WOONZORG_DATABASE_URL", "WOONZORG_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///woonzorg.db"
    assert settings.broker_url == "memory://"
    assert settings.embedded_broker


def test_environment_overrides_with_prefix(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WOONZORG_BROKER_URL", "redis://127.0.0.1:6379/0")
    assert not Settings(_env_file=None).embedded_broker
