"""Custom scalars: ``Period`` (reporting periods as the documents and partners write them).

Fields and arguments are annotated with :class:`ingest.periods.Period`; ``SCALAR_MAP`` tells the
schema how to read and write it.
"""

from __future__ import annotations

from typing import Any

import strawberry

from ingest.periods import ACCEPTED_FORMS
from ingest.periods import Period as Period


def _parse_period(value: object) -> Period:
    if not isinstance(value, str):
        raise ValueError(f"a Period is a string ({ACCEPTED_FORMS}), not {type(value).__name__}")
    return Period.parse(value)  # a PeriodError says which forms are accepted


SCALAR_MAP: dict[object, Any] = {
    Period: strawberry.scalar(
        name="Period",
        description=(
            "A reporting period: a year (2025), half-year (2025-H1), quarter (2025-Q3), month "
            "(2025-07), a day for a moment (2025-07-15) or a run of whole years (2022/2023)."
        ),
        serialize=str,
        parse_value=_parse_period,
    )
}
