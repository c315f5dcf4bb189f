"""The reference data loader: checks everything first, then loads idempotently and audits changes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import (
    AuditEvent,
    Jurisdiction,
    Measure,
    MeasurePartner,
    Observation,
    Organisation,
    OrganisationScope,
    Project,
    ProjectPhaseChange,
    ProjectUnits,
    RegionMembership,
    Target,
    TargetGroup,
)
from ingest.reference.dataset import DatasetError, read_dataset
from services.policy.reference_load import load_dataset
from tests.ingest.reference.builder import minimal_dataset, write_dataset


def load(engine: sa.Engine, root: Path):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        summary = load_dataset(session, read_dataset(root))
        session.commit()
    return summary


def count(engine: sa.Engine, model: type) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


def test_a_consistent_dataset_loads_every_kind(clean_db: sa.Engine, tmp_path: Path) -> None:
    root = write_dataset(tmp_path, minimal_dataset())
    summary = load(clean_db, root)
    assert summary.total("created") == 20
    with Session(clean_db) as session:
        target = session.exec(select(Target).where(Target.code == "doc-a-clustered-2030")).one()
        assert target.value == Decimal(770) and target.deadline_year == 2030
        assert target.source == {"lines": "L1-2", "quote": "citaat", "document": "doc-a"}
        assert target.status == "adopted"  # from the document
        need = session.exec(select(Target).where(Target.code == "doc-a-range")).one()
        assert (need.value, need.value_low, need.value_high) == (None, Decimal(5000), Decimal(7500))
        child = session.exec(select(TargetGroup).where(TargetGroup.code == "ouderen-75-plus")).one()
        assert child.parent_id is not None
        assert len(session.exec(select(RegionMembership)).all()) == 2
        measure = session.exec(select(Measure)).one()
        roles = {p.role for p in session.exec(select(MeasurePartner))}
        assert measure.due == "2026-Q2" and roles == {"lead", "partner"}
        project = session.exec(select(Project)).one()
        assert project.expected_completion.isoformat() == "2028-12-31"
        assert session.exec(select(ProjectUnits)).one().units == 60
        assert session.exec(select(ProjectPhaseChange)).one().to_phase == "construction"
        observation = session.exec(select(Observation)).one()
        assert (observation.period, observation.version) == ("2024", 1)


def test_loading_twice_changes_nothing(clean_db: sa.Engine, tmp_path: Path) -> None:
    root = write_dataset(tmp_path, minimal_dataset())
    load(clean_db, root)
    audit_before = count(clean_db, AuditEvent)
    second = load(clean_db, root)
    assert second.total("created") == 0 and second.total("updated") == 0
    assert second.total("unchanged") == 20
    assert count(clean_db, AuditEvent) == audit_before
    assert count(clean_db, Observation) == 1


def test_a_changed_value_updates_its_row_and_is_audited(
    clean_db: sa.Engine, tmp_path: Path
) -> None:
    files = minimal_dataset()
    load(clean_db, write_dataset(tmp_path, files))
    files["doc-a/targets.yaml"]["targets"][0]["value"] = 800
    summary = load(clean_db, write_dataset(tmp_path, files))
    assert summary.per_file["doc-a/targets.yaml"]["updated"] == 1
    with Session(clean_db) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "reference.update")
        ).one()
    assert (event.object_type, event.object_id) == ("target", "doc-a-clustered-2030")
    assert (event.before, event.after) == ({"value": "770"}, {"value": "800"})


def test_a_changed_document_figure_is_a_new_version(clean_db: sa.Engine, tmp_path: Path) -> None:
    files = minimal_dataset()
    load(clean_db, write_dataset(tmp_path, files))
    files["doc-a/observations.yaml"]["observations"][0]["value"] = 130
    load(clean_db, write_dataset(tmp_path, files))
    with Session(clean_db) as session:
        old, new = session.exec(select(Observation).order_by(Observation.version)).all()
    assert (old.value, old.version, new.value, new.version) == (120, 1, 130, 2)
    assert old.superseded_at == new.recorded_at and old.superseded_by_id == new.id
    assert new.superseded_at is None


def test_a_region_member_dropped_from_the_file_is_removed(
    clean_db: sa.Engine, tmp_path: Path
) -> None:
    files = minimal_dataset()
    load(clean_db, write_dataset(tmp_path, files))
    files["common/regions.yaml"]["regions"][0]["members"] = ["GM0546"]
    load(clean_db, write_dataset(tmp_path, files))
    with Session(clean_db) as session:
        [membership] = session.exec(select(RegionMembership)).all()
        member = session.get(Jurisdiction, membership.member_id)
    assert member.code == "GM0546"


def _break(files: dict, file: str, index: int, **changes: object) -> dict:  # type: ignore[type-arg]
    [kind] = files[file]
    entry = files[file][kind][index]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return files


@pytest.mark.parametrize(
    ("file", "changes", "expected"),
    [
        (
            "doc-a/targets.yaml",
            {"indicator": "no-such-indicator"},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030' field 'indicator': unknown indicator code 'no-such-indicator'",
        ),
        (
            "doc-a/targets.yaml",
            {"source": None},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030' field 'source': required field is missing",
        ),
        (
            "doc-a/targets.yaml",
            {"value": "1.080"},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030' field 'value': '1.080' is not a number",
        ),
        (
            "doc-a/targets.yaml",
            {"value": None, "low": 9000, "high": 7500},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030': range low 9000 is above high 7500",
        ),
        (
            "doc-a/targets.yaml",
            {"deadline": "2030-Q5"},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030' field 'deadline': '2030-Q5' is not a period",
        ),
        (
            "doc-a/targets.yaml",
            {"valeu": 3},
            "doc-a/targets.yaml:2: entry 'doc-a-clustered-2030' field 'valeu': unknown field (misspelt?)",
        ),
        (
            "common/organisations.yaml",
            {"code": "portaal"},
            "common/organisations.yaml:6: entry 'portaal' field 'code': duplicate code, first defined in common/organisations.yaml:2",
        ),
        (
            "doc-a/targets.yaml",
            {"target_group": "ouderen", "indicator": "homeless-persons", "housing_type": None},
            "field 'target_group': indicator 'homeless-persons' cannot be broken down by target_group",
        ),
    ],
)
def test_every_problem_names_file_line_entry_and_field(
    tmp_path: Path,
    file: str,
    changes: dict,
    expected: str,  # type: ignore[type-arg]
) -> None:
    root = write_dataset(tmp_path, _break(minimal_dataset(), file, 0, **changes))
    with pytest.raises(DatasetError) as caught:
        read_dataset(root)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(expected) or expected in m for m in messages), messages


def test_a_broken_dataset_loads_nothing_through_the_cli(
    clean_db: sa.Engine, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    files = _break(minimal_dataset(), "doc-a/measures.yaml", 0, owner="nobody")
    result = CliRunner().invoke(app, ["seed", "--path", str(write_dataset(tmp_path, files))])
    assert result.exit_code == 1
    assert "field 'owner': unknown organisation code 'nobody'" in result.output
    assert count(clean_db, Jurisdiction) == 0


def test_the_cli_prints_a_summary_per_file_and_a_dry_run_stores_nothing(
    clean_db: sa.Engine, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    root = str(write_dataset(tmp_path, minimal_dataset()))
    dry = CliRunner().invoke(app, ["seed", "--path", root, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output and count(clean_db, Jurisdiction) == 0
    real = CliRunner().invoke(app, ["seed", "--path", root])
    assert real.exit_code == 0, real.output
    assert "doc-a/targets.yaml" in real.output and count(clean_db, Jurisdiction) == 5


def test_the_committed_dataset_loads_completely_and_only_once(clean_db: sa.Engine) -> None:
    root = Path(__file__).parents[3] / "data" / "reference"
    dataset = read_dataset(root)
    entries = sum(len(located) for located in dataset.entries.values()) + len(dataset.documents)
    # a reporting entry without an organisation records only its flag: nothing to store
    no_one = sum(1 for loc in dataset.of("reporting") if loc.entry.organisation is None)
    first = load(clean_db, root)
    assert first.total("created") == entries - no_one and first.total("updated") == 0
    assert count(clean_db, Target) == len(dataset.of("targets"))
    # each municipality reports for itself; each task force covers the region it names; the
    # organisations of reporting.yaml report their indicators for their jurisdictions
    per_indicator = {
        (loc.entry.organisation, indicator, jurisdiction)
        for loc in dataset.of("reporting")
        if loc.entry.organisation is not None
        for indicator in loc.entry.indicators
        for jurisdiction in loc.entry.jurisdictions
    }
    assert count(clean_db, OrganisationScope) == 32 + 3 + len(per_indicator)
    assert count(clean_db, Observation) == len(dataset.of("observations"))
    second = load(clean_db, root)
    assert (second.total("created"), second.total("updated")) == (0, 0)


def test_a_municipality_reports_for_itself_once(clean_db: sa.Engine, tmp_path: Path) -> None:
    # given the minimal dataset, whose municipality organisation has a home jurisdiction
    root = write_dataset(tmp_path, minimal_dataset())
    load(clean_db, root)
    with Session(clean_db) as session:
        scopes = session.exec(
            select(
                Organisation.code,
                Organisation.kind,
                Jurisdiction.code,
                OrganisationScope.indicator_id,
            )
            .join(OrganisationScope, OrganisationScope.organisation_id == Organisation.id)
            .join(Jurisdiction, Jurisdiction.id == OrganisationScope.jurisdiction_id)
        ).all()
    # then it reports every indicator for its own jurisdiction, and loading again adds nothing
    assert [(kind, indicator) for _, kind, _, indicator in scopes] == [("municipality", None)]
    load(clean_db, root)
    assert count(clean_db, OrganisationScope) == 1
