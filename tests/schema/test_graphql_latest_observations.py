"""``Jurisdiction.latestObservations``: per series (indicator × breakdowns × source) the value
for the latest period, now or as known at a moment; bounded, unlike ``observations``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import Factory
from tests.schema.conftest import graphql_caller

T0 = datetime(2025, 1, 10, tzinfo=UTC)
T1 = datetime(2025, 6, 10, tzinfo=UTC)

LATEST = """query($indicators: [String!], $asOf: DateTime) { jurisdiction(code: "GM9902") {
    latestObservations(indicators: $indicators, asOf: $asOf) { nodes {
        period value indicator { code } targetGroup { code } sourceOrganisation { code } } } } }"""


def _series(make: Factory, session: Session) -> None:
    """GM9902 with: dwellings for 2024 and 2025-Q1/Q2 (Q2 corrected at T1), the same for older
    people (2024 only), a CBS figure for 2023, and homeless persons counted on two days."""
    town = make.jurisdiction(code="GM9902")
    dwellings = make.indicator(code="dwellings-added")
    homeless = make.indicator(code="homeless-persons")
    older = make.target_group(code="ouderen")
    town_office = make.organisation(code="gem-9902")
    cbs = make.organisation(code="cbs")

    def figure(indicator_id: int, period: str, value: int, **kw: object) -> None:
        kw.setdefault("source_organisation_id", town_office.id)
        kw.setdefault("recorded_at", T0)
        make.observation(
            indicator_id=indicator_id,
            jurisdiction_id=town.id,
            period=period,
            value=Decimal(value),
            **kw,
        )

    figure(dwellings.id, "2024", 50)
    figure(dwellings.id, "2025-Q1", 12)
    figure(dwellings.id, "2025-Q2", 7, superseded_at=T1)
    figure(dwellings.id, "2025-Q2", 9, version=2, recorded_at=T1, change_reason="late count")
    figure(dwellings.id, "2024", 20, target_group_id=older.id)
    figure(dwellings.id, "2023", 48, source_organisation_id=cbs.id)
    figure(homeless.id, "2025-01-31", 300)
    figure(homeless.id, "2025-06-30", 280)
    session.commit()


def _rows(result: dict) -> list[tuple[str, str, str | None, str, str]]:
    latest = result["data"]["jurisdiction"]["latestObservations"]["nodes"]
    return sorted(
        (
            n["indicator"]["code"],
            n["period"],
            n["targetGroup"] and n["targetGroup"]["code"],
            n["sourceOrganisation"]["code"],
            n["value"],
        )
        for n in latest
    )


def test_each_series_gives_its_latest_period_in_force(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    # given several periods per series, a breakdown, a second source and a correction
    _series(make, session)
    gql = graphql_caller(app_client)
    # when the latest figures are asked
    rows = _rows(gql(LATEST))
    # then each series gives one value: the latest period's version in force
    assert rows == [
        ("dwellings-added", "2023", None, "cbs", 48),
        ("dwellings-added", "2024", "ouderen", "gem-9902", 20),
        ("dwellings-added", "2025-Q2", None, "gem-9902", 9),
        ("homeless-persons", "2025-06-30", None, "gem-9902", 280),
    ]


def test_latest_figures_can_be_limited_to_indicators_and_asked_as_of_a_moment(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    # given the same series
    _series(make, session)
    gql = graphql_caller(app_client)
    # when only the dwellings are asked, before the correction was recorded
    rows = _rows(gql(LATEST, {"indicators": ["dwellings-added"], "asOf": "2025-03-01T00:00:00Z"}))
    # then the homeless counts are left out and Q2 has its first version
    assert rows == [
        ("dwellings-added", "2023", None, "cbs", 48),
        ("dwellings-added", "2024", "ouderen", "gem-9902", 20),
        ("dwellings-added", "2025-Q2", None, "gem-9902", 7),
    ]
    # and an unknown indicator gives nothing, not an error
    assert _rows(gql(LATEST, {"indicators": ["no-such-indicator"]})) == []
