"""The engine's configuration, from settings (thresholds and phase probabilities)."""

from __future__ import annotations

from decimal import Decimal

from core.settings import Settings, get_settings
from progress_engine.model import EngineConfig, phase_probabilities


def engine_config(settings: Settings | None = None) -> EngineConfig:
    settings = settings or get_settings()
    return EngineConfig(
        on_track_threshold=Decimal(str(settings.progress_on_track)),
        at_risk_threshold=Decimal(str(settings.progress_at_risk)),
        phase_probability=phase_probabilities(settings.phase_probabilities),
        trend_window_months=settings.trend_window_months,
    )
