"""Loading the codes a project may name (municipalities, districts, housing types, target
groups) from the database, once per request or file."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from db.models import HousingType, Jurisdiction, TargetGroup
from ingest.projects.codes import Area, ProjectCodes


def load_project_codes(session: Session) -> ProjectCodes:
    """Every code a project may name, loaded once per request or file."""
    areas = {
        code.casefold(): Area(id_, code, kind, parent)
        for id_, code, kind, parent in session.execute(
            sa.select(
                col(Jurisdiction.id),
                col(Jurisdiction.code),
                col(Jurisdiction.kind),
                col(Jurisdiction.parent_id),
            )
        )
    }

    def vocabulary(model: type[HousingType | TargetGroup]) -> dict[str, tuple[int, str]]:
        rows = session.execute(sa.select(col(model.id), col(model.code)))
        return {code.casefold(): (id_, code) for id_, code in rows}

    return ProjectCodes(areas, vocabulary(HousingType), vocabulary(TargetGroup))
