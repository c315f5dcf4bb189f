"""Closed vocabularies of the domain model (DESIGN.md §4), shared by tables and the API."""

from enum import StrEnum


class JurisdictionKind(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    REGION = "region"
    MUNICIPALITY = "municipality"
    DISTRICT = "district"


class RegionType(StrEnum):
    WONINGMARKTREGIO = "woningmarktregio"
    WOONDEALREGIO = "woondealregio"
    CENTRUMREGIO_BW_MO = "centrumregio_bw_mo"
    ZORGKANTOORREGIO = "zorgkantoorregio"
    SUBREGION = "subregion"
    GEMEENSCHAPPELIJKE_REGELING = "gemeenschappelijke_regeling"
    OTHER = "other"


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    CORPORATION = "corporation"
    CARE_PROVIDER = "care_provider"
    WELFARE_PROVIDER = "welfare_provider"
    INSURER = "insurer"
    ZORGKANTOOR = "zorgkantoor"
    REGIONAL_BODY = "regional_body"
    PROVINCE = "province"
    STATE = "state"
    TENANT_BODY = "tenant_body"
    PUBLICATION = "publication"
    OTHER = "other"


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class PartnerRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"


class IndicatorKind(StrEnum):
    FLOW = "flow"
    STOCK = "stock"
    RATIO = "ratio"


class Unit(StrEnum):
    """What an indicator's values count or measure (FORMAT.md: ``unit``)."""

    DWELLINGS = "dwellings"
    PLACES = "places"
    PERSONS = "persons"
    HOUSEHOLDS = "households"
    LETTINGS = "lettings"
    PITCHES = "pitches"
    COUNT = "count"
    PERCENT = "percent"
    EURO = "euro"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


COUNTED_UNITS = frozenset(
    {
        Unit.DWELLINGS,
        Unit.PLACES,
        Unit.PERSONS,
        Unit.HOUSEHOLDS,
        Unit.LETTINGS,
        Unit.PITCHES,
        Unit.COUNT,
    }
)
# A length of time (a waiting time, a stay): never negative, not necessarily whole.
DURATION_UNITS = frozenset({Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.YEARS})


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    WITHIN = "within"


class TargetKind(StrEnum):
    TARGET = "target"
    MINIMUM = "minimum"
    MAXIMUM = "maximum"
    NEED_ESTIMATE = "need_estimate"
    AMBITION = "ambition"
    COMMITMENT = "commitment"


class Recurrence(StrEnum):
    NONE = "none"
    YEARLY = "yearly"


class DistributionMethod(StrEnum):
    SHARE_OF_INDICATOR = "share_of_indicator"
    POPULATION_SHARE = "population_share"
    FIXED = "fixed"


class ProjectPhase(StrEnum):
    INITIATIVE = "initiative"
    PLAN = "plan"
    PERMIT = "permit"
    CONSTRUCTION = "construction"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SubmissionChannel(StrEnum):
    API = "api"
    CSV = "csv"
    XLSX = "xlsx"
    SOURCE_PULL = "source_pull"
    PROJECT = "project"
    REFERENCE_DATA = "reference_data"


class SubmissionStatus(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    REJECTED = "rejected"
    VALIDATED = "validated"
    APPROVED = "approved"
    RETURNED = "returned"
    APPLIED = "applied"
    FAILED = "failed"  # its job kept failing (retries exhausted): final, with a failure reason


class ProgressStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    WITHIN = "within"
    EXCEEDED = "exceeded"


class ProgressBasis(StrEnum):
    OWN = "own"
    MEMBERS_SUM = "members_sum"


class Role(StrEnum):
    ADMIN = "admin"
    TASKFORCE = "taskforce"
    PARTNER = "partner"
    VIEWER = "viewer"


class JobStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"


class SourceKind(StrEnum):
    CBS_STATLINE = "cbs_statline"
    URL_FILE = "url_file"
    WATCHED_FOLDER = "watched_folder"


class SourceRunOutcome(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    UNCHANGED = "unchanged"  # the same content as an earlier pull: no new submission
    RETRYING = "retrying"  # this attempt failed; the worker tries again with backoff
    FAILED = "failed"


class ReportingFrequency(StrEnum):
    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class WebhookEvent(StrEnum):
    SUBMISSION_STATUS_CHANGED = "submission.status_changed"
    TARGET_PROGRESS_STATUS_CHANGED = "target.progress_status_changed"
    REMINDER = "reminder"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
