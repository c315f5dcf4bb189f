"""The monitor app (``web/``, built to ``web/dist``) at ``/``, and GraphiQL from local assets.

Deep links (``/regio/…``, ``/gemeente/GM0518``) fall back to the app's ``index.html``, so every
page of the app can be bookmarked. Without a build the API still works, and ``/`` says how to get
the app.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.settings import Settings

NOT_BUILT = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Woonzorgmonitor</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Woonzorgmonitor</h1>
<p>The API runs: <a href="/graphql">/graphql</a>. The web app has not been built:
install Node.js 20 and npm, then run <code>make run</code> again (it builds <code>web/</code>),
or build it yourself with <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>
<p lang="nl">De API draait. De webapp is nog niet gebouwd: installeer Node.js 20 en npm en start
<code>make run</code> opnieuw.</p>
</body></html>"""


def web_dist(settings: Settings) -> Path:
    return Path(settings.web_dist_dir)


def web_app_routes(settings: Settings) -> list[Route | Mount]:
    """Routes to add after the API's own: the app's assets and its pages."""
    dist = web_dist(settings)

    async def page(request: Request) -> Response:
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT)
        wanted = (dist / request.path_params.get("path", "")).resolve()
        if wanted.is_file() and dist.resolve() in wanted.parents:
            return FileResponse(wanted)  # favicon, robots.txt, the map's boundaries …
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return [
        Mount("/assets", app=StaticFiles(directory=dist / "assets", check_dir=False)),
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/{path:path}", page, methods=["GET", "HEAD"]),
    ]


def graphiql_page(settings: Settings) -> Path | None:
    """The GraphiQL page bundled with the app (no CDN), when the app is built."""
    page = web_dist(settings) / "graphiql.html"
    return page if page.is_file() else None
