"""The FastAPI application: the API router, the dashboard pages, error handling and headers."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chipwar import __version__
from chipwar.errors import ChipwarError, UnknownIdError
from chipwar.web.api import TEMP_PREFIX, BodyTooLargeError, RequestTimeoutError, router
from chipwar.web.cache import ResponseCache
from chipwar.web.settings import Settings

STATIC = Path(__file__).with_name("static")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Content-Security-Policy of every answer: nothing is loaded from another origin. Plotly sets
inline styles on the elements it draws, hence ``style-src 'unsafe-inline'``; no inline script
runs (the pages' data come as JSON in a non-executed ``<script type="application/json">``)."""


_TEMP_PATH = re.compile(r"\S*" + re.escape(TEMP_PREFIX) + r"[^/\s]+/")
_SUGGEST = re.compile(r"(?:did you mean (.+)\?|known: (.+?)(?:, …)?)$")


def message(exc: Exception) -> str:
    """The error text without the server's temporary folder (a body entry is named as
    ``spec.json``, ``bom.csv`` …)."""
    return _TEMP_PATH.sub("", str(exc))


def status_of(exc: ChipwarError) -> int:
    if isinstance(exc, BodyTooLargeError):
        return 413
    if isinstance(exc, RequestTimeoutError):
        return 503
    if isinstance(exc, UnknownIdError):
        return 404
    return 422


async def _chipwar_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChipwarError)
    text = message(exc)
    body: dict[str, Any] = {"error": text}
    if isinstance(exc, UnknownIdError):
        m = _SUGGEST.search(text)
        found = (m.group(1) or m.group(2)) if m else ""
        body["suggestions"] = [s.strip() for s in found.split(",") if s.strip()]
    return JSONResponse(body, status_code=status_of(exc))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own checks (a missing or mistyped option) as one line per problem, like the
    CLI's usage errors."""
    assert isinstance(exc, RequestValidationError)
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body")]
        got = err.get("input")
        got_text = f" (got {str(got)[:40]!r})" if isinstance(got, str | int | float) else ""
        lines.append(f"{'.'.join(loc) or 'request'}: {err.get('msg')}{got_text}")
    return JSONResponse({"error": "; ".join(lines)}, status_code=422)


HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """CSP and the other headers on every answer: a plain ASGI middleware that adds them to
    the response's start message (Starlette's ``BaseHTTPMiddleware`` runs each request
    through an extra task and memory stream, ~10 % of a small request's CPU time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Size the worker-thread pool (``run_in_threadpool``) to :attr:`Settings.threads`."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app: ``/api/v1`` (see :mod:`chipwar.web.api`), ``/docs``, ``/openapi.json`` and the
    dashboard pages."""
    from chipwar.web import docs, pages

    app = FastAPI(
        lifespan=_lifespan,
        title="chipwar",
        version=__version__,
        description="The chipwar CLI as a REST API: each answer equals `chipwar … --format json`.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings or Settings.from_env()
    app.state.responses = ResponseCache(app.state.settings.response_cache_bytes)
    app.add_exception_handler(ChipwarError, _chipwar_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(SecurityHeaders)
    app.include_router(router)
    app.include_router(docs.router)
    app.include_router(pages.router)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        return _static(name)

    return app


def _static(name: str) -> Response:
    """A file of the package's static folder, or plotly.min.js from the plotly package; any
    other name is 404 (no path is built from the request beyond a known file name)."""
    if name == "plotly.min.js":
        return FileResponse(plotly_js(), media_type="text/javascript")
    known = {p.name: p for p in STATIC.iterdir() if p.is_file()}
    if name not in known:
        return JSONResponse({"error": f"no static file {name[:40]!r}"}, status_code=404)
    kind = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    return FileResponse(known[name], media_type=kind.get(known[name].suffix, "text/plain"))


def plotly_js() -> Path:
    """plotly.min.js as shipped inside the plotly Python package (works offline)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
