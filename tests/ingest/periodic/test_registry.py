"""The source registry: checked as a whole, upserted on natural keys, the shipped file valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from core.enums import JurisdictionKind, OrganisationKind
from db.models import OrganisationScope, ReportingObligation, Source
from services.periodic.registry import RegistryError, load_registry, parse_registry, read_registry
from tests.factories import Factory

SHIPPED = Path(__file__).parents[3] / "data" / "sources.yaml"


def world(make: Factory) -> None:
    make.jurisdiction(code="NL", kind=JurisdictionKind.COUNTRY)
    for code in ("GM0546", "GM0518", "GM0579"):
        make.jurisdiction(code=code)
    for code in ("population", "dwelling-stock", "dwellings-added", "homeless-persons"):
        make.indicator(code=code)
    for code in ("gem-leiden", "gem-den-haag"):
        make.organisation(code=code, kind=OrganisationKind.MUNICIPALITY)


def registry(**overrides: Any) -> dict[str, Any]:
    source = {
        "code": "cbs-woningvoorraad",
        "name": "CBS 81955NED",
        "kind": "cbs_statline",
        "organisation": "cbs",
        "schedule": "0 6 * * 1",
        "table": "81955NED",
        "mapping": {"measures": {"Nieuwbouw_2": "dwellings-added"}},
    }
    return {
        "publishers": [
            {
                "code": "cbs",
                "name": "CBS",
                "kind": "publication",
                "trusted_source": True,
                "reports": {
                    "jurisdiction_kinds": ["municipality"],
                    "indicators": ["dwellings-added"],
                },
            }
        ],
        "sources": [{**source, **overrides}],
        "obligations": [
            {
                "organisation": "gem-leiden",
                "indicator": "dwellings-added",
                "jurisdictions": ["GM0546"],
                "frequency": "quarterly",
                "due_days": 45,
                "first_period": "2026-Q1",
            }
        ],
    }


def test_the_shipped_registry_is_valid(session: Session, make: Factory) -> None:
    world(make)
    loaded = read_registry(session, SHIPPED)
    assert {s.code for s in loaded.sources} >= {"cbs-bevolking-per-maand", "cbs-woningvoorraad"}
    assert {s.config["table"] for s in loaded.sources} == {"37230ned", "03759ned", "81955NED"}


def test_loading_twice_changes_nothing(session: Session, make: Factory) -> None:
    world(make)
    first = load_registry(session, parse_registry(session, registry()))
    second = load_registry(session, parse_registry(session, registry()))
    assert first.counts["sources"]["created"] == first.counts["obligations"]["created"] == 1
    assert first.counts["publishers"]["created"] == 1
    assert all(counts.keys() <= {"unchanged"} for counts in second.counts.values())
    assert len(session.exec(select(OrganisationScope)).all()) == 3  # three municipalities
    # and a changed schedule updates the one source
    third = load_registry(session, parse_registry(session, registry(schedule="0 7 * * 2")))
    assert third.counts["sources"]["updated"] == 1
    [source] = session.exec(select(Source)).all()
    assert source.schedule == "0 7 * * 2"
    [obligation] = session.exec(select(ReportingObligation)).all()
    assert obligation.due_days == 45


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"schedule": "every monday"}, "not a cron expression"),
        ({"schedule": "0 25 * * *"}, "schedule '0 25 * * *'"),
        ({"kind": "ftp"}, "kind 'ftp' is not one of"),
        ({"organisation": "nobody"}, "no organisation with code 'nobody'"),
        (
            {"mapping": {"measures": {"Nieuwbouw_2": "dwellings-added"}, "region": ["GM"]}},
            "unknown mapping key(s) region",
        ),
        (
            {"mapping": {"measures": {"Nieuwbouw_2": "no-such-indicator"}}},
            "no indicator with code 'no-such-indicator'",
        ),
        ({"colour": "blue"}, "unknown setting(s) colour"),
    ],
)
def test_a_bad_entry_is_refused_with_where_and_why(
    session: Session, make: Factory, override: dict[str, Any], problem: str
) -> None:
    world(make)
    with pytest.raises(RegistryError) as refused:
        parse_registry(session, registry(**override))
    assert problem in str(refused.value)
    assert "sources[0]" in str(refused.value)
