"""Policy content entered through the API goes back into the reference YAML: created through
GraphQL, exported by ``woonzorg policy export``, loaded by the reference loader into a fresh
database, it is the same content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from core.enums import JurisdictionKind, OrganisationKind, RegionType
from db.engine import make_engine
from db.migrate import upgrade
from db.models import (
    ActionLine,
    DistributionRule,
    DistributionShare,
    Jurisdiction,
    Measure,
    MeasurePartner,
    Organisation,
    PolicyDocument,
    RegionMembership,
    Target,
)
from ingest.reference.dataset import read_dataset
from services.policy.reference_load import load_dataset
from services.policy.yaml_export import export_policy_content
from tests.factories import Factory
from tests.schema.conftest import graphql_caller

runner = CliRunner()

MUTATIONS = """
mutation Content($reason: String!) {
  createPolicyDocument(
    input: {code: "rt-visie", title: "Woonzorgvisie Testregio 2026", jurisdiction: "rg-rt",
            issuer: "gem-rt", status: DRAFT, horizonYear: 2030, publishedOn: "2026-04-14",
            sourceFile: "rt-visie.txt"}
    reason: $reason
  ) { __typename }
  pillar: createActionLine(document: "rt-visie", input: {code: "P1", title: "Wonen met zorg", position: 1}
    citation: {lines: "L10-12", quote: "Wonen met zorg"}) { __typename }
  objective: createActionLine(document: "rt-visie",
    input: {code: "P1.1", title: "Meer geclusterd", parent: "P1", description: "Clusters"}
    citation: {page: "7", quote: "Meer geclusterd wonen"}) { __typename }
  measure: createMeasure(document: "rt-visie",
    input: {code: "1a", title: "Locaties zoeken", actionLine: "P1.1", owner: "gem-rt",
            partners: ["corp-rt"], plannedStart: "2026-Q3", due: "2027", notes: "na motie"}
    reason: $reason) { __typename }
  dropped: createMeasure(document: "rt-visie", input: {code: "1b", title: "Onderzoek", status: IN_PROGRESS}
    citation: {lines: "L20", quote: "Onderzoek"}) { __typename }
  retired: retireMeasure(document: "rt-visie", code: "1b", on: "2026-12-31", reason: "vervallen") { __typename }
  flow: createTarget(input: {code: "rt-visie-geclusterd", indicator: "rt-dwellings", jurisdiction: "GM9101",
    kind: TARGET, value: 40, start: "2026", deadline: "2030", document: "rt-visie",
    baselinePeriod: "2025", baselineValue: 12.5, flag: "tabel zegt 45", notes: "excl. nieuwbouw"}
    citation: {lines: "L30-31", quote: "40 geclusterde woningen"}) { __typename }
  range: createTarget(input: {code: "rt-visie-bandbreedte", indicator: "rt-dwellings", jurisdiction: "rg-rt",
    kind: NEED_ESTIMATE, low: 100, high: 150, deadline: "2030", document: "rt-visie", recurrence: NONE}
    reason: $reason) { __typename }
  adopt: updateTarget(code: "rt-visie-geclusterd", input: {status: ADOPTED, value: 42}, reason: $reason) { __typename }
  rule: createDistributionRule(input: {code: "rt-quota", name: "Quota", method: FIXED, region: "rg-rt",
    indicator: "rt-dwellings", targetKind: COMMITMENT, document: "rt-visie", recurrence: YEARLY,
    shares: [{jurisdiction: "GM9101", value: 6}, {jurisdiction: "GM9102", value: 4}]}
    citation: {lines: "L40", quote: "quota"}) { __typename }
}
"""


def vocabulary(session: Session, make: Factory) -> None:
    region = make.jurisdiction(
        code="rg-rt",
        name="Testregio",
        kind=JurisdictionKind.REGION,
        region_type=RegionType.SUBREGION,
    )
    for code in ("GM9101", "GM9102"):
        member = make.jurisdiction(code=code, name=f"Gemeente {code}")
        session.add(RegionMembership(region_id=region.id, member_id=member.id))
    make.organisation(code="gem-rt", kind=OrganisationKind.MUNICIPALITY)
    make.organisation(code="corp-rt", kind=OrganisationKind.CORPORATION)
    make.indicator(code="rt-dwellings")
    session.commit()


def content(session: Session) -> dict[str, Any]:
    """The policy content by natural key, without ids or timestamps."""

    def by_code(model: type[SQLModel], row: Any) -> Any:
        return None if row is None else row.code

    def plain(row: Any, *skip: str) -> dict[str, Any]:
        values = row.model_dump()
        for name in ("id", "updated_at", "document_id", *skip):
            values.pop(name, None)
        return values

    codes = {
        model: dict(session.exec(select(model.id, model.code)).all())  # type: ignore[attr-defined]
        for model in (Jurisdiction, Organisation, ActionLine, PolicyDocument, DistributionRule)
    }

    def refs(values: dict[str, Any]) -> dict[str, Any]:
        for name, model in (
            ("jurisdiction_id", Jurisdiction), ("region_id", Jurisdiction),
            ("issuer_id", Organisation), ("owner_id", Organisation),
            ("parent_id", ActionLine), ("action_line_id", ActionLine),
            ("distribution_rule_id", DistributionRule),
        ):  # fmt: skip
            if name in values:
                values[name] = codes[model].get(values[name])
        return values

    documents = {r.code: refs(plain(r)) for r in session.exec(select(PolicyDocument))}
    lines = {r.code: refs(plain(r)) for r in session.exec(select(ActionLine))}
    measures = {r.code: refs(plain(r)) for r in session.exec(select(Measure))}
    partners = sorted(
        (codes[Organisation][p.organisation_id], p.role.value)
        for p in session.exec(select(MeasurePartner))
    )
    targets = {
        r.code: refs(plain(r, "indicator_id", "derivation"))
        for r in session.exec(select(Target).where(col(Target.distribution_rule_id).is_(None)))
    }
    rules = {r.code: refs(plain(r, "indicator_id")) for r in session.exec(select(DistributionRule))}
    shares = sorted(
        (codes[Jurisdiction][s.jurisdiction_id], s.value, str(s.source))
        for s in session.exec(select(DistributionShare))
    )
    return {
        "documents": documents,
        "action_lines": lines,
        "measures": measures,
        "partners": partners,
        "targets": targets,
        "rules": rules,
        "shares": shares,
    }


def test_content_entered_through_the_api_round_trips_through_the_reference_yaml(
    app_client: TestClient,
    session: Session,
    make: Factory,
    clean_db: sa.Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a region with vocabulary, and content entered through the API
    vocabulary(session, make)
    answer = graphql_caller(app_client)(MUTATIONS, {"reason": "raadsbesluit 14 april 2026"})
    assert {v["__typename"] for v in answer["data"].values()} == {
        "PolicyDocumentSaved", "ActionLineSaved", "MeasureSaved", "TargetSaved",
        "DistributionRuleSaved",
    }  # fmt: skip
    session.expire_all()
    entered = content(session)
    assert len(entered["targets"]) == 2 and len(entered["measures"]) == 2

    # when it is exported with the command line …
    monkeypatch.setenv("WOONZORG_DATABASE_URL", clean_db.url.render_as_string(hide_password=False))
    from core.settings import get_settings
    from db.engine import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        result = runner.invoke(
            cli, ["policy", "export", "--out", str(tmp_path / "out"), "--with-common"]
        )
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()
    assert result.exit_code == 0, result.output
    written = sorted(
        str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.yaml")
    )
    assert "rt-visie/targets.yaml" in written and "rt-visie/document.yaml" in written
    assert "rt-visie/distribution_rules.yaml" in written and "common/regions.yaml" in written
    targets_yaml = (tmp_path / "out" / "rt-visie" / "targets.yaml").read_text()
    assert "rt-visie-geclusterd" in targets_yaml and "--GM9101" not in targets_yaml  # not derived

    # … and loaded by the reference loader into a fresh database, it is the same content
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(fresh_url)
    fresh = make_engine(fresh_url)
    try:
        with Session(fresh) as other:
            load_dataset(other, read_dataset(tmp_path / "out"))
            other.commit()
            loaded = content(other)
    finally:
        fresh.dispose()
    for kind in entered:
        assert loaded[kind] == entered[kind], kind


def test_the_export_holds_only_what_the_api_changed(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    vocabulary(session, make)
    make.document(
        code="loaded-from-yaml", jurisdiction_id=session.exec(select(Jurisdiction.id)).first()
    )
    session.commit()
    gql = graphql_caller(app_client)
    gql(
        'mutation { createPolicyDocument(input: {code: "api-doc", title: "T", jurisdiction: "GM9101",'
        ' status: ADOPTED}, reason: "r") { __typename } }'
    )
    files = export_policy_content(session)
    assert list(files) == ["api-doc/document.yaml"]
    assert "loaded-from-yaml" not in files["api-doc/document.yaml"]
    assert read_dataset  # the format is the loader's (checked in the round trip)
