"""The three front-end reads, as GraphQL over HTTP and as hand-written SQL for the same data.

The operations are the documented ones in ``docs/queries/`` (region overview, municipality page,
progress list), with variables pointing at the generated national-scale data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

DOCS = Path(__file__).resolve().parents[1] / "docs" / "queries"


@dataclass(frozen=True)
class Read:
    name: str
    operation: str  # file in docs/queries
    variables: dict[str, Any]
    sql: tuple[str, ...]  # the hand-written statements returning the same data
    params: dict[str, Any]
    # ids the statements use, each looked up by its own statement first (timed with them)
    lookups: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        return {"query": (DOCS / self.operation).read_text(), "variables": self.variables}


REGION_MEMBERS = """
SELECT j.id, j.code, j.name FROM region_membership m
JOIN jurisdiction r ON r.id = m.region_id JOIN jurisdiction j ON j.id = m.member_id
WHERE r.code = :region AND (m.valid_to IS NULL OR m.valid_to >= CURRENT_DATE)
ORDER BY j.code
"""
MEMBER_TARGETS = """
SELECT t.jurisdiction_id, t.code, t.kind, t.value, t.value_low, t.value_high, t.deadline,
       i.code, i.name_en, i.unit, g.code, g.name_en,
       s.status, s.realised, s.percent_of_target, s.expected_by_now, s.gap, s.period, s.flags
FROM target t JOIN indicator i ON i.id = t.indicator_id
LEFT JOIN target_group g ON g.id = t.target_group_id
LEFT JOIN progress_snapshot s ON s.target_id = t.id
WHERE t.jurisdiction_id IN (
    SELECT m.member_id FROM region_membership m JOIN jurisdiction r ON r.id = m.region_id
    WHERE r.code = :region)
ORDER BY t.jurisdiction_id, t.code
"""
MEMBER_IDS = """
SELECT m.member_id FROM region_membership m JOIN jurisdiction r ON r.id = m.region_id
WHERE r.code = :region AND (m.valid_to IS NULL OR m.valid_to >= CURRENT_DATE)
"""
INDICATOR_IDS = "SELECT id FROM indicator WHERE code IN :indicators"
MEMBER_LATEST_OBSERVATIONS = """
SELECT o.jurisdiction_id, o.period, o.value, i.code, g.code, h.code
FROM (SELECT o.*, row_number() OVER (
          PARTITION BY o.jurisdiction_id, o.indicator_id, o.target_group_id, o.housing_type_id,
                       o.price_segment, o.per_year, o.source_organisation_id
          ORDER BY o.period_end DESC, o.period_start DESC) AS rank
      FROM observation o
      WHERE o.superseded_at IS NULL AND o.jurisdiction_id IN :member_ids
        AND o.indicator_id IN :indicator_ids) o
JOIN indicator i ON i.id = o.indicator_id
LEFT JOIN target_group g ON g.id = o.target_group_id
LEFT JOIN housing_type h ON h.id = o.housing_type_id
WHERE o.rank = 1
ORDER BY o.jurisdiction_id, o.indicator_id, o.target_group_id, o.housing_type_id
"""
MUNICIPALITY = """
SELECT j.id, j.code, j.name, j.kind,
       (SELECT count(*) FROM jurisdiction d WHERE d.parent_id = j.id AND d.kind = 'district')
FROM jurisdiction j WHERE j.code = :code
"""
MUNICIPALITY_REGIONS = """
SELECT r.code, r.name, r.region_type FROM region_membership m
JOIN jurisdiction r ON r.id = m.region_id JOIN jurisdiction j ON j.id = m.member_id
WHERE j.code = :code ORDER BY r.code
"""
MUNICIPALITY_TARGETS = """
SELECT t.id, t.code, t.kind, t.value, t.value_low, t.value_high, t.baseline_period,
       t.baseline_value, t.deadline, t.flag, t.notes, t.source,
       i.code, i.name_en, i.unit, i.direction, h.code, h.name_en, g.code, g.name_en,
       s.status, s.percent_of_target, s.forecast_pipeline, s.computed_at
FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id
JOIN indicator i ON i.id = t.indicator_id
LEFT JOIN housing_type h ON h.id = t.housing_type_id
LEFT JOIN target_group g ON g.id = t.target_group_id
LEFT JOIN progress_snapshot s ON s.target_id = t.id
WHERE j.code = :code ORDER BY t.code
"""
MUNICIPALITY_PROJECTS = """
SELECT p.name, p.phase, p.expected_completion, sum(u.units)
FROM project p JOIN jurisdiction j ON j.id = p.municipality_id
LEFT JOIN project_units u ON u.project_id = p.id
WHERE j.code = :code GROUP BY p.id, p.name, p.phase, p.expected_completion ORDER BY p.name
"""
PROGRESS_LIST = """
SELECT s.id, s.status, s.period, s.realised, s.percent_of_target, s.expected_by_now, s.gap,
       s.forecast_trend, s.forecast_pipeline, s.flags, s.computed_at, j.code, j.name,
       t.code, t.kind, t.value, t.deadline, i.code, i.unit
FROM progress_snapshot s JOIN target t ON t.id = s.target_id
JOIN jurisdiction j ON j.id = s.jurisdiction_id JOIN indicator i ON i.id = t.indicator_id
WHERE t.deadline_year >= 2025 AND t.jurisdiction_id IN (
    SELECT r.id FROM jurisdiction r WHERE r.code = :region
    UNION SELECT m.member_id FROM region_membership m JOIN jurisdiction r ON r.id = m.region_id
    WHERE r.code = :region)
ORDER BY s.target_id, s.id LIMIT 100
"""


# The region overview's default `$indicators` (docs/queries/region-overview.graphql).
OVERVIEW_INDICATORS = ["dwellings-added", "homeless-persons", "lettings-priority-groups"]


def reads(region: str, municipality: str) -> list[Read]:
    return [
        Read(
            "region_overview",
            "region-overview.graphql",
            {"region": region},
            (REGION_MEMBERS, MEMBER_TARGETS, MEMBER_LATEST_OBSERVATIONS),
            {"region": region, "indicators": OVERVIEW_INDICATORS},
            (("member_ids", MEMBER_IDS), ("indicator_ids", INDICATOR_IDS)),
        ),
        Read(
            "municipality_page",
            "municipality-page.graphql",
            {"code": municipality},
            (MUNICIPALITY, MUNICIPALITY_REGIONS, MUNICIPALITY_TARGETS, MUNICIPALITY_PROJECTS),
            {"code": municipality},
        ),
        Read(
            "progress_list",
            "progress-list.graphql",
            {
                "filter": {"target": {"jurisdiction": region, "deadlineYearFrom": 2025}},
                "first": 100,
            },
            (PROGRESS_LIST,),
            {"region": region},
        ),
    ]


def sql_latencies(engine: sa.Engine, read: Read, repeats: int) -> tuple[list[float], int]:
    """Seconds per execution of the hand-written statements (their id lookups included), and the
    rows they return."""
    lists = {name for name, value in read.params.items() if isinstance(value, list)}
    lists |= {name for name, _ in read.lookups}
    lookups = [(name, _with_lists(statement, lists)) for name, statement in read.lookups]
    statements = [_with_lists(statement, lists) for statement in read.sql]
    latencies: list[float] = []
    rows = 0
    with engine.connect() as conn:

        def run() -> int:
            params = dict(read.params)
            for name, lookup in lookups:
                params[name] = list(conn.execute(lookup, params).scalars())
            return sum(len(conn.execute(s, params).fetchall()) for s in statements)

        run()  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            rows = run()
            latencies.append(time.perf_counter() - started)
    return latencies, rows


def _with_lists(statement: str, lists: set[str]) -> sa.TextClause:
    """The statement with its list parameters expanded (``IN :codes``)."""
    return sa.text(statement).bindparams(
        *(sa.bindparam(name, expanding=True) for name in sorted(lists) if f":{name}" in statement)
    )
