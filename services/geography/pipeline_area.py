"""Which municipalities' projects make up a jurisdiction's pipeline, with mergers and membership
dates applied (the progress forecast and the pipeline summaries both ask here).

* A municipality: itself, its districts (a project may name one) and its predecessors (those whose ``successor`` it is, transitively):
  a predecessor's projects count for the successor's pipeline, and are flagged as mapped.
* A region: its members whose membership is open on the day asked (subregions' members too),
  each with its predecessors. A predecessor whose membership ended at the merger counts through
  its successor when the successor is a member, and not when the successor is not; a future
  merger changes nothing until its day.

The pipeline is what is still to come, so the day asked is today. Jurisdictions, memberships
and successions are small tables: they are read whole, once per call, for any number of areas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import JurisdictionKind
from db.models import Jurisdiction, RegionMembership


@dataclass(frozen=True)
class PipelineArea:
    municipalities: frozenset[int]  # whose projects count
    predecessors: dict[int, str]  # of those, the ones counted for a successor: id → code

    def mapped_codes(self, municipality_ids: Iterable[int]) -> tuple[str, ...]:
        """Codes of the predecessors among ``municipality_ids`` (those with projects counted)."""
        return tuple(
            sorted({self.predecessors[i] for i in municipality_ids if i in self.predecessors})
        )


def pipeline_areas(session: Session, area_ids: Iterable[int], on: date) -> dict[int, PipelineArea]:
    """Per area id, the municipalities whose projects make up its pipeline on ``on``."""
    places = {
        row.id: row
        for row in session.execute(
            sa.select(
                col(Jurisdiction.id),
                col(Jurisdiction.code),
                col(Jurisdiction.kind),
                col(Jurisdiction.successor_id),
                col(Jurisdiction.parent_id),
            )
        )
    }
    districts: dict[int, list[int]] = defaultdict(list)
    for row in places.values():
        if row.kind is JurisdictionKind.DISTRICT and row.parent_id is not None:
            districts[row.parent_id].append(row.id)
    merged_into: dict[int, list[int]] = defaultdict(list)
    for row in places.values():
        if row.successor_id is not None:
            merged_into[row.successor_id].append(row.id)
    open_members: dict[int, list[int]] = defaultdict(list)
    for membership in session.execute(
        sa.select(
            col(RegionMembership.region_id),
            col(RegionMembership.member_id),
            col(RegionMembership.valid_from),
            col(RegionMembership.valid_to),
        )
    ):
        if (membership.valid_from is None or membership.valid_from <= on) and (
            membership.valid_to is None or membership.valid_to >= on
        ):
            open_members[membership.region_id].append(membership.member_id)

    def leaves(area_id: int) -> set[int]:
        found: set[int] = set()
        frontier, seen = [area_id], {area_id}
        while frontier:
            current = frontier.pop()
            row = places.get(current)
            if row is not None and row.kind is JurisdictionKind.REGION:
                fresh = [m for m in open_members.get(current, []) if m not in seen]
                seen.update(fresh)
                frontier.extend(fresh)
            else:
                found.add(current)
        return found

    areas = {}
    for area_id in set(area_ids):
        counted = leaves(area_id)
        mapped: dict[int, str] = {}
        frontier = list(counted)
        while frontier:
            for predecessor in merged_into.get(frontier.pop(), []):
                if predecessor not in counted and predecessor not in mapped:
                    mapped[predecessor] = places[predecessor].code
                    frontier.append(predecessor)
        inside = {d for place in counted | set(mapped) for d in districts.get(place, [])}
        mapped.update(
            {d: places[d].code for place in mapped for d in districts.get(place, [])}
        )  # a predecessor's districts count through it
        areas[area_id] = PipelineArea(frozenset(counted | set(mapped) | inside), mapped)
    return areas
