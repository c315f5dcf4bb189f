"""The engine's defaults are the settings' defaults, and the configured engine follows the
settings: stored snapshots and time travel judge alike."""

from __future__ import annotations

from decimal import Decimal

from core.enums import ProjectPhase
from core.settings import Settings
from progress_engine.model import EngineConfig
from services.progress.config import engine_config


def test_the_engine_defaults_are_the_settings_defaults() -> None:
    assert EngineConfig() == engine_config(Settings.model_construct())


def test_the_configured_engine_follows_the_settings() -> None:
    settings = Settings.model_construct(
        progress_on_track=0.99, progress_at_risk=0.5, phase_probabilities={"plan": 0.25}
    )
    config = engine_config(settings)
    assert (config.on_track_threshold, config.at_risk_threshold) == (
        Decimal("0.99"),
        Decimal("0.5"),
    )
    assert config.phase_probability[ProjectPhase.PLAN] == Decimal("0.25")
    assert config.phase_probability[ProjectPhase.PERMIT] == 0  # left out: no chance counted
    assert config.phase_probability[ProjectPhase.COMPLETED] == 1
