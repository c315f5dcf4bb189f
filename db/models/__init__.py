"""Every table of the domain model; importing this package registers them all on the metadata."""

from db.models.access import ApiToken, User, UserLink, UserSession
from db.models.audit import AuditEvent
from db.models.geography import Jurisdiction, RegionMembership
from db.models.jobs import OutboxJob
from db.models.observations import Observation, cell_key
from db.models.organisations import Organisation, OrganisationScope
from db.models.periodic import (
    Reminder,
    ReportingObligation,
    ReportingObligationJurisdiction,
    Source,
    SourceRun,
    WebhookDelivery,
    WebhookSubscription,
)
from db.models.policy import (
    ActionLine,
    Measure,
    MeasurePartner,
    MeasureStatusUpdate,
    PolicyDocument,
)
from db.models.progress import ProgressSnapshot
from db.models.projects import Project, ProjectPhaseChange, ProjectUnits
from db.models.submissions import Submission, SubmissionError
from db.models.targets import DistributionRule, DistributionShare, Target
from db.models.versioning import DataVersion
from db.models.vocabulary import HousingType, Indicator, TargetGroup
from db.models.workers import WorkerHeartbeat, WorkerProcess

__all__ = [
    "ActionLine",
    "ApiToken",
    "AuditEvent",
    "DataVersion",
    "DistributionRule",
    "DistributionShare",
    "HousingType",
    "Indicator",
    "Jurisdiction",
    "Measure",
    "MeasurePartner",
    "MeasureStatusUpdate",
    "Observation",
    "Organisation",
    "OrganisationScope",
    "OutboxJob",
    "PolicyDocument",
    "ProgressSnapshot",
    "Project",
    "ProjectPhaseChange",
    "ProjectUnits",
    "RegionMembership",
    "Reminder",
    "ReportingObligation",
    "ReportingObligationJurisdiction",
    "Source",
    "SourceRun",
    "Submission",
    "SubmissionError",
    "Target",
    "TargetGroup",
    "User",
    "UserLink",
    "UserSession",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkerHeartbeat",
    "WorkerProcess",
    "cell_key",
]
