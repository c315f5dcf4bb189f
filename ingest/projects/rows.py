"""Project file rows → projects, pure: each row checked on its own, then grouped by project key.

A row is one project × housing type × target group. Rows with the same project key are one
project: they must agree on its name, municipality, district, location, phase, expected completion
and note (``inconsistent_project`` otherwise), and name each breakdown once
(``duplicate_project_units``). Every problem of every row is reported, as for figures files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from core.enums import JurisdictionKind, ProjectPhase
from ingest.errors import ErrorCode, RowError, render_messages
from ingest.limits import MAX_PROJECT_UNITS
from ingest.numbers import NumberError, parse_number
from ingest.projects.codes import ProjectCodes
from ingest.projects.details import MAX_KEY, MAX_LOCATION, MAX_NAME, ProjectDetails, UnitsLine
from ingest.projects.headers import PROJECT_FIELD_LABELS, PROJECT_HEADERS, ProjectField
from ingest.projects.phases import parse_phase
from ingest.raw_rows import RawRow
from ingest.validation import MAX_NOTE_CHARS

F = ProjectField
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_PROJECT_FIELDS = (
    F.NAME,
    F.MUNICIPALITY,
    F.DISTRICT,
    F.LOCATION,
    F.PHASE,
    F.EXPECTED_COMPLETION,
    F.NOTE,
)
_LIMITS = {
    F.PROJECT_KEY: MAX_KEY,
    F.NAME: MAX_NAME,
    F.LOCATION: MAX_LOCATION,
    F.NOTE: MAX_NOTE_CHARS,
}


@dataclass(frozen=True)
class ProjectLine:
    """One valid row: the project's fields as written (codes canonical) and one units line."""

    row_number: int
    key: str
    fields: dict[str, str | None]  # _PROJECT_FIELDS, as written (codes canonical)
    phase: ProjectPhase
    expected_completion: date | None
    units: UnitsLine


@dataclass
class ProjectRecord:
    """The rows of one project key, as one project."""

    key: str
    first_row: int
    phase: ProjectPhase
    details: ProjectDetails
    rows: list[int] = field(default_factory=list)


def check_line(raw: RawRow, codes: ProjectCodes) -> ProjectLine | list[RowError]:
    return _LineCheck(raw, codes).run()


def group_lines(lines: Iterable[ProjectLine]) -> tuple[list[ProjectRecord], list[RowError]]:
    """Valid lines as projects (in order of first appearance), and the rows that contradict."""
    firsts: dict[str, ProjectLine] = {}
    units: dict[str, dict[tuple[str | None, str | None], int]] = {}
    records: dict[str, ProjectRecord] = {}
    errors: list[RowError] = []
    for line in lines:
        first = firsts.setdefault(line.key, line)
        conflict = _conflict(line, first)
        if conflict:
            errors.append(conflict)
            continue
        breakdown = (line.units.housing_type, line.units.target_group)
        seen = units.setdefault(line.key, {})
        if breakdown in seen:
            errors.append(
                _row_error(
                    line.row_number, ErrorCode.DUPLICATE_PROJECT_UNITS, first_row=seen[breakdown]
                )
            )
            continue
        seen[breakdown] = line.row_number
        record = records.get(line.key)
        if record is None:
            record = records[line.key] = ProjectRecord(
                line.key, line.row_number, line.phase, _details(line)
            )
        else:
            record.details = replace(record.details, units=(*record.details.units, line.units))
        record.rows.append(line.row_number)
    return list(records.values()), errors


def _details(line: ProjectLine) -> ProjectDetails:
    return ProjectDetails(
        name=line.fields[F.NAME] or "",
        municipality=line.fields[F.MUNICIPALITY] or "",
        district=line.fields[F.DISTRICT],
        location=line.fields[F.LOCATION],
        expected_completion=line.expected_completion,
        notes=line.fields[F.NOTE],
        units=(line.units,),
    )


def _conflict(line: ProjectLine, first: ProjectLine) -> RowError | None:
    for name in _PROJECT_FIELDS:
        value, other = line.fields[name], first.fields[name]
        if value != other:
            label_en, label_nl = PROJECT_FIELD_LABELS[name]
            return _row_error(
                line.row_number,
                ErrorCode.INCONSISTENT_PROJECT,
                column=name,
                first_row=first.row_number,
                project_key=line.key,
                label_en=label_en,
                label_nl=label_nl,
                value=value or "",
                other=other or "",
            )
    return None


def _row_error(row: int, code: ErrorCode, column: str | None = None, **params: object) -> RowError:
    message_en, message_nl = render_messages(code, row=row, **params)
    value = params.get("value")
    first_row = params.get("first_row")
    return RowError(
        row=row,
        column=column,
        header=column,
        column_number=None,
        value=None if value is None else str(value),
        code=code,
        message_en=message_en,
        message_nl=message_nl,
        related_row=first_row if isinstance(first_row, int) else None,
    )


class _LineCheck:
    def __init__(self, raw: RawRow, codes: ProjectCodes) -> None:
        self.raw = raw
        self.codes = codes
        self.errors: list[RowError] = []

    def run(self) -> ProjectLine | list[RowError]:
        for name in PROJECT_HEADERS.required:
            if name not in self.raw.formulas and self._text(name) is None:
                self._add(name, ErrorCode.MISSING_VALUE, hint_en="", hint_nl="")
        for name, formula in sorted(self.raw.formulas.items()):
            self._add(name, ErrorCode.FORMULA_WITHOUT_VALUE, value=formula)
        if self.raw.overflow is not None:
            self._add(
                None,
                ErrorCode.TOO_MANY_CELLS,
                value=self.raw.overflow.record_text,
                count=self.raw.overflow.extra_cells,
            )
        for name, limit in _LIMITS.items():
            text = self._text(name)
            if text is not None and len(text) > limit:
                self._add(name, ErrorCode.TEXT_TOO_LONG, limit=limit, **_labels(name))
        municipality = self._municipality()
        district = self._district(municipality)
        phase = self._phase()
        completion = self._date(F.EXPECTED_COMPLETION)
        housing = self._code(
            F.HOUSING_TYPE, self.codes.housing_type, ErrorCode.UNKNOWN_HOUSING_TYPE
        )
        group = self._code(F.TARGET_GROUP, self.codes.target_group, ErrorCode.UNKNOWN_TARGET_GROUP)
        units = self._units()
        if self.errors:
            return self.errors
        assert phase is not None and units is not None and municipality is not None
        fields: dict[str, str | None] = {name: self._text(name) for name in _PROJECT_FIELDS}
        fields.update({F.MUNICIPALITY: municipality, F.DISTRICT: district, F.PHASE: phase.value})
        fields[F.EXPECTED_COMPLETION] = completion.isoformat() if completion else None
        return ProjectLine(
            row_number=self.raw.row_number,
            key=self._text(F.PROJECT_KEY) or "",
            fields=fields,
            phase=phase,
            expected_completion=completion,
            units=UnitsLine(units, housing, group),
        )

    def _municipality(self) -> str | None:
        text = self._text(F.MUNICIPALITY)
        if text is None:
            return None
        area = self.codes.area(text)
        if area is None:
            self._add(F.MUNICIPALITY, ErrorCode.UNKNOWN_JURISDICTION)
            return None
        if area.kind is not JurisdictionKind.MUNICIPALITY:
            self._add(F.MUNICIPALITY, ErrorCode.NOT_A_MUNICIPALITY)
            return None
        return area.code

    def _district(self, municipality: str | None) -> str | None:
        text = self._text(F.DISTRICT)
        if text is None or municipality is None:
            return None
        area = self.codes.area(municipality)
        district = self.codes.district_of(area, text) if area else None
        if district is None:
            self._add(F.DISTRICT, ErrorCode.UNKNOWN_DISTRICT, municipality=municipality)
            return None
        return district.code

    def _phase(self) -> ProjectPhase | None:
        text = self._text(F.PHASE)
        if text is None:
            return None
        phase = parse_phase(text)
        if phase is None:
            self._add(F.PHASE, ErrorCode.UNKNOWN_PHASE)
        return phase

    def _date(self, name: ProjectField) -> date | None:
        text = self._text(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
        match = _DAY_FIRST.fullmatch(text)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                return date(year, month, day)
        except ValueError:
            pass
        self._add(name, ErrorCode.MALFORMED_DATE)
        return None

    def _code(
        self,
        name: ProjectField,
        lookup: Callable[[str], tuple[int, str] | None],
        unknown: ErrorCode,
    ) -> str | None:
        text = self._text(name)
        if text is None:
            return None
        found = lookup(text)
        if found is None:
            self._add(name, unknown)
            return None
        return found[1]

    def _units(self) -> int | None:
        text = self._text(F.UNITS)
        if text is None:
            return None
        try:
            value = parse_number(text, self.raw.layout.decimal_mark)
        except NumberError as exc:
            self._add(
                F.UNITS,
                exc.code,
                as_whole=exc.as_whole,
                as_decimal_en=exc.as_decimal,
                as_decimal_nl=exc.as_decimal.replace(".", ","),
            )
            return None
        if value <= 0 or value != value.to_integral_value():
            self._add(F.UNITS, ErrorCode.UNITS_NOT_POSITIVE)
            return None
        if value > MAX_PROJECT_UNITS:
            self._add(F.UNITS, ErrorCode.TOO_MANY_UNITS, limit=MAX_PROJECT_UNITS)
            return None
        return int(value)

    def _text(self, name: str) -> str | None:
        if name in self.raw.formulas:
            return None
        text = self.raw.values.get(name)
        return (text.strip() or None) if text is not None else None

    def _add(self, name: str | None, code: ErrorCode, **params: object) -> None:
        column = next((c for c in self.raw.layout.columns if c.field == name), None)
        header = column.header if column else name
        value = params.pop("value") if "value" in params else self.raw.values.get(name or "")
        message_en, message_nl = render_messages(
            code, row=self.raw.row_number, value=value, header=header, **params
        )
        self.errors.append(
            RowError(
                row=self.raw.row_number,
                column=name,
                header=header,
                column_number=column.position if column else None,
                value=value if isinstance(value, str) or value is None else str(value),
                code=code,
                message_en=message_en,
                message_nl=message_nl,
            )
        )


def _labels(name: str) -> dict[str, str]:
    label_en, label_nl = PROJECT_FIELD_LABELS[name]
    return {"label_en": label_en, "label_nl": label_nl}
