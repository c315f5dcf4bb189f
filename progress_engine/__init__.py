"""The progress engine: pure functions from targets and observations to progress results.

No database, broker or I/O here; the actors that persist progress snapshots call these functions.
"""

from progress_engine.distribution import (
    DerivedValue,
    Distribution,
    fixed,
    population_share,
    round_value,
    share_of_indicator,
    share_of_yearly_average,
    yearly_average,
)
from progress_engine.engine import compute_progress
from progress_engine.model import (
    CountedFigure,
    Direction,
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    Phase,
    PipelineItem,
    ProgressResult,
    Status,
    TargetKind,
    TargetSpec,
)
from progress_engine.rollup import (
    Membership,
    RegionProgress,
    compute_members_progress,
    compute_region_progress,
    sum_targets,
)
from progress_engine.versions import current_versions, known_at

__all__ = [
    "CountedFigure",
    "DerivedValue",
    "Direction",
    "Distribution",
    "EngineConfig",
    "IndicatorKind",
    "Membership",
    "ObservationPoint",
    "Phase",
    "PipelineItem",
    "ProgressResult",
    "RegionProgress",
    "Status",
    "TargetKind",
    "TargetSpec",
    "compute_members_progress",
    "compute_progress",
    "compute_region_progress",
    "current_versions",
    "fixed",
    "known_at",
    "population_share",
    "round_value",
    "share_of_indicator",
    "share_of_yearly_average",
    "sum_targets",
    "yearly_average",
]
