"""Builds small reference datasets on disk for loader tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CITE = {"lines": "L1-2", "quote": "citaat"}


def minimal_dataset() -> dict[str, dict[str, Any]]:
    """A consistent dataset: two municipalities in a region, one document with one of each."""
    return {
        "common/jurisdictions.yaml": {
            "jurisdictions": [
                {"code": "NL", "name": "Nederland", "kind": "country"},
                {"code": "PV28", "name": "Zuid-Holland", "kind": "province", "parent": "NL"},
                {"code": "GM0546", "name": "Leiden", "kind": "municipality", "parent": "PV28"},
                {"code": "GM0547", "name": "Leiderdorp", "kind": "municipality", "parent": "PV28"},
            ]
        },
        "common/regions.yaml": {
            "regions": [
                {
                    "code": "rg-leidse-regio",
                    "name": "Leidse regio",
                    "region_type": "subregion",
                    "members": ["GM0546", {"code": "GM0547", "valid_from": "2020-01-01"}],
                    "source": {**CITE, "document": "doc-a"},
                }
            ]
        },
        "common/organisations.yaml": {
            "organisations": [
                {
                    "code": "gem-leiden",
                    "name": "Gemeente Leiden",
                    "kind": "municipality",
                    "jurisdiction": "GM0546",
                },
                {"code": "portaal", "name": "Portaal", "kind": "corporation"},
            ]
        },
        "common/target_groups.yaml": {
            "target_groups": [
                {
                    "code": "ouderen",
                    "name_nl": "Ouderen",
                    "name_en": "Older people",
                    "source": {**CITE, "document": "doc-a"},
                },
                {
                    "code": "ouderen-75-plus",
                    "name_nl": "75-plussers",
                    "name_en": "People aged 75+",
                    "parent": "ouderen",
                    "source": {**CITE, "document": "doc-a"},
                },
            ]
        },
        "common/housing_types.yaml": {
            "housing_types": [
                {
                    "code": "geclusterd",
                    "name_nl": "Geclusterde woning",
                    "name_en": "Clustered dwelling",
                    "source": {**CITE, "document": "doc-a"},
                }
            ]
        },
        "common/indicators.yaml": {
            "indicators": [
                {
                    "code": "dwellings-added",
                    "name_nl": "Toegevoegde woningen",
                    "name_en": "Dwellings added",
                    "unit": "dwellings",
                    "kind": "flow",
                    "direction": "higher_is_better",
                    "dimensions": ["housing_type", "target_group"],
                },
                {
                    "code": "homeless-persons",
                    "name_nl": "Dakloze personen",
                    "name_en": "Homeless persons",
                    "unit": "persons",
                    "kind": "stock",
                    "direction": "lower_is_better",
                },
            ]
        },
        "doc-a/document.yaml": {
            "document": {
                "code": "doc-a",
                "title": "Leidse visie",
                "issuer": "gem-leiden",
                "jurisdiction": "GM0546",
                "published_on": "2025-04-01",
                "status": "adopted",
                "horizon_year": 2040,
            }
        },
        "doc-a/action_lines.yaml": {
            "action_lines": [
                {"code": "T1", "title": "Thema"},
                {"code": "T1.1", "title": "Actielijn", "parent": "T1"},
            ]
        },
        "doc-a/measures.yaml": {
            "measures": [
                {
                    "code": "1a",
                    "action_line": "T1.1",
                    "title": "Maatregel",
                    "owner": "gem-leiden",
                    "partners": ["portaal"],
                    "due": "2026-Q2",
                    "source": CITE,
                }
            ]
        },
        "doc-a/targets.yaml": {
            "targets": [
                {
                    "code": "doc-a-clustered-2030",
                    "indicator": "dwellings-added",
                    "jurisdiction": "GM0546",
                    "housing_type": "geclusterd",
                    "kind": "target",
                    "value": 770,
                    "deadline": 2030,
                    "source": CITE,
                },
                {
                    "code": "doc-a-range",
                    "indicator": "dwellings-added",
                    "jurisdiction": "rg-leidse-regio",
                    "kind": "need_estimate",
                    "low": 5000,
                    "high": 7500,
                    "deadline": 2040,
                    "source": CITE,
                },
            ]
        },
        "doc-a/observations.yaml": {
            "observations": [
                {
                    "indicator": "homeless-persons",
                    "jurisdiction": "GM0546",
                    "period": 2024,
                    "value": 120,
                    "source": CITE,
                }
            ]
        },
        "doc-a/projects.yaml": {
            "projects": [
                {
                    "code": "saam",
                    "name": "SAAM",
                    "municipality": "GM0546",
                    "owner": "portaal",
                    "phase": "construction",
                    "expected_completion": 2028,
                    "units": [
                        {"housing_type": "geclusterd", "target_group": "ouderen", "units": 60}
                    ],
                    "source": CITE,
                }
            ]
        },
    }


def write_dataset(root: Path, files: dict[str, dict[str, Any]]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return root
