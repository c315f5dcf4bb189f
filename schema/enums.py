"""The closed vocabularies of core/enums.py, exposed as GraphQL enums."""

from __future__ import annotations

import strawberry

from core import enums

# strawberry.enum marks a class in place and returns that same class; the names here are the
# core classes themselves, so type checkers accept them in annotations (an assignment from the
# call would be a variable to them, not a type).
JurisdictionKind = enums.JurisdictionKind
strawberry.enum(JurisdictionKind, description="Level of government or area a jurisdiction is.")
RegionType = enums.RegionType
strawberry.enum(RegionType, description="What kind of cooperation a region is.")
OrganisationKind = enums.OrganisationKind
strawberry.enum(OrganisationKind, description="What kind of body an organisation is.")
DocumentStatus = enums.DocumentStatus
strawberry.enum(DocumentStatus, description="Whether a document or target is adopted or a draft.")
MeasureStatus = enums.MeasureStatus
strawberry.enum(MeasureStatus, description="Where a measure stands.")
PartnerRole = enums.PartnerRole
strawberry.enum(PartnerRole, description="An organisation's part in a measure.")
IndicatorKind = enums.IndicatorKind
strawberry.enum(
    IndicatorKind,
    description="FLOW: summed over periods; STOCK: a level at a moment; RATIO: numerator over denominator.",
)
Direction = enums.Direction
strawberry.enum(
    Direction,
    description="Which way is good for an indicator: up, down, or staying within bounds.",
)
TargetKind = enums.TargetKind
strawberry.enum(
    TargetKind,
    description="What a target promises: a target, a minimum, a maximum (cap), a need estimate, an ambition or a commitment.",
)
Recurrence = enums.Recurrence
strawberry.enum(
    Recurrence, description="NONE: one window; YEARLY: the value applies to every year."
)
DistributionMethod = enums.DistributionMethod
strawberry.enum(
    DistributionMethod, description="How a distribution rule derives the members' targets."
)
ProjectPhase = enums.ProjectPhase
strawberry.enum(ProjectPhase, description="Phase of a housing project.")
SubmissionChannel = enums.SubmissionChannel
strawberry.enum(SubmissionChannel, description="How a submission arrived.")
SubmissionStatus = enums.SubmissionStatus
strawberry.enum(
    SubmissionStatus,
    description="received → validating → rejected | validated → approved | returned → applied; "
    "FAILED when its processing kept failing (see `failureReason`).",
)
ProgressStatus = enums.ProgressStatus
strawberry.enum(
    ProgressStatus,
    description="Judgement of progress: ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA; caps: WITHIN or EXCEEDED.",
)
ProgressBasis = enums.ProgressBasis
strawberry.enum(
    ProgressBasis,
    description="OWN: the jurisdiction's own figures; MEMBERS_SUM: the sum of a region's members.",
)
Role = enums.Role
strawberry.enum(
    Role,
    description="What a user or token may do: ADMIN everything; TASKFORCE its regions; PARTNER "
    "its organisation's scope; VIEWER read only.",
)
ReportingFrequency = enums.ReportingFrequency
strawberry.enum(ReportingFrequency, description="How often a reporting obligation is owed.")
