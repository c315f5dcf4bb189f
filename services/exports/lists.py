"""What each exportable list holds: its query parameters (the GraphQL filter's fields), its columns
and its rows, read a page at a time through the same ``db/queries`` listings as the GraphQL lists
and with the same visibility (``services.access.visibility``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from core.enums import (
    DocumentStatus,
    MeasureStatus,
    ProgressBasis,
    ProgressStatus,
    ProjectPhase,
    SubmissionChannel,
    SubmissionStatus,
    TargetKind,
)
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    Organisation,
    PolicyDocument,
    Target,
    TargetGroup,
)
from db.queries import lookups, observations, policy, progress, projects, submissions
from db.queries.cells import CellCriteria
from db.queries.listing import Listing
from db.queries.targets import TargetCriteria
from ingest.exports import Citation, Column, Kind, Value
from ingest.periods import Period, PeriodError
from services.access.visibility import Access

PAGE = 500
E = TypeVar("E", bound=Enum)
Row = TypeVar("Row")


class BadParameter(ValueError):
    """A query parameter this list does not take, or a value it cannot read."""


# ---------------------------------------------------------------- reading query parameters


@dataclass
class Params:
    """The query parameters of one export request, read once each (unknown ones are refused)."""

    values: Mapping[str, str]
    used: set[str] = field(default_factory=set)

    def text(self, name: str) -> str | None:
        self.used.add(name)
        value = self.values.get(name)
        return value.strip() if value and value.strip() else None

    def codes(self, name: str) -> list[str] | None:
        value = self.text(name)
        return [part.strip() for part in value.split(",") if part.strip()] if value else None

    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        value = self.text(name)
        if value is None:
            return default
        if value.lower() in ("true", "1", "yes", "ja"):
            return True
        if value.lower() in ("false", "0", "no", "nee"):
            return False
        raise BadParameter(f"{name}: '{value}' is not true or false")

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise BadParameter(f"{name}: '{value}' is not a whole number") from None

    def day(self, name: str) -> date | None:
        value = self.text(name)
        try:
            return None if value is None else date.fromisoformat(value)
        except ValueError:
            raise BadParameter(f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None

    def moment(self, name: str) -> datetime | None:
        """A date (its end: what was known that day) or an ISO date-time; UTC when unzoned."""
        value = self.text(name)
        if value is None:
            return None
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=UTC)
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadParameter(f"{name}: '{value}' is not a date or date-time (ISO 8601)") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def period(self, name: str) -> Period | None:
        value = self.text(name)
        try:
            return None if value is None else Period.parse(value)
        except PeriodError as error:
            raise BadParameter(f"{name}: {error}") from None

    def enums(self, name: str, enum: type[E]) -> list[E] | None:
        values = self.codes(name)
        if values is None:
            return None
        chosen = []
        for value in values:
            for member in enum:
                if value.lower() in (str(member.value).lower(), member.name.lower()):
                    chosen.append(member)
                    break
            else:
                accepted = ", ".join(str(m.value) for m in enum)
                raise BadParameter(f"{name}: '{value}' is not one of {accepted}")
        return chosen

    def unknown(self) -> list[str]:
        return sorted(set(self.values) - self.used)

    def given(self) -> list[tuple[str, str]]:
        return [(name, self.values[name]) for name in sorted(self.used) if self.values.get(name)]


def _cell(params: Params) -> CellCriteria:
    jurisdiction = params.text("jurisdiction") or params.text("region")
    return CellCriteria(
        jurisdictions=[jurisdiction] if jurisdiction else None,
        include_members=bool(params.boolean("includeMembers", True)),
        indicators=params.codes("indicators"),
        target_groups=params.codes("targetGroups"),
        housing_types=params.codes("housingTypes"),
        price_segments=params.codes("priceSegments"),
    )


# ---------------------------------------------------------------- shared lookups


class Codes:
    """Codes of the rows an export refers to: the small tables read once, the rest per page."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.indicators = lookups.all_rows(session, Indicator)
        self.target_groups = lookups.all_rows(session, TargetGroup)
        self.housing_types = lookups.all_rows(session, HousingType)
        self.documents = lookups.all_rows(session, PolicyDocument)
        self._jurisdictions: dict[int, str] = {}
        self._organisations: dict[int, str] = {}

    def _codes(self, model: type[SQLModel], cache: dict[int, str], ids: set[int]) -> None:
        missing = ids - cache.keys()
        for key, row in lookups.by_ids(self.session, model, missing).items():
            cache[key] = row.code  # type: ignore[attr-defined]  # every coded table has one

    def prepare(
        self, jurisdictions: Iterable[int | None], organisations: Iterable[int | None]
    ) -> None:
        self._codes(Jurisdiction, self._jurisdictions, {i for i in jurisdictions if i is not None})
        self._codes(Organisation, self._organisations, {i for i in organisations if i is not None})

    def jurisdiction(self, key: int | None) -> str | None:
        return None if key is None else self._jurisdictions.get(key)

    def organisation(self, key: int | None) -> str | None:
        return None if key is None else self._organisations.get(key)

    def indicator(self, key: int | None) -> str | None:
        return None if key is None else self.indicators[key].code

    def target_group(self, key: int | None) -> str | None:
        return None if key is None else self.target_groups[key].code

    def housing_type(self, key: int | None) -> str | None:
        return None if key is None else self.housing_types[key].code

    def document(self, key: int | None) -> str | None:
        return None if key is None else self.documents[key].code


def _pages(session: Session, listing: Listing[Row]) -> Iterator[list[Row]]:
    """Every row of a listing, a keyset page at a time; each page is forgotten after use."""
    after: str | None = None
    while True:
        page = listing.page(session, PAGE, after)
        if page.rows:
            yield page.rows
        if not page.has_next:
            return
        after = page.cursors[-1]
        session.expunge_all()


def _citation(source: dict[str, Any] | None, document: str | None) -> Citation | None:
    if not source or not source.get("quote"):
        return None
    return Citation(
        str(source.get("document") or document or ""),
        str(source.get("lines") or ""),
        str(source.get("quote") or ""),
    )


def _value(member: Enum | None) -> str | None:
    return None if member is None else str(member.value)


def _flags(flags: Sequence[str] | None) -> str | None:
    return " | ".join(flags) if flags else None


def _decimal(value: Decimal | None) -> Decimal | None:
    return value


# ---------------------------------------------------------------- the lists


@dataclass
class Export:
    """One list's export: columns, rows (lazily), citations met on the way, what it was asked."""

    columns: list[Column]
    rows: Iterator[list[Value]]
    cited: list[Citation]
    as_known_on: str
    notes: list[str] = field(default_factory=list)


TimeTravel = Callable[[Session, int, datetime], Sequence[Any]]
"""The snapshots of a target recomputed as known at a moment (``schema.progress.recompute``: the
GraphQL query's time travel), handed in by the caller; None: ``asOf`` is not offered."""

Builder = Callable[..., Export]


def _moment_text(moment: datetime | None) -> str:
    return "now (the figures in force)" if moment is None else moment.isoformat()


PROGRESS_COLUMNS = [
    Column("target", width=48, description="Code of the target"),
    Column("document", width=30, description="Policy document that sets the target"),
    Column("indicator", width=26, description="What is counted"),
    Column("unit", width=10, description="The indicator's unit"),
    Column("jurisdiction", width=30, description="Whose target it is"),
    Column("measured", width=30, description="Whose figures were measured"),
    Column("target_group", width=18, description="Target group of the target, if any"),
    Column("housing_type", width=18, description="Housing type of the target, if any"),
    Column("kind", width=12, description="target, minimum, maximum, need_estimate, …"),
    Column("target_value", Kind.DECIMAL, description="The value to reach (or cap)"),
    Column("target_low", Kind.DECIMAL, description="Low end of a range"),
    Column("target_high", Kind.DECIMAL, description="High end of a range"),
    Column("deadline", width=10, description="Deadline (period)"),
    Column("basis", width=12, description="own: the jurisdiction's figures; members_sum"),
    Column("period", width=8, description="Judged year of a yearly target; empty: the window"),
    Column("status", width=12, description="achieved, on_track, at_risk, off_track, no_data, …"),
    Column("realised", Kind.DECIMAL, description="Realised in the window so far"),
    Column("percent_of_target", Kind.DECIMAL, description="Realised as % of target (not capped)"),
    Column("expected_by_now", Kind.DECIMAL, description="Expected by now on the linear path"),
    Column("gap", Kind.DECIMAL, description="Still to do (negative: surpassed)"),
    Column("forecast_trend", Kind.DECIMAL, description="Expected at the deadline by the trend"),
    Column("forecast_pipeline", Kind.DECIMAL, description="Expected at the deadline by pipeline"),
    Column("flags", width=40, description="Caveats, separated by |"),
    Column("computed_at", Kind.DATETIME, width=20, description="When it was computed"),
    Column("data_as_of", Kind.DATETIME, width=20, description="Figures as known at"),
    Column("source_lines", width=12, description="Where the target is printed (lines)"),
]


def progress_export(
    session: Session, access: Access, params: Params, time_travel: TimeTravel | None = None
) -> Export:
    target_criteria = TargetCriteria(
        cell=_cell(params),
        kinds=params.enums("kinds", TargetKind),
        statuses=params.enums("documentStatuses", DocumentStatus),
        deadline_year_from=params.integer("deadlineYearFrom"),
        deadline_year_to=params.integer("deadlineYearTo"),
        documents=params.codes("documents"),
        search=params.text("search"),
    )
    statuses = params.enums("statuses", ProgressStatus)
    bases = params.enums("bases", ProgressBasis)
    as_of = params.moment("asOf") if time_travel is not None else None
    codes = Codes(session)
    cited: list[Citation] = []

    def rows() -> Iterator[list[Value]]:
        if as_of is None:
            criteria = progress.ProgressCriteria(
                target=target_criteria, statuses=statuses, bases=bases
            )
            for page in _pages(session, progress.progress(criteria)):
                targets = lookups.by_ids(session, Target, {s.target_id for s in page})
                yield from _progress_rows(codes, page, targets, cited)
            return
        for target_page in _pages(session, progress.targets_for_time_travel(target_criteria)):
            by_id = {t.id: t for t in target_page if t.id is not None}
            assert time_travel is not None  # as_of is read only with it
            computed = [
                snapshot
                for key in by_id
                for snapshot in time_travel(session, key, as_of)
                if (not bases or snapshot.basis in bases)
                and (not statuses or snapshot.status in statuses)
            ]
            yield from _progress_rows(codes, computed, by_id, cited)

    return Export(PROGRESS_COLUMNS, rows(), cited, _moment_text(as_of))


def _progress_rows(
    codes: Codes,
    snapshots: Sequence[Any],
    targets: Mapping[int, Target],
    cited: list[Citation],
) -> Iterator[list[Value]]:
    codes.prepare(
        {s.jurisdiction_id for s in snapshots} | {t.jurisdiction_id for t in targets.values()},
        set(),
    )
    for snapshot in snapshots:
        target = targets[snapshot.target_id]
        document = codes.document(target.document_id)
        citation = _citation(target.source, document)
        if citation is not None:
            cited.append(citation)
        yield [
            target.code,
            document,
            codes.indicator(target.indicator_id),
            codes.indicators[target.indicator_id].unit,
            codes.jurisdiction(target.jurisdiction_id),
            codes.jurisdiction(snapshot.jurisdiction_id),
            codes.target_group(target.target_group_id),
            codes.housing_type(target.housing_type_id),
            _value(target.kind),
            target.value,
            target.value_low,
            target.value_high,
            target.deadline,
            _value(snapshot.basis),
            snapshot.period or None,
            _value(snapshot.status),
            snapshot.realised,
            snapshot.percent_of_target,
            snapshot.expected_by_now,
            snapshot.gap,
            snapshot.forecast_trend,
            snapshot.forecast_pipeline,
            _flags(snapshot.flags),
            snapshot.computed_at,
            snapshot.data_as_of,
            citation.lines if citation else None,
        ]


OBSERVATION_COLUMNS = [
    Column("indicator", width=26, description="What is counted"),
    Column("unit", width=10, description="The indicator's unit"),
    Column("jurisdiction", width=30, description="Where"),
    Column("period", width=10, description="The period the value is for"),
    Column("period_start", Kind.DATE, width=12, description="First day of the period"),
    Column("period_end", Kind.DATE, width=12, description="Last day of the period"),
    Column("target_group", width=18, description="Target group breakdown"),
    Column("housing_type", width=18, description="Housing type breakdown"),
    Column("price_segment", width=12, description="Price segment breakdown"),
    Column("value", Kind.DECIMAL, description="The value as reported"),
    Column("per_year", Kind.BOOLEAN, width=9, description="A yearly average over the period"),
    Column("source", width=24, description="Organisation that reported it"),
    Column("version", Kind.INTEGER, width=8, description="Version within cell and source"),
    Column("recorded_at", Kind.DATETIME, width=20, description="When this version was recorded"),
    Column("superseded_at", Kind.DATETIME, width=20, description="When a correction replaced it"),
    Column("change_reason", width=30, description="Why this version replaced the previous"),
    Column("flag", width=30, description="A doubt about the value"),
    Column("notes", width=30, description="Remarks"),
    Column("submission", Kind.INTEGER, width=10, description="Submission id"),
    Column("source_document", width=30, description="Document the value is printed in"),
    Column("source_lines", width=12, description="Lines in that document"),
]


def observations_export(
    session: Session, access: Access, params: Params, time_travel: TimeTravel | None = None
) -> Export:
    period_from = params.period("periodFrom")
    period_to = params.period("periodTo")
    as_of = params.moment("asOf")
    criteria = observations.ObservationCriteria(
        cell=_cell(params),
        starts_on_or_after=period_from.start if period_from else None,
        ends_on_or_before=period_to.end if period_to else None,
        sources=params.codes("sources"),
        flagged=params.boolean("flagged"),
        as_of=as_of,
        all_versions=bool(params.boolean("allVersions", False)),
    )
    codes = Codes(session)
    cited: list[Citation] = []

    def rows() -> Iterator[list[Value]]:
        for page in _pages(session, observations.observations(criteria)):
            codes.prepare(
                {o.jurisdiction_id for o in page}, {o.source_organisation_id for o in page}
            )
            for o in page:
                citation = _citation(o.source, None)
                if citation is not None:
                    cited.append(citation)
                yield [
                    codes.indicator(o.indicator_id),
                    codes.indicators[o.indicator_id].unit,
                    codes.jurisdiction(o.jurisdiction_id),
                    o.period,
                    o.period_start,
                    o.period_end,
                    codes.target_group(o.target_group_id),
                    codes.housing_type(o.housing_type_id),
                    o.price_segment,
                    o.value,
                    o.per_year,
                    codes.organisation(o.source_organisation_id),
                    o.version,
                    o.recorded_at,
                    o.superseded_at,
                    o.change_reason,
                    o.flag,
                    o.notes,
                    o.submission_id,
                    citation.document if citation else None,
                    citation.lines if citation else None,
                ]

    return Export(OBSERVATION_COLUMNS, rows(), cited, _moment_text(as_of))


MEASURE_COLUMNS = [
    Column("document", width=30, description="Policy document"),
    Column("code", width=8, description="The measure's code in the document"),
    Column("title", width=60, description="What is to be done"),
    Column("owner", width=24, description="Organisation that leads it"),
    Column("planned_start", width=10, description="Planned start (period)"),
    Column("due", width=10, description="Due (period)"),
    Column("status", width=12, description="planned, in_progress, done, delayed, cancelled"),
    Column("percent_complete", Kind.DECIMAL, description="Reported progress, percent"),
    Column("notes", width=40, description="Remarks"),
    Column("source_lines", width=12, description="Where it is printed (lines)"),
]


def measures_export(
    session: Session, access: Access, params: Params, time_travel: TimeTravel | None = None
) -> Export:
    jurisdiction = params.text("jurisdiction") or params.text("region")
    owner = params.text("owner")
    partner = params.text("partner")
    criteria = policy.MeasureCriteria(
        documents=params.codes("documents"),
        jurisdictions=[jurisdiction] if jurisdiction else None,
        statuses=params.enums("statuses", MeasureStatus),
        owners=[owner] if owner else None,
        partners=[partner] if partner else None,
        due_year_from=params.integer("dueYearFrom"),
        due_year_to=params.integer("dueYearTo"),
        search=params.text("search"),
    )
    codes = Codes(session)
    cited: list[Citation] = []

    def rows() -> Iterator[list[Value]]:
        for page in _pages(session, policy.measures(criteria)):
            codes.prepare(set(), {m.owner_id for m in page})
            for m in page:
                document = codes.document(m.document_id)
                citation = _citation(m.source, document)
                if citation is not None:
                    cited.append(citation)
                yield [
                    document,
                    m.code,
                    m.title,
                    codes.organisation(m.owner_id),
                    m.planned_start,
                    m.due,
                    _value(m.status),
                    m.percent_complete,
                    m.notes,
                    citation.lines if citation else None,
                ]

    return Export(MEASURE_COLUMNS, rows(), cited, _moment_text(None))


PROJECT_COLUMNS = [
    Column("name", width=40, description="Project name"),
    Column("external_key", width=16, description="The owner's own key"),
    Column("municipality", width=24, description="Municipality"),
    Column("district", width=24, description="District, if any"),
    Column("owner", width=24, description="Owner organisation"),
    Column("phase", width=12, description="initiative, plan, permit, construction, completed, …"),
    Column("expected_completion", Kind.DATE, width=12, description="Expected completion"),
    Column("units", Kind.INTEGER, width=8, description="All units"),
    Column("units_by_type", width=50, description="Units per housing type × target group"),
    Column("location", width=30, description="Where"),
    Column("notes", width=30, description="Remarks"),
    Column("updated_at", Kind.DATETIME, width=20, description="Last change"),
]


def projects_export(
    session: Session, access: Access, params: Params, time_travel: TimeTravel | None = None
) -> Export:
    jurisdiction = params.text("jurisdiction") or params.text("region")
    owner = params.text("owner")
    criteria = projects.ProjectCriteria(
        jurisdictions=[jurisdiction] if jurisdiction else None,
        include_members=bool(params.boolean("includeMembers", True)),
        phases=params.enums("phases", ProjectPhase),
        owners=[owner] if owner else None,
        housing_types=params.codes("housingTypes"),
        target_groups=params.codes("targetGroups"),
        completion_from=params.day("completionFrom"),
        completion_to=params.day("completionTo"),
        search=params.text("search"),
    )
    codes = Codes(session)

    def rows() -> Iterator[list[Value]]:
        for page in _pages(session, projects.projects(criteria)):
            ids = [p.id for p in page if p.id is not None]
            units = projects.units_of_projects(session, ids)
            codes.prepare(
                {p.municipality_id for p in page} | {p.district_id for p in page},
                {p.owner_id for p in page},
            )
            for p in page:
                mine = units.get(p.id or 0, [])
                parts = [
                    f"{codes.housing_type(u.housing_type_id) or '*'} × "
                    f"{codes.target_group(u.target_group_id) or '*'}: {u.units}"
                    for u in mine
                ]
                yield [
                    p.name,
                    p.external_key,
                    codes.jurisdiction(p.municipality_id),
                    codes.jurisdiction(p.district_id),
                    codes.organisation(p.owner_id),
                    _value(p.phase),
                    p.expected_completion,
                    sum(u.units for u in mine),
                    "; ".join(parts) or None,
                    p.location,
                    p.notes,
                    p.updated_at,
                ]

    return Export(PROJECT_COLUMNS, rows(), [], _moment_text(None))


SUBMISSION_COLUMNS = [
    Column("id", Kind.INTEGER, width=8, description="Submission id"),
    Column("organisation", width=24, description="Who sent it"),
    Column("channel", width=10, description="api, csv, xlsx, source_pull, project"),
    Column("status", width=12, description="received … applied, rejected, returned"),
    Column("filename", width=30, description="File name as sent"),
    Column("dry_run", Kind.BOOLEAN, width=8, description="Checked only, never applied"),
    Column("rows", Kind.INTEGER, width=8, description="Rows read"),
    Column("errors", Kind.INTEGER, width=8, description="Errors found"),
    Column("received_at", Kind.DATETIME, width=20, description="When it arrived"),
    Column("decided_at", Kind.DATETIME, width=20, description="When approved or returned"),
    Column("decision_reason", width=30, description="Why returned"),
    Column("applied_at", Kind.DATETIME, width=20, description="When its figures were applied"),
    Column("error_row", Kind.INTEGER, width=8, description="Row of the error (one line each)"),
    Column("error_column", width=14, description="Column of the error"),
    Column("error_value", width=20, description="The value as sent"),
    Column("error_code", width=22, description="What is wrong (code)"),
    Column("error_message", width=60, description="What is wrong (English)"),
    Column("error_message_nl", width=60, description="What is wrong (Dutch)"),
]


def submissions_export(
    session: Session, access: Access, params: Params, time_travel: TimeTravel | None = None
) -> Export:
    organisation = params.text("organisation")
    criteria = submissions.SubmissionCriteria(
        organisations=[organisation] if organisation else None,
        statuses=params.enums("statuses", SubmissionStatus),
        channels=params.enums("channels", SubmissionChannel),
        received_from=params.moment("receivedFrom"),
        received_to=params.moment("receivedTo"),
        dry_run=params.boolean("dryRun"),
        with_errors=params.boolean("withErrors"),
        visible_to=access.submission_organisations,
    )
    codes = Codes(session)

    def rows() -> Iterator[list[Value]]:
        for page in _pages(session, submissions.submissions(criteria)):
            errors = submissions.errors_of_submissions(session, [s.id for s in page if s.id])
            codes.prepare(set(), {s.organisation_id for s in page})
            for s in page:
                head: list[Value] = [
                    s.id,
                    codes.organisation(s.organisation_id),
                    _value(s.channel),
                    _value(s.status),
                    s.filename,
                    s.dry_run,
                    s.row_count,
                    s.error_count,
                    s.received_at,
                    s.decided_at,
                    s.decision_reason,
                    s.applied_at,
                ]
                mine = errors.get(s.id or 0, [])
                if not mine:
                    yield [*head, None, None, None, None, None, None]
                for e in mine:
                    yield [
                        *head,
                        e.row_number,
                        e.column,
                        e.value,
                        e.code,
                        e.message_en,
                        e.message_nl,
                    ]

    notes = ["one line per error; a submission without errors has one line"]
    return Export(SUBMISSION_COLUMNS, rows(), [], _moment_text(None), notes)


LISTS: dict[str, Builder] = {
    "progress": progress_export,
    "observations": observations_export,
    "measures": measures_export,
    "projects": projects_export,
    "submissions": submissions_export,
}
PUBLISHED = {"progress", "observations", "measures", "projects"}
