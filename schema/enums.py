"""The closed vocabularies of core/enums.py, exposed as GraphQL enums."""

from __future__ import annotations

import strawberry

from core import enums

JurisdictionKind = strawberry.enum(
    enums.JurisdictionKind, description="Level of government or area a jurisdiction is."
)
RegionType = strawberry.enum(enums.RegionType, description="What kind of cooperation a region is.")
OrganisationKind = strawberry.enum(
    enums.OrganisationKind, description="What kind of body an organisation is."
)
DocumentStatus = strawberry.enum(
    enums.DocumentStatus, description="Whether a document or target is adopted or a draft."
)
MeasureStatus = strawberry.enum(enums.MeasureStatus, description="Where a measure stands.")
PartnerRole = strawberry.enum(enums.PartnerRole, description="An organisation's part in a measure.")
IndicatorKind = strawberry.enum(
    enums.IndicatorKind,
    description="FLOW: summed over periods; STOCK: a level at a moment; RATIO: numerator over denominator.",
)
Direction = strawberry.enum(
    enums.Direction,
    description="Which way is good for an indicator: up, down, or staying within bounds.",
)
TargetKind = strawberry.enum(
    enums.TargetKind,
    description="What a target promises: a target, a minimum, a maximum (cap), a need estimate, an ambition or a commitment.",
)
Recurrence = strawberry.enum(
    enums.Recurrence, description="NONE: one window; YEARLY: the value applies to every year."
)
DistributionMethod = strawberry.enum(
    enums.DistributionMethod, description="How a distribution rule derives the members' targets."
)
ProjectPhase = strawberry.enum(enums.ProjectPhase, description="Phase of a housing project.")
SubmissionChannel = strawberry.enum(
    enums.SubmissionChannel, description="How a submission arrived."
)
SubmissionStatus = strawberry.enum(
    enums.SubmissionStatus,
    description="received → validating → rejected | validated → approved | returned → applied.",
)
ProgressStatus = strawberry.enum(
    enums.ProgressStatus,
    description="Judgement of progress: ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA; caps: WITHIN or EXCEEDED.",
)
ProgressBasis = strawberry.enum(
    enums.ProgressBasis,
    description="OWN: the jurisdiction's own figures; MEMBERS_SUM: the sum of a region's members.",
)
