"""``/docs``: interactive API docs (Swagger UI), served from the swagger-ui-bundle-v2 package
so the page works offline and under the strict Content-Security-Policy (no inline script)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

router = APIRouter(include_in_schema=False)

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chipwar API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>
"""


def _swagger_dir() -> Path:
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/assets/{name}")
async def asset(name: str) -> Response:
    if name not in ASSETS:
        return JSONResponse({"error": f"no asset {name[:40]!r}"}, status_code=404)
    kind = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(_swagger_dir() / name, media_type=kind)
