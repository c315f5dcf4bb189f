"""The engine's configuration, from settings (thresholds and phase probabilities)."""

from __future__ import annotations

from decimal import Decimal

from core.enums import ProjectPhase
from core.settings import Settings, get_settings
from progress_engine.model import EngineConfig


def engine_config(settings: Settings | None = None) -> EngineConfig:
    settings = settings or get_settings()
    probabilities = {phase: Decimal(0) for phase in ProjectPhase}
    probabilities[ProjectPhase.COMPLETED] = Decimal(1)
    for phase, chance in settings.phase_probabilities.items():
        probabilities[ProjectPhase(phase)] = Decimal(str(chance))
    return EngineConfig(
        on_track_threshold=Decimal(str(settings.progress_on_track)),
        at_risk_threshold=Decimal(str(settings.progress_at_risk)),
        phase_probability=probabilities,
        trend_window_months=settings.trend_window_months,
    )
