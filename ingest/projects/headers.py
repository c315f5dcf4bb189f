"""The columns of a project file: one row per project × housing type × target group."""

from __future__ import annotations

from enum import StrEnum

from ingest.headers import HeaderSet


class ProjectField(StrEnum):
    PROJECT_KEY = "project_key"
    NAME = "name"
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    LOCATION = "location"
    PHASE = "phase"
    EXPECTED_COMPLETION = "expected_completion"
    HOUSING_TYPE = "housing_type"
    TARGET_GROUP = "target_group"
    UNITS = "units"
    NOTE = "note"


# The first header of each field is the template's.
PROJECT_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    ProjectField.PROJECT_KEY: ("projectcode", "projectnummer", "project_key", "project_code"),
    ProjectField.NAME: ("naam", "projectnaam", "name", "project_name"),
    ProjectField.MUNICIPALITY: ("gemeente", "gemeentecode", "municipality", "municipality_code"),
    ProjectField.DISTRICT: ("wijk", "wijkcode", "stadsdeel", "district", "district_code"),
    ProjectField.LOCATION: ("locatie", "adres", "location", "address"),
    ProjectField.PHASE: ("fase", "projectfase", "phase"),
    ProjectField.EXPECTED_COMPLETION: (
        "opleverdatum",
        "oplevering",
        "expected_completion",
        "completion_date",
    ),
    ProjectField.HOUSING_TYPE: ("woonvorm", "woonvormcode", "woningtype", "housing_type"),
    ProjectField.TARGET_GROUP: ("doelgroep", "doelgroepcode", "aandachtsgroep", "target_group"),
    ProjectField.UNITS: ("aantal", "aantal_woningen", "eenheden", "units"),
    ProjectField.NOTE: ("opmerking", "toelichting", "note", "notes"),
}

PROJECT_FIELD_LABELS: dict[str, tuple[str, str]] = {
    ProjectField.PROJECT_KEY: ("project key", "projectcode"),
    ProjectField.NAME: ("name", "naam"),
    ProjectField.MUNICIPALITY: ("municipality", "gemeente"),
    ProjectField.DISTRICT: ("district", "wijk"),
    ProjectField.LOCATION: ("location", "locatie"),
    ProjectField.PHASE: ("phase", "fase"),
    ProjectField.EXPECTED_COMPLETION: ("expected completion", "opleverdatum"),
    ProjectField.HOUSING_TYPE: ("housing type", "woonvorm"),
    ProjectField.TARGET_GROUP: ("target group", "doelgroep"),
    ProjectField.UNITS: ("units", "aantal"),
    ProjectField.NOTE: ("note", "opmerking"),
}

PROJECT_HEADERS = HeaderSet(
    aliases=PROJECT_HEADER_ALIASES,
    required=(
        ProjectField.PROJECT_KEY,
        ProjectField.NAME,
        ProjectField.MUNICIPALITY,
        ProjectField.PHASE,
        ProjectField.UNITS,
    ),
    labels=PROJECT_FIELD_LABELS,
)
