"""From engine results to snapshot rows, and the fingerprint of what a result was computed from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from ingest.periods import Period
from progress_engine.model import (
    EngineConfig,
    ObservationPoint,
    PipelineItem,
    ProgressResult,
    TargetSpec,
)

ToUnit = Callable[[Decimal | None], Decimal | None]
Encoder = Callable[[Any], Any]
# Chosen once per type: a fingerprint covers thousands of values, and testing each one against
# every kind in turn (``is_dataclass`` first) was the largest cost of a full recompute.
_ENCODERS: dict[type, Encoder] = {}


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data: the fingerprint's material."""
    kind = type(value)
    encode = _ENCODERS.get(kind)
    if encode is None:
        encode = _ENCODERS[kind] = _encoder_for(kind)
    return encode(value)


def _encoder_for(kind: type) -> Encoder:
    if kind is Period:  # immutable, and the same few hundred recur in every fingerprint
        remembered = lru_cache(maxsize=4096)(_fields_encoder(kind))
        return lambda value: dict(remembered(value))  # a copy: snapshot details keep theirs
    if is_dataclass(kind):
        return _fields_encoder(kind)
    if issubclass(kind, dict):
        return lambda value: {str(_plain(k)): _plain(v) for k, v in value.items()}
    if issubclass(kind, set | frozenset):
        return lambda value: sorted((_plain(v) for v in value), key=json.dumps)
    if issubclass(kind, list | tuple):
        return lambda value: [_plain(v) for v in value]
    if issubclass(kind, Enum):
        return lambda value: value.value
    if issubclass(kind, Decimal):
        return lambda value: format(value.normalize(), "f")
    if issubclass(kind, date):  # datetimes too
        return lambda value: value.isoformat()
    if kind is type(None) or issubclass(kind, str | int | float | bool):
        return lambda value: value
    return str


def _fields_encoder(kind: type) -> Encoder:
    # field by field: asdict would deep-copy first (the same result, several times slower)
    names = tuple(f.name for f in fields(kind))
    return lambda value: {name: _plain(getattr(value, name)) for name in names}


def inputs_hash(
    spec: TargetSpec | None,
    observations: Iterable[ObservationPoint] | dict[str, list[ObservationPoint]],
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    today: date,
    extra: Any = None,
) -> str:
    """SHA-256 over everything a result depends on (today included: expected-by-now moves)."""
    material = [
        _plain(spec),
        _plain(observations),
        _plain(pipeline),
        _plain(config),
        today.isoformat(),
        _plain(extra),
    ]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def snapshot_values(result: ProgressResult, to_unit: ToUnit) -> dict[str, Any]:
    """The columns of a progress snapshot for ``result``: figures in the indicator's own unit
    (``to_unit`` turns the engine's fractions back into percentages), percent of target as a
    percentage."""
    return {
        "realised": to_unit(result.realised),
        "percent_of_target": result.percent,
        "expected_by_now": to_unit(result.expected_by_now),
        "gap": to_unit(result.gap_to_target),
        "status": result.status,
        "forecast_trend": to_unit(result.forecast_trend),
        "forecast_pipeline": to_unit(result.forecast_pipeline),
        "flags": list(result.flags),
        "details": {
            "target_value": _plain(to_unit(result.target_value)),
            "gap_to_expected": _plain(to_unit(result.gap_to_expected)),
            "window": [result.window_start.isoformat(), result.window_end.isoformat()],
            "elapsed_fraction": _plain(result.elapsed_fraction),
            "covered_through": _plain(result.covered_through),
            "numerator": _plain(result.numerator),
            "denominator": _plain(result.denominator),
            "carried_in": _plain(result.carried_in),
            "method": result.method,
            "counted": [_plain(figure) for figure in result.counted],
        },
    }


def data_as_of(observations: Iterable[ObservationPoint]) -> datetime | None:
    moments = [o.recorded_at for o in observations if o.recorded_at is not None]
    return max(moments) if moments else None
