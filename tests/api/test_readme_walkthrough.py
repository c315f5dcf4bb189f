"""README "Set-up on a fresh machine": every command and query of the walk-through (steps 2 to 4)
runs as written, against the app on a freshly seeded database. ``make run`` itself is replaced by
``woonzorg seed`` and an in-process app; each ``curl`` line is sent, as parsed, to that app."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from services.jobs import COMPUTE, INGEST
from tests.conftest import drain

README = Path(__file__).parents[2] / "README.md"


def walkthrough_blocks() -> list[tuple[str, str]]:
    text = README.read_text()
    section = text[text.index("## Set-up on a fresh machine") : text.index("## Reference dataset")]
    section = section[section.index("**2.") :]  # step 1 is `make run` and a browser
    return re.findall(r"```(sh|graphql)\n(.*?)```", section, flags=re.S)


def curl(client: TestClient, line: str, cwd: Path) -> Any:
    args = shlex.split(line)[1:]
    headers: dict[str, str] = {}
    data: str | None = None
    files: dict[str, Any] = {}
    url = ""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-s":
            i += 1
            continue
        if arg in ("-H", "-d", "-F"):
            value = args[i + 1]
            if arg == "-H":
                name, _, content = value.partition(":")
                headers[name.strip()] = content.strip()
            elif arg == "-d":
                data = value
            else:
                name, _, path = value.partition("=@")
                files[name] = (path, (cwd / path).read_bytes(), "text/csv")
            i += 2
            continue
        url = arg
        i += 1
    path = url.removeprefix("http://127.0.0.1:8000")
    if files:
        return client.post(path, headers=headers, files=files)
    if data is not None:
        return client.post(path, headers=headers, content=data.encode())
    return client.get(path, headers=headers)


def test_the_readme_walkthrough_runs_as_written(clean_db, broker, worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    seeded = runner.invoke(cli, ["seed"])  # what `make run` does before serving
    assert seeded.exit_code == 0, seeded.output
    drain(broker, worker, COMPUTE)
    client = TestClient(create_app(run_jobs=False, engine=clean_db))
    env: dict[str, str] = {}
    printed = ""
    answer: Any = None
    ran = {"woonzorg": 0, "curl": 0, "graphql": 0}
    for language, block in walkthrough_blocks():
        if language == "graphql":
            response = client.post(
                "/graphql",
                json={"query": block.strip()},
                headers={"Authorization": f"Bearer {env['TOKEN']}"},
            )
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            assert body["data"]["jurisdictions"]["edges"], body
            ran["graphql"] += 1
            continue
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            command, _, comment = line.partition("   #")
            command = command.strip()
            if command.startswith("export "):
                name, _, value = command.removeprefix("export ").partition("=")
                if "printed" in comment:
                    env[name] = printed
                elif "answer" in comment:
                    assert value == answer["id"], (value, answer)  # as the README shows it
                    env[name] = answer["id"]
                else:
                    env[name] = value
                continue
            for name, value in env.items():
                command = command.replace(f"${name}", value)
            if command.startswith(".venv/bin/woonzorg "):
                result = runner.invoke(cli, shlex.split(command)[1:])
                assert result.exit_code == 0, (command, result.output)
                printed = result.stdout.strip().splitlines()[-1]
                ran["woonzorg"] += 1
            elif command.startswith("curl "):
                response = curl(client, command, tmp_path)
                assert response.status_code in (200, 202), (command, response.text)
                answer = response.json()
                assert "errors" not in answer, answer
                ran["curl"] += 1
                drain(broker, worker, INGEST, COMPUTE)
            elif command.startswith("printf "):
                subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True)
            else:
                raise AssertionError(f"the walk-through has a command this test cannot run: {line}")
    assert ran == {"woonzorg": 2, "curl": 4, "graphql": 1}
    # the last answer is the progress of the target: Leiden's figure counts
    nodes = [e["node"] for e in answer["data"]["progress"]["edges"]]
    counted = [
        n for n in nodes if n["target"]["code"] == "leiden-woonzorgvisie-2025-geclusterd-770"
    ]
    assert counted and float(counted[0]["realised"]) >= 12, json.dumps(answer)
