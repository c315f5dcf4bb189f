"""``GET /open-data/datapackage.json`` and its CSV files: the open-data package, readable without
a token when public read is on (and with any token)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from core.settings import get_settings
from services.exports.open_data import DESCRIPTOR, RESOURCES, open_data_directory

FILES = {DESCRIPTOR: "application/json", **{f"{name}.csv": "text/csv" for name in RESOURCES}}


async def open_data_file(request: Request) -> Response:
    name = request.path_params["name"]
    if getattr(request.state, "principal", None) is None and not get_settings().public_read:
        return JSONResponse(
            {
                "error": {
                    "code": "unauthenticated",
                    "message": "send 'Authorization: Bearer <token>'",
                }
            },
            status_code=401,
        )
    path = open_data_directory() / name
    if name not in FILES or not path.is_file():
        return JSONResponse(
            {"error": {"code": "not_found", "message": f"the package has {', '.join(FILES)}"}},
            status_code=404,
        )
    media = FILES[name] + ("; charset=utf-8" if name.endswith(".csv") else "")
    return FileResponse(path, media_type=media)
