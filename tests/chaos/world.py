"""The chaos run's reporting world: municipalities, one indicator with a target each, a trusted
partner and its token. ``python -m tests.chaos.world N`` prints ``{"token": …, "codes": […]}``."""

from __future__ import annotations

import json
import sys

from sqlmodel import Session

from core.enums import OrganisationKind
from db.engine import get_engine
from tests.factories import Factory


def main(municipalities: int) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        make = Factory(session)
        indicator = make.indicator(code="dwellings-added")
        partner = make.organisation(
            code="chaos-partner", kind=OrganisationKind.CORPORATION, trusted_source=True
        )
        codes = []
        for n in range(municipalities):
            place = make.jurisdiction(code=f"GM{7000 + n:04d}", name=f"Chaosdorp {n}")
            make.scope(partner.id, place.id)  # type: ignore[arg-type]
            make.target(indicator_id=indicator.id, jurisdiction_id=place.id)
            codes.append(place.code)
        session.commit()
        token = make.token("chaos-partner", "partner")
    print(json.dumps({"token": token, "codes": codes}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
