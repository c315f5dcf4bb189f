"""docker-compose.yml is a valid Compose file and describes the production set-up of DESIGN §3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from workers.broker import get_broker

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_it_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((Path(__file__).parent / "compose_spec.json").read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_it_runs_the_production_services_with_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {
        "postgres",
        "redis",
        "migrate",
        "api",
        "worker-ingest",
        "worker-compute",
        "scheduler",
    } <= set(services)
    for name in ("postgres", "redis", "api"):
        assert "healthcheck" in services[name], name
    assert "--appendonly" in services["redis"]["command"]  # the broker keeps its queues on disk
    assert services["migrate"]["command"] == ["woonzorg", "migrate"]
    assert services["scheduler"]["deploy"]["replicas"] == 1  # exactly one scheduler
    for name in ("api", "worker-ingest", "worker-compute", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["environment"]["WOONZORG_BROKER_URL"].startswith("redis://"), name
    consumed = {
        q for n in ("worker-ingest", "worker-compute") for q in services[n]["command"][3::2]
    }
    assert consumed == actor_queues()  # every queue an actor uses is consumed by a worker


def actor_queues() -> set[str]:
    broker = get_broker()  # started by the test harness, every actor declared
    return {broker.get_actor(name).queue_name for name in broker.get_declared_actors()}
