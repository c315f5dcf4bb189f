"""The built web app at / (deep links fall back to its index), GraphiQL from local assets, and a
clear page when the app has not been built."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from core.settings import Settings


def built_app(folder: Path) -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><div id='root'>monitor</div>")
    (folder / "graphiql.html").write_text("<!doctype html><div id='graphiql'>local</div>")
    (folder / "assets" / "app-1234.js").write_text("console.log('app')")
    (folder / "favicon.svg").write_text("<svg/>")
    return folder


def client_for(dist: Path) -> TestClient:
    return TestClient(create_app(Settings(web_dist_dir=str(dist)), run_jobs=False))


@pytest.mark.usefixtures("clean_db")
def test_the_app_its_assets_and_deep_links_are_served(tmp_path: Path) -> None:
    # given a built app
    client = client_for(built_app(tmp_path / "dist"))
    # then / and any page of the app give its index, assets and files are served as they are
    assert "monitor" in client.get("/").text
    deep = client.get("/gemeente/GM0518?asOf=2025-12-31")
    assert deep.status_code == 200 and "monitor" in deep.text
    assert client.get("/assets/app-1234.js").text == "console.log('app')"
    assert client.get("/favicon.svg").text == "<svg/>"
    # and the API keeps its own routes
    assert client.get("/healthz").json() == {"status": "ok"}
    # and nothing outside the build is reachable through the fallback
    outside = client.get("/..%2F..%2Fpyproject.toml")
    assert "monitor" in outside.text and "build-system" not in outside.text


@pytest.mark.usefixtures("clean_db")
def test_graphiql_comes_from_the_build_never_a_cdn(tmp_path: Path) -> None:
    client = client_for(built_app(tmp_path / "dist"))
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "local" in page.text
    assert "unpkg" not in page.text and "cdn" not in page.text.lower()


@pytest.mark.usefixtures("clean_db")
def test_without_a_build_the_api_works_and_says_how_to_get_the_app(tmp_path: Path) -> None:
    client = client_for(tmp_path / "nothing-built")
    home = client.get("/")
    assert home.status_code == 200 and "make run" in home.text and "Node.js" in home.text
    ide = client.get("/graphql", headers={"Accept": "text/html"})
    assert "Authorization: Bearer" in ide.text and "unpkg" not in ide.text
    answer = client.post("/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 200
