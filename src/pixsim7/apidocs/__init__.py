"""GET /docs: Swagger UI for the API, served from the package, so it works offline.

The Swagger UI files come from the pinned `fastapi-offline` package; the page itself and
its start-up script are ours. The page carries no inline script or style, so it works
under a strict Content-Security-Policy (`script-src 'self'`).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from pixsim7 import errors

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
SWAGGER = Path(fastapi_offline.__file__).parent / "static"
ASSETS = {
    "swagger-ui.css": (SWAGGER / "swagger-ui.css", "text/css"),
    "swagger-ui-bundle.js": (SWAGGER / "swagger-ui-bundle.js", "text/javascript"),
    "favicon.png": (SWAGGER / "favicon.png", "image/png"),
    "swagger-init.js": (HERE / "swagger-init.js", "text/javascript"),
}
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    app = request.app
    return HTMLResponse(
        PAGE.format(title=app.title, openapi_url=app.openapi_url),
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/docs/assets/{name}")
async def asset(name: str) -> Response:
    if name not in ASSETS:
        raise errors.NotFound("no such file")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})
