"""The public finder and the operator pages (server-rendered, progressively enhanced)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from manyroads.config import Settings
from manyroads.surfaces.web import admin, admin_stance, experience, pages, referral, treatment

STATIC = Path(__file__).with_name("static")
NODE_MODULES = Path(__file__).resolve().parents[4] / "node_modules"


def leaflet_directory() -> Path | None:
    """Leaflet's files, installed from npm (make install runs `npm ci`)."""
    for base in (NODE_MODULES, Path.cwd() / "node_modules"):
        candidate = base / "leaflet" / "dist"
        if (candidate / "leaflet.js").exists():
            return candidate
    return None


def asset_version() -> str:
    """Changes whenever our static files change, so browsers fetch new ones (long caching is safe)."""
    digest = hashlib.blake2b(digest_size=4)
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    leaflet = leaflet_directory()
    if leaflet is not None:
        digest.update((leaflet / "leaflet.js").read_bytes())
    return digest.hexdigest()


def install(app: FastAPI, settings: Settings) -> None:
    app.include_router(pages.router)
    app.include_router(experience.router)
    app.include_router(referral.router)
    app.include_router(treatment.router)
    app.include_router(admin.router)
    app.add_exception_handler(admin.SignInNeeded, lambda request, _error: admin.login_redirect(request))
    app.include_router(admin_stance.router)
    leaflet = leaflet_directory()
    if leaflet is not None:
        app.mount("/static/vendor/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=admin.session_secret(settings.data_dir, settings.secret_key),
        session_cookie="manyroads_operator",
        max_age=8 * 3600,
        same_site="strict",
        https_only=settings.cookies_need_https,
    )
