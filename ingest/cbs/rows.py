"""CBS StatLine figures as submission rows: a pull goes through the same intake as a partner."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ingest.cbs.statline import StatLineRow
from ingest.submitted_rows import SubmittedRow


def submitted_rows(rows: Iterable[StatLineRow]) -> Iterator[SubmittedRow]:
    for row in rows:
        yield SubmittedRow(
            indicator=row.indicator,
            jurisdiction=row.jurisdiction,
            period=str(row.period),
            value=format(row.value, "f"),
            target_group=row.target_group,
            housing_type=row.housing_type,
            price_segment=row.price_segment,
            note=f"CBS {row.source_key}",
        )
