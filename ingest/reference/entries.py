"""The entries of the reference dataset, one model per kind, validated field by field.

Unknown fields are errors (a misspelt field must not be silently dropped). Numbers must be
plain numbers: YAML ``1080`` or ``3.5``; text like ``"1.080"`` is refused because in Dutch it
means one thousand and eighty.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from core.enums import (
    Direction,
    DistributionMethod,
    DocumentStatus,
    IndicatorKind,
    JurisdictionKind,
    MeasureStatus,
    OrganisationKind,
    ProjectPhase,
    Recurrence,
    RegionType,
    ReportingFrequency,
    TargetKind,
    Unit,
)
from ingest.periods import Period, PeriodError, PeriodKind

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DUTCH_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _DUTCH_THOUSANDS.fullmatch(value.strip()):
        raise ValueError(
            f"'{value}' is not a number: Dutch thousands separators are ambiguous; "
            f"write {value.replace('.', '')} (or 1.5 as a decimal without quotes)"
        )
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip())
    raise ValueError(
        f"'{value}' is not a number; write plain digits with a decimal point (1080, 3.5)"
    )


def _period(value: Any) -> str:
    if isinstance(value, int | date):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{value}' is not a period")
    try:
        return str(Period.parse(value))
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def _text(value: Any) -> str:
    """YAML turns 2026 and 1a-like keys into numbers; codes and titles are always text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Number = Annotated[Decimal, BeforeValidator(_number)]
PeriodText = Annotated[str, BeforeValidator(_period)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
Code = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=96)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notes: str | None = None
    flag: str | None = None


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: Text
    quote: Text
    document: Code | None = None


class JurisdictionEntry(Entry):
    code: Code
    name: Text
    kind: Literal[
        JurisdictionKind.COUNTRY,
        JurisdictionKind.PROVINCE,
        JurisdictionKind.MUNICIPALITY,
        JurisdictionKind.DISTRICT,
    ]
    parent: Code | None = None
    successor: Code | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: Citation | None = None

    @model_validator(mode="after")
    def _dates_ordered(self) -> JurisdictionEntry:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        return self


class Membership(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    valid_from: date | None = None
    valid_to: date | None = None
    notes: str | None = None


def _membership(value: Any) -> Any:
    return {"code": value} if isinstance(value, str) else value


class RegionEntry(Entry):
    code: Code
    name: Text
    region_type: RegionType
    members: list[Annotated[Membership, BeforeValidator(_membership)]] = Field(min_length=1)
    source: Citation


class OrganisationEntry(Entry):
    code: Code
    name: Text
    kind: OrganisationKind
    jurisdiction: Code | None = None
    source: Citation | None = None
    reports: list[Code] | None = Field(
        default=None,
        description="Jurisdictions or regions it reports for (its reporting scope; for a task "
        "force, the area it covers). A municipality reports for its own jurisdiction by default.",
    )


class VocabularyEntry(Entry):
    code: Code
    name_nl: Text
    name_en: Text
    parent: Code | None = None
    definition: str | None = None
    counting_rule: str | None = None
    source: Citation


class TargetGroupEntry(VocabularyEntry):
    statutory: bool = False


class HousingTypeEntry(VocabularyEntry):
    pass


Dimension = Literal["target_group", "housing_type", "price_segment"]


class IndicatorEntry(Entry):
    code: Code
    name_nl: Text
    name_en: Text
    unit: Unit
    kind: IndicatorKind
    direction: Direction
    numerator: Code | None = None
    denominator: Code | None = None
    dimensions: list[Dimension] = Field(default_factory=list)
    description: str | None = None
    source: Citation | None = None

    @model_validator(mode="after")
    def _ratio_parts(self) -> IndicatorEntry:
        has_parts = self.numerator is not None and self.denominator is not None
        if (self.kind is IndicatorKind.RATIO) != has_parts:
            raise ValueError("a ratio needs numerator and denominator; other kinds have neither")
        return self


class DocumentEntry(Entry):
    code: Code
    title: Text
    issuer: Code | None = None
    jurisdiction: Code
    published_on: date | None = None
    status: DocumentStatus
    horizon_year: int | None = None
    source_file: str | None = None


class ActionLineEntry(Entry):
    code: Code
    title: Text
    parent: Code | None = None
    description: str | None = None
    position: int | None = None
    source: Citation | None = None


class MeasureEntry(Entry):
    code: Code
    action_line: Code | None = None
    title: Text
    description: str | None = None
    owner: Code | None = None
    partners: list[Code] = Field(default_factory=list)
    planned_start: PeriodText | None = None
    due: PeriodText | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    source: Citation


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    period: PeriodText
    value: Number


class TargetEntry(Entry):
    code: Code
    indicator: Code
    jurisdiction: Code
    target_group: Code | None = None
    housing_type: Code | None = None
    price_segment: Code | None = None
    kind: TargetKind
    unit: Unit | None = None
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    baseline: Baseline | None = None
    start: PeriodText | None = None
    deadline: PeriodText | None = None
    recurrence: Recurrence = Recurrence.NONE
    carry_over: bool = False
    status: DocumentStatus | None = None
    distribution_rule: Code | None = None
    source: Citation

    @model_validator(mode="after")
    def _value_or_range(self) -> TargetEntry:
        has_range = self.low is not None or self.high is not None
        if (self.value is None) == (not has_range):
            raise ValueError("give either value, or low and/or high (a range), not both or neither")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"range low {self.low} is above high {self.high}")
        return self


class ShareEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: Code
    value: Number
    source: Citation | None = None
    flag: str | None = None
    notes: str | None = None


class DistributionRuleEntry(Entry):
    code: Code
    name: Text
    method: DistributionMethod
    region: Code
    indicator: Code
    target_group: Code | None = None
    housing_type: Code | None = None
    price_segment: Code | None = None
    target_kind: TargetKind
    input_indicator: Code | None = None
    input_price_segment: Code | None = None
    input_period_from: PeriodText | None = None
    input_period_to: PeriodText | None = None
    percentage: Number | None = None
    regional_total: Number | None = None
    shares: list[ShareEntry] = Field(default_factory=list)
    recurrence: Recurrence = Recurrence.NONE
    carry_over: bool = False
    rounding: Literal["half_up", "none"] = "half_up"
    source: Citation

    @model_validator(mode="after")
    def _inputs_for_method(self) -> DistributionRuleEntry:
        missing = {
            DistributionMethod.SHARE_OF_INDICATOR: [
                f
                for f in ("input_indicator", "input_period_from", "input_period_to", "percentage")
                if getattr(self, f) is None
            ],
            DistributionMethod.POPULATION_SHARE: [
                f for f in ("input_indicator", "regional_total") if getattr(self, f) is None
            ],
            DistributionMethod.FIXED: [] if self.shares else ["shares"],
        }[self.method]
        if missing:
            raise ValueError(f"method {self.method.value} needs {', '.join(missing)}")
        return self


class ObservationEntry(Entry):
    indicator: Code
    jurisdiction: Code
    period: PeriodText
    target_group: Code | None = None
    housing_type: Code | None = None
    price_segment: Code | None = None
    value: Number
    per_year: bool = False
    source: Citation

    @model_validator(mode="after")
    def _per_year_needs_years(self) -> ObservationEntry:
        if self.per_year and Period.parse(self.period).kind is not PeriodKind.YEARS:
            raise ValueError("per_year (a yearly average) needs a multi-year period like 2020/2023")
        return self


class ProjectUnitsEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    housing_type: Code | None = None
    target_group: Code | None = None
    units: int = Field(gt=0)


class ProjectEntry(Entry):
    code: Code
    name: Text
    municipality: Code
    district: Code | None = None
    owner: Code | None = None
    location: str | None = None
    phase: ProjectPhase
    expected_completion: PeriodText | None = None
    units: list[ProjectUnitsEntry] = Field(default_factory=list)
    source: Citation


class ObligationTerms(BaseModel):
    """How often and by when the figure is owed (a reporting obligation), where the document
    makes it a recurring figure."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frequency: ReportingFrequency
    due_days: int = Field(ge=0)
    first_period: PeriodText


class ReportingEntry(Entry):
    """Who reports which indicators for which jurisdictions, as the document says. Without an
    ``organisation`` the entry records that the document names no one: then ``flag`` says so."""

    organisation: Code | None = None
    indicators: list[Code] = Field(min_length=1)
    jurisdictions: list[Code] = Field(min_length=1)
    obligation: ObligationTerms | None = None
    source: Citation

    @model_validator(mode="after")
    def _no_one_needs_a_flag(self) -> ReportingEntry:
        if self.organisation is None and not self.flag:
            raise ValueError("an entry without an organisation needs a flag saying why")
        if self.organisation is None and self.obligation is not None:
            raise ValueError("an obligation needs an organisation that owes it")
        return self

    @property
    def label(self) -> str:
        return f"{self.organisation or '(no one named)'}: {', '.join(self.indicators)}"


ENTRY_MODELS: dict[str, type[Entry]] = {
    "jurisdictions": JurisdictionEntry,
    "regions": RegionEntry,
    "organisations": OrganisationEntry,
    "target_groups": TargetGroupEntry,
    "housing_types": HousingTypeEntry,
    "indicators": IndicatorEntry,
    "action_lines": ActionLineEntry,
    "measures": MeasureEntry,
    "targets": TargetEntry,
    "distribution_rules": DistributionRuleEntry,
    "observations": ObservationEntry,
    "projects": ProjectEntry,
    "reporting": ReportingEntry,
}
