"""The app as the benchmark serves it: no in-process worker (jobs are not what is measured)."""

from __future__ import annotations

from starlette.applications import Starlette


def create() -> Starlette:
    from api.app import create_app

    return create_app(run_jobs=False)
