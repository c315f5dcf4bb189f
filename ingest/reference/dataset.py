"""Reading the dataset folder into typed entries, and checking that it holds together.

Every problem is collected (not just the first) and names the file, the line, the entry and the
field, so a reviewer can fix a whole file in one go.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from ingest.reference.entries import (
    ENTRY_MODELS,
    ActionLineEntry,
    DistributionRuleEntry,
    DocumentEntry,
    Entry,
    HousingTypeEntry,
    IndicatorEntry,
    JurisdictionEntry,
    MeasureEntry,
    ObservationEntry,
    OrganisationEntry,
    ProjectEntry,
    RegionEntry,
    ReportingEntry,
    TargetEntry,
    TargetGroupEntry,
)
from ingest.reference.yaml_lines import LINE_KEY, pop_line, read_yaml

COMMON = "common"

E = TypeVar("E", bound=Entry)
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = " ".join(
            part
            for part in (
                f"entry '{self.entry}'" if self.entry else "",
                f"field '{self.field}'" if self.field else "",
            )
            if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"


class DatasetError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"the reference dataset has {len(problems)} problem(s):\n{lines}{more}")


@dataclass(frozen=True)
class Located(Generic[E]):
    """An entry with where it was read: file (relative to the dataset folder) and line."""

    entry: E
    file: str
    line: int | None
    document: str | None  # the document folder it belongs to (None for common/)

    @property
    def label(self) -> str:
        return str(getattr(self.entry, "code", None) or _observation_label(self.entry))


def _observation_label(entry: Entry) -> str:
    if isinstance(entry, ObservationEntry):
        return f"{entry.indicator} {entry.jurisdiction} {entry.period}"
    if isinstance(entry, ReportingEntry):
        return entry.label
    return "?"


@dataclass
class Dataset:
    root: Path
    documents: list[Located[DocumentEntry]] = field(default_factory=list)
    entries: dict[str, list[Located[Any]]] = field(default_factory=lambda: defaultdict(list))
    files: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Located[Any]]:
        return self.entries.get(kind, [])


def read_dataset(root: Path) -> Dataset:
    """Read and check every file; raise ``DatasetError`` listing every problem found."""
    dataset, problems = _read(root)
    problems += list(check_references(dataset))
    if problems:
        raise DatasetError(problems)
    return dataset


def _read(root: Path) -> tuple[Dataset, list[Problem]]:
    dataset = Dataset(root=root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise DatasetError([Problem(str(root), None, None, None, "no such folder")])
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        document = None if folder.name == COMMON else folder.name
        for path in sorted(folder.glob("*.yaml")):
            relative = str(path.relative_to(root))
            dataset.files.append(relative)
            problems += _read_file(dataset, path, relative, document)
        if document is not None and not (folder / "document.yaml").exists():
            problems.append(Problem(folder.name, None, None, None, "document.yaml is missing"))
    return dataset, problems


def _read_file(dataset: Dataset, path: Path, relative: str, document: str | None) -> list[Problem]:
    try:
        content = read_yaml(path)
    except Exception as exc:  # a YAML syntax error names its own line
        return [Problem(relative, None, None, None, f"not valid YAML: {exc}")]
    if not isinstance(content, dict):
        return [Problem(relative, None, None, None, "expected a mapping with one key")]
    content.pop(LINE_KEY, None)  # the entries keep theirs
    if path.name == "document.yaml":
        return _read_document(dataset, content, relative, document)
    kind = path.stem
    if kind not in ENTRY_MODELS or set(content) != {kind}:
        expected = ", ".join(sorted(ENTRY_MODELS))
        return [
            Problem(
                relative,
                None,
                None,
                None,
                f"the file must hold one list named after it ({expected})",
            )
        ]
    items = content[kind]
    if not isinstance(items, list):
        return [Problem(relative, None, None, kind, "expected a list of entries")]
    problems: list[Problem] = []
    for index, raw in enumerate(items, start=1):
        line = _line(raw)
        entry, entry_problems = _validate(ENTRY_MODELS[kind], raw, relative, index)
        problems += entry_problems
        if entry is not None:
            dataset.entries[kind].append(Located(entry, relative, line, document))
    return problems


def _read_document(
    dataset: Dataset, content: dict[str, Any], relative: str, document: str | None
) -> list[Problem]:
    if document is None or set(content) != {"document"}:
        return [
            Problem(
                relative, None, None, None, "document.yaml holds `document:` in a document folder"
            )
        ]
    raw = content["document"]
    line = _line(raw)
    entry, problems = _validate(DocumentEntry, raw, relative, 1)
    if entry is not None:
        if entry.code != document:
            problems.append(
                Problem(
                    relative, line, entry.code, "code", f"must equal the folder name '{document}'"
                )
            )
        dataset.documents.append(Located(entry, relative, line, document))
    return problems


def _line(raw: Any) -> int | None:
    return raw.get(LINE_KEY) if isinstance(raw, dict) else None


def _validate(model: type[Entry], raw: Any, relative: str, index: int) -> tuple[Any, list[Problem]]:
    if not isinstance(raw, dict):
        return None, [Problem(relative, None, f"#{index}", None, "an entry must be a mapping")]
    line = pop_line(raw)
    label = str(raw.get("code") or f"#{index}")
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            Problem(
                relative,
                line,
                label,
                ".".join(str(part) for part in error["loc"]) or None,
                _message(error),
            )
            for error in exc.errors()
        ]


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field (misspelt?)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return "required field is missing"
    return message


# --- cross-references ---------------------------------------------------------------------


def check_references(dataset: Dataset) -> Iterator[Problem]:
    codes = _codes(dataset)
    yield from _duplicates(dataset)
    known: dict[str, set[str]] = defaultdict(set)
    known.update({kind: set(by_code) for kind, by_code in codes.items()})
    places = known["jurisdictions"] | known["regions"]
    indicators = {loc.entry.code: loc.entry for loc in dataset.of("indicators")}

    def missing(
        loc: Located[Any], field_name: str, code: str | None, kind: str, pool: set[str]
    ) -> Iterator[Problem]:
        if code is not None and code not in pool:
            yield Problem(
                loc.file, loc.line, loc.label, field_name, f"unknown {kind} code '{code}'"
            )

    for loc in dataset.of("jurisdictions"):
        e: Any = loc.entry
        yield from missing(loc, "parent", e.parent, "jurisdiction", known["jurisdictions"])
        yield from missing(loc, "successor", e.successor, "jurisdiction", known["jurisdictions"])
    for loc in dataset.of("regions"):
        for member in loc.entry.members:
            yield from missing(loc, "members", member.code, "jurisdiction", places)
    for loc in dataset.of("organisations"):
        yield from missing(loc, "jurisdiction", loc.entry.jurisdiction, "jurisdiction", places)
        for code in loc.entry.reports or []:
            yield from missing(loc, "reports", code, "jurisdiction", places)
    for loc in dataset.of("reporting"):
        e = loc.entry
        yield from missing(
            loc, "organisation", e.organisation, "organisation", known["organisations"]
        )
        for code in e.indicators:
            yield from missing(loc, "indicators", code, "indicator", known["indicators"])
        for code in e.jurisdictions:
            yield from missing(loc, "jurisdictions", code, "jurisdiction", known["jurisdictions"])
    for kind, pool in (
        ("target_groups", known["target_groups"]),
        ("housing_types", known["housing_types"]),
    ):
        for loc in dataset.of(kind):
            yield from missing(
                loc, "parent", loc.entry.parent, kind.rstrip("s").replace("_", " "), pool
            )
    for loc in dataset.of("indicators"):
        yield from missing(loc, "numerator", loc.entry.numerator, "indicator", known["indicators"])
        yield from missing(
            loc, "denominator", loc.entry.denominator, "indicator", known["indicators"]
        )
    for loc in dataset.documents:
        yield from missing(loc, "issuer", loc.entry.issuer, "organisation", known["organisations"])
        yield from missing(loc, "jurisdiction", loc.entry.jurisdiction, "jurisdiction", places)

    lines_per_document: dict[str | None, set[str]] = defaultdict(set)
    for loc in dataset.of("action_lines"):
        lines_per_document[loc.document].add(loc.entry.code)
    for loc in dataset.of("action_lines"):
        yield from missing(
            loc, "parent", loc.entry.parent, "action line", lines_per_document[loc.document]
        )
    for loc in dataset.of("measures"):
        m: MeasureEntry = loc.entry
        yield from missing(
            loc, "action_line", m.action_line, "action line", lines_per_document[loc.document]
        )
        yield from missing(loc, "owner", m.owner, "organisation", known["organisations"])
        for partner in m.partners:
            yield from missing(loc, "partners", partner, "organisation", known["organisations"])

    for loc in dataset.of("targets"):
        t: TargetEntry = loc.entry
        yield from missing(loc, "indicator", t.indicator, "indicator", known["indicators"])
        yield from missing(loc, "jurisdiction", t.jurisdiction, "jurisdiction", places)
        yield from _breakdown_refs(loc, t, known, indicators)
        yield from missing(
            loc,
            "distribution_rule",
            t.distribution_rule,
            "distribution rule",
            known["distribution_rules"],
        )
        indicator = indicators.get(t.indicator)
        if indicator and t.unit and t.unit != indicator.unit:
            yield Problem(
                loc.file,
                loc.line,
                loc.label,
                "unit",
                f"'{t.unit}' differs from the indicator's unit '{indicator.unit}'",
            )
    for loc in dataset.of("distribution_rules"):
        r: DistributionRuleEntry = loc.entry
        yield from missing(loc, "region", r.region, "region", known["regions"])
        yield from missing(
            loc, "target_group", r.target_group, "target group", known["target_groups"]
        )
        yield from missing(
            loc, "housing_type", r.housing_type, "housing type", known["housing_types"]
        )
        yield from missing(loc, "indicator", r.indicator, "indicator", known["indicators"])
        yield from missing(
            loc, "input_indicator", r.input_indicator, "indicator", known["indicators"]
        )
        for share in r.shares:
            yield from missing(
                loc, "shares.jurisdiction", share.jurisdiction, "jurisdiction", places
            )
    for loc in dataset.of("observations"):
        o: ObservationEntry = loc.entry
        yield from missing(loc, "indicator", o.indicator, "indicator", known["indicators"])
        yield from missing(loc, "jurisdiction", o.jurisdiction, "jurisdiction", places)
        yield from _breakdown_refs(loc, o, known, indicators)
    for loc in dataset.of("projects"):
        p: ProjectEntry = loc.entry
        yield from missing(
            loc, "municipality", p.municipality, "jurisdiction", known["jurisdictions"]
        )
        yield from missing(loc, "district", p.district, "jurisdiction", known["jurisdictions"])
        yield from missing(loc, "owner", p.owner, "organisation", known["organisations"])
        if p.owner is None and p.municipality not in _municipal_owners(dataset):
            yield Problem(
                loc.file,
                loc.line,
                loc.label,
                "owner",
                "no owner, and the municipality has no organisation to register it",
            )
        for units in p.units:
            yield from missing(
                loc,
                "units.housing_type",
                units.housing_type,
                "housing type",
                known["housing_types"],
            )
            yield from missing(
                loc,
                "units.target_group",
                units.target_group,
                "target group",
                known["target_groups"],
            )


def _breakdown_refs(
    loc: Located[Any],
    entry: TargetEntry | ObservationEntry,
    known: dict[str, set[str]],
    indicators: dict[str, IndicatorEntry],
) -> Iterator[Problem]:
    indicator = indicators.get(entry.indicator)
    for dimension, kind in (
        ("target_group", "target_groups"),
        ("housing_type", "housing_types"),
        ("price_segment", None),
    ):
        code = getattr(entry, dimension)
        if code is None:
            continue
        if kind is not None and code not in known[kind]:
            yield Problem(
                loc.file,
                loc.line,
                loc.label,
                dimension,
                f"unknown {dimension.replace('_', ' ')} code '{code}'",
            )
        if indicator is not None and dimension not in indicator.dimensions:
            yield Problem(
                loc.file,
                loc.line,
                loc.label,
                dimension,
                f"indicator '{indicator.code}' cannot be broken down by {dimension} (it allows: {', '.join(indicator.dimensions) or 'none'})",
            )


def _municipal_owners(dataset: Dataset) -> set[str]:
    return {
        loc.entry.jurisdiction
        for loc in dataset.of("organisations")
        if loc.entry.kind == "municipality" and loc.entry.jurisdiction
    }


def _codes(dataset: Dataset) -> dict[str, dict[str, Located[Any]]]:
    codes: dict[str, dict[str, Located[Any]]] = defaultdict(dict)
    for kind, located in dataset.entries.items():
        for loc in located:
            code = getattr(loc.entry, "code", None)
            if code is not None and kind not in ("action_lines", "measures"):
                codes[kind].setdefault(code, loc)
    return codes


def _duplicates(dataset: Dataset) -> Iterator[Problem]:
    """A code is defined once; jurisdictions and regions share one table, so one namespace."""
    seen: dict[tuple[str, str], Located[Any]] = {}
    namespace = {"regions": "jurisdictions"}
    for kind, located in dataset.entries.items():
        for loc in located:
            code = getattr(loc.entry, "code", None)
            if code is None:
                continue
            scope = loc.document if kind in ("action_lines", "measures") else ""
            key = (namespace.get(kind, kind) + (scope or ""), code)
            if key in seen:
                first = seen[key]
                yield Problem(
                    loc.file,
                    loc.line,
                    code,
                    "code",
                    f"duplicate code, first defined in {first.file}:{first.line}",
                )
            else:
                seen[key] = loc
    for key, group in _group(dataset.of("observations"), _cell).items():
        if len(group) > 1:
            first, *rest = group
            for loc in rest:
                yield Problem(
                    loc.file,
                    loc.line,
                    loc.label,
                    None,
                    f"the same cell is reported twice (also {first.file}:{first.line}): {key}",
                )


def _cell(loc: Located[ObservationEntry]) -> tuple[Any, ...]:
    e = loc.entry
    return (
        loc.document,
        e.indicator,
        e.jurisdiction,
        e.period,
        e.target_group,
        e.housing_type,
        e.price_segment,
    )


def _group(items: Iterable[T], key: Any) -> dict[Any, list[T]]:
    groups: dict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


__all__ = [
    "ActionLineEntry",
    "Dataset",
    "DatasetError",
    "HousingTypeEntry",
    "JurisdictionEntry",
    "OrganisationEntry",
    "Problem",
    "RegionEntry",
    "TargetGroupEntry",
    "read_dataset",
]
