"""What a project says about itself, as given (codes): the input of create and update, checked
field by field by the services (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_NAME = 300
MAX_LOCATION = 300
MAX_KEY = 96


@dataclass(frozen=True)
class UnitsLine:
    """Units of one housing type × target group (either may be None: not broken down)."""

    units: int
    housing_type: str | None = None
    target_group: str | None = None


@dataclass(frozen=True)
class ProjectDetails:
    name: str
    municipality: str  # CBS code, e.g. GM0546
    units: tuple[UnitsLine, ...] = ()
    district: str | None = None  # code of a district of the municipality
    location: str | None = None
    expected_completion: date | None = None
    notes: str | None = None
