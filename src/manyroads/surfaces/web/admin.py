"""Operator pages: sources and their health, problems, history; add, disable, re-sync.

Signed-in sessions live in a signed cookie; every form carries a CSRF token tied to the
session and every POST also checks its Origin; sign-in attempts are throttled per address;
every operator action goes to the audit log.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyroads import operators
from manyroads.medication.reports import reports
from manyroads.sources import ADAPTERS
from manyroads.sources.timezones import canonical_zone
from manyroads.store.tables import SourceRow
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.params import ApiError
from manyroads.surfaces.web.i18n import translate
from manyroads.surfaces.web.pages import language_of, render

router = APIRouter(prefix="/admin", include_in_schema=False)
SESSION_USER = "operator"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
_ATTEMPTS: dict[str, deque[float]] = defaultdict(deque)
_ATTEMPT_WINDOW, _ATTEMPT_LIMIT = 15 * 60, 10
_LOCK = threading.Lock()
_SYNCING: set[str] = set()  # sources being synced from these pages right now


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


async def checked_form(request: Request) -> dict[str, str]:
    """The POSTed form, after the CSRF token and the Origin header have been checked."""
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise ApiError(403, "the request came from another site", "origin")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not hmac.compare_digest(form.get("csrf", ""), str(expected)):
        raise ApiError(403, "the form expired or did not come from this site; reload the page and try again", "csrf")
    return form


def operator(request: Request) -> str | None:
    """The signed-in operator, if the session names one who still has an account."""
    user = request.session.get(SESSION_USER)
    if not user:
        return None
    if not operators.is_operator(request.app.state.context.store, str(user)):
        request.session.clear()
        return None
    return str(user)


def login_redirect(request: Request) -> Response:
    return RedirectResponse(f"/admin/login?lang={language_of(request)}", status_code=303)


class SignInNeeded(Exception):
    """No operator is signed in; the app answers with a redirect to the sign-in page."""


def signed_in(request: Request) -> str:
    """For operator pages: the signed-in operator's name, or SignInNeeded."""
    user = operator(request)
    if user is None:
        raise SignInNeeded
    return user


Operator = Annotated[str, Depends(signed_in)]


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "admin/login.html", language_of(request), "admin", csrf=csrf_token(request), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    context: AppContext = request.app.state.context
    form = await checked_form(request)
    address = request.client.host if request.client else "unknown"
    now = time.monotonic()
    with _LOCK:
        attempts = _ATTEMPTS[address]
        while attempts and now - attempts[0] > _ATTEMPT_WINDOW:
            attempts.popleft()
        too_many = len(attempts) >= _ATTEMPT_LIMIT
        attempts.append(now)
    username = form.get("username", "").strip()
    if too_many or not operators.check_password(context.store, username, form.get("password", "")):
        language = language_of(request)
        message = (
            translate(language, "Too many attempts; wait 15 minutes and try again.")
            if too_many
            else translate(language, "That username and password do not match.")
        )
        return render(
            request,
            "admin/login.html",
            language,
            "admin",
            status=401,
            csrf=csrf_token(request),
            error=message,
        )
    with _LOCK:
        _ATTEMPTS.pop(address, None)
    request.session.clear()  # a fresh session on sign-in
    request.session[SESSION_USER] = username
    operators.record(context.store, username, "sign in")
    return RedirectResponse(f"/admin?lang={language_of(request)}", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    user = operator(request)
    if user:
        operators.record(request.app.state.context.store, user, "sign out")
    request.session.clear()
    return login_redirect(request)


@router.get("", response_class=HTMLResponse)
async def dashboard(request: Request, user: Operator) -> Response:
    context: AppContext = request.app.state.context
    return render(
        request,
        "admin/dashboard.html",
        language_of(request),
        "admin",
        user=user,
        csrf=csrf_token(request),
        sources=context.store.sources(),
        kinds=sorted(ADAPTERS),
        message=request.session.pop(SESSION_FLASH, None),
        pending_reports=len(reports(context.store, status="pending")),
    )


@router.get("/sources/{name}", response_class=HTMLResponse)
async def source_page(request: Request, user: Operator, name: str) -> Response:
    context: AppContext = request.app.state.context
    try:
        source = context.store.source(name)
    except KeyError:
        raise ApiError(404, f"no source named {name!r}", "name") from None
    return render(
        request,
        "admin/source.html",
        language_of(request),
        "admin",
        source=source,
        problems=context.store.problems(source=name, limit=500),
        history=context.store.history(source=name, limit=200),
        csrf=csrf_token(request),
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, user: Operator) -> Response:
    context: AppContext = request.app.state.context
    return render(
        request, "admin/audit.html", language_of(request), "admin", entries=operators.audit_log(context.store)
    )


@router.post("/sources")
async def add_source(request: Request, user: Operator) -> Response:
    form = await checked_form(request)
    context: AppContext = request.app.state.context
    name, kind, location = form.get("name", "").strip(), form.get("kind", ""), form.get("location", "").strip()
    zone = canonical_zone(form.get("timezone", "")) if form.get("timezone") else None
    problems = []
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum() or name != name.lower():
        problems.append("the name must be lowercase letters, digits, '-', '_' or '.'")
    if kind not in ADAPTERS:
        problems.append(f"kind must be one of {', '.join(sorted(ADAPTERS))}")
    if not location.startswith(("http://", "https://")):
        problems.append("the location must be an http(s) URL (local files are added from the command line)")
    if form.get("timezone") and zone is None:
        problems.append(f"{form['timezone']!r} is not an IANA time zone")
    default = ADAPTERS[kind].default_fellowship if kind in ADAPTERS else ""
    fellowship = (form.get("fellowship") or default).upper()
    if not fellowship:
        problems.append("give the fellowship code")
    if not problems:
        try:
            context.store.add_source(
                name=name, kind=kind, location=location, fellowship=fellowship, default_timezone=zone
            )
        except ValueError as error:
            problems.append(str(error))
    if problems:
        return render(
            request,
            "admin/dashboard.html",
            language_of(request),
            "admin",
            status=400,
            user=user,
            csrf=csrf_token(request),
            sources=context.store.sources(),
            kinds=sorted(ADAPTERS),
            message="; ".join(problems),
            entered=form,
        )
    operators.record(context.store, user, "add source", name, kind=kind, location=location)
    return _back_to_dashboard(
        request, translate(language_of(request), "Added %(name)s. Sync it to fetch its meetings.", name=name)
    )


@router.post("/sources/{name}/{action}")
async def source_action(request: Request, user: Operator, name: str, action: str) -> Response:
    await checked_form(request)
    context: AppContext = request.app.state.context
    try:
        source = context.store.source(name)
    except KeyError:
        raise ApiError(404, f"no source named {name!r}", "name") from None
    if action in {"enable", "disable"}:
        context.store.set_source_enabled(name, action == "enable")
        if action == "enable":
            message = translate(language_of(request), "%(name)s is enabled.", name=name)
        else:
            message = translate(language_of(request), "%(name)s is disabled.", name=name)
    elif action == "sync":
        with _LOCK:
            busy = name in _SYNCING
            _SYNCING.add(name)
        if busy:
            message = translate(language_of(request), "%(name)s is already syncing.", name=name)
        else:
            threading.Thread(target=_sync_one, args=(context, source), name=f"sync-{name}", daemon=True).start()
            message = translate(
                language_of(request),
                "Syncing %(name)s now; reload this page in a moment to see the result.",
                name=name,
            )
    else:
        raise ApiError(404, f"unknown action {action!r}", "action")
    operators.record(context.store, user, action, name)
    return _back_to_dashboard(request, message)


def _back_to_dashboard(request: Request, message: str) -> Response:
    """Post/redirect/get: reloading the dashboard must not repeat the action."""
    request.session[SESSION_FLASH] = message
    return RedirectResponse(f"/admin?lang={language_of(request)}", status_code=303)


def _sync_one(context: AppContext, source: SourceRow) -> None:
    from manyroads.sync import HttpFetcher, Syncer

    settings = context.settings
    fetcher = HttpFetcher.from_settings(settings)
    try:
        with fetcher:
            Syncer(context.store, fetcher, shrink_threshold=settings.shrink_threshold).sync([source.name])
    finally:
        with _LOCK:
            _SYNCING.discard(source.name)


def session_secret(data_dir: Path, configured: str | None) -> str:
    """The key that signs operator sessions: configured, or generated once per data directory."""
    if configured:
        return configured
    path = data_dir / "session-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
