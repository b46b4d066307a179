"""The web application: API, feeds and (later) the finder, in one FastAPI app.

`create_app()` is the uvicorn factory; settings come from MANYROADS_* variables.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manyroads import __version__
from manyroads.config import Settings
from manyroads.geo import gazetteer
from manyroads.surfaces import api, facilities, feeds, referral, web
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
            opened = AppContext.open(settings)
            opened.index.rebuild()  # serve only once the index exists
        # The gazetteer takes a couple of seconds to load; do it off the request path.
        threading.Thread(target=gazetteer, name="gazetteer-warmup", daemon=True).start()
        opened.extras.setdefault("asset_version", web.asset_version())
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
        # FastAPI's /docs and /redoc load their scripts from a CDN; no page here loads anything
        # from another site, so the API is described by /openapi.json only.
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(api.router)
    app.include_router(facilities.router)
    app.include_router(referral.router)
    app.include_router(feeds.router)
    app.include_router(bmlt.router)
    web.install(app, settings)
    _install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=800, compresslevel=6)
    app.add_middleware(SiteHeaders, content_security_policy=content_security_policy(settings))
    return app


def content_security_policy(settings: Settings) -> str:
    """Everything from this server only (no inline scripts), plus map tiles from the operator's
    tile service."""
    tiles = urlsplit(settings.tile_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {tile_origin}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SiteHeaders:
    """Per request: remember the URL requests arrive at (for links); security headers on every
    response; reads of the API and feeds open to any site (CORS). Plain ASGI."""

    def __init__(self, app: ASGIApp, content_security_policy: str):
        self.app = app
        self.csp = content_security_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_base.set(_base_url(scope))
        open_read = scope["method"] in {"GET", "HEAD"} and scope["path"].startswith(_OPEN_PREFIXES)
        secure = scope.get("scheme") == "https"
        # HEAD is GET without the body (monitors and link checkers use it); the routes only
        # declare GET.
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Content-Security-Policy", self.csp)
                # Never tell other sites which page (and so which search) someone came from;
                # same-origin keeps the Origin header that operator forms are checked against.
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if secure:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                if open_read:
                    headers.setdefault("Access-Control-Allow-Origin", "*")
                if scope["path"].startswith("/static/"):
                    headers.setdefault("Cache-Control", "public, max-age=31536000, immutable")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _base_url(scope: Scope) -> str:
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


def _install_error_handlers(app: FastAPI) -> None:
    """Errors say what was wrong: JSON for the API and feeds, a readable page for people."""

    def answer(request: Request, error: ApiError) -> Response:
        if request.url.path.startswith(_OPEN_PREFIXES) or request.url.path == "/openapi.json":
            return JSONResponse(error.body(), status_code=error.status)
        from manyroads.surfaces.web.i18n import translate
        from manyroads.surfaces.web.pages import language_of, render

        language = language_of(request)
        titles = {
            404: translate(language, "Page not found"),
            403: translate(language, "Not allowed"),
            400: translate(language, "That search did not work"),
        }
        return render(
            request,
            "error.html",
            language,
            "error",
            status=error.status,
            title=titles.get(error.status) or translate(language, "Something went wrong"),
            message=error.message,
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        return answer(request, error)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = "nothing here; check the address" if error.status_code == 404 else str(error.detail)
        return answer(request, ApiError(error.status_code, message))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        details = []
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body")]
            details.append({"field": ".".join(location) or "request", "message": item.get("msg", "invalid")})
        first = details[0] if details else {"field": "request", "message": "invalid request"}
        return answer(request, ApiError(400, f"{first['field']}: {first['message']}", first["field"], details))
