"""The web application: API, feeds and (later) the finder, in one FastAPI app.

`create_app()` is the uvicorn factory; settings come from MANYROADS_* variables.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manyroads import __version__
from manyroads.config import Settings
from manyroads.geo import gazetteer
from manyroads.medication.stance import stance_codes
from manyroads.surfaces import api, feeds
from manyroads.surfaces.context import AppContext, request_base
from manyroads.surfaces.feeds import bmlt
from manyroads.surfaces.params import ApiError
from manyroads.surfaces.responses import JSONResponse

log = logging.getLogger(__name__)
_OPEN_PREFIXES = ("/api/", "/feeds/", "/bmlt/")


def create_app(settings: Settings | None = None, *, context: AppContext | None = None) -> FastAPI:
    """The application. Given an opened `context` (index loaded), start-up is instant: the
    pre-fork server passes one so that every worker shares it."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = context
        if opened is None:
            opened = AppContext.open(settings, stance=stance_codes)
            opened.index.rebuild()  # serve only once the index exists
        # The gazetteer takes a couple of seconds to load; do it off the request path.
        threading.Thread(target=gazetteer, name="gazetteer-warmup", daemon=True).start()
        app.state.context = opened
        yield
        opened.store.close()

    app = FastAPI(
        title="manyroads",
        version=__version__,
        summary="Recovery meetings from every fellowship, with medication for opioid use disorder.",
        lifespan=lifespan,
        default_response_class=JSONResponse,
        openapi_url="/openapi.json",
    )
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(bmlt.router)
    _install_error_handlers(app)

    app.add_middleware(OpenReads)
    return app


class OpenReads:
    """Per request: remember the URL requests arrive at (for links), let any site read the
    API and feeds (CORS), and forbid content sniffing. Plain ASGI: no per-request task."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_base.set(_base_url(scope))
        open_read = scope["method"] in {"GET", "HEAD"} and scope["path"].startswith(_OPEN_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if open_read:
                    headers.setdefault("Access-Control-Allow-Origin", "*")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _base_url(scope: Scope) -> str:
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> Response:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> Response:
        details = []
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body")]
            details.append({"field": ".".join(location) or "request", "message": item.get("msg", "invalid")})
        first = details[0] if details else {"field": "request", "message": "invalid request"}
        body = ApiError(400, f"{first['field']}: {first['message']}", first["field"], details).body()
        return JSONResponse(body, status_code=400)
