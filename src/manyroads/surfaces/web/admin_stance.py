"""Operator pages for medication-stance evidence: moderate attendee reports, record and
withdraw group statements. Same sign-in, CSRF and audit rules as the other operator pages."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyroads.medication import reports, statements
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.web.admin import SESSION_FLASH, Operator, checked_form, csrf_token
from manyroads.surfaces.web.i18n import translate
from manyroads.surfaces.web.pages import language_of, render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/reports", response_class=HTMLResponse)
async def report_queue(request: Request, user: Operator, status: str = "pending") -> Response:
    context: AppContext = request.app.state.context
    found = reports.reports(context.store, status=status if status in {"pending", "approved", "rejected"} else None)
    names = {r["id"]: r["name"] for r in context.store.meeting_records(sorted({r.meeting_id for r in found}))}
    # Senders get a letter per page (A, B, ...): enough to see one sender's pattern, nothing more.
    letters: dict[str, str] = {}
    for report in found:
        letters.setdefault(report.reporter, _letter(len(letters)))
    return render(
        request,
        "admin/reports.html",
        language_of(request),
        "admin",
        reports=found,
        names=names,
        senders=letters,
        showing=status,
        csrf=csrf_token(request),
        message=request.session.pop(SESSION_FLASH, None),
    )


def _letter(number: int) -> str:
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


@router.post("/reports")
async def moderate(request: Request, user: Operator) -> Response:
    form = await checked_form(request)
    context: AppContext = request.app.state.context
    decision = form.get("decision", "")
    if decision not in {"approved", "rejected"}:
        return _back(request, "/admin/reports", translate(language_of(request), "Choose approve or reject."))
    ids = [int(part) for part in form.get("ids", "").split(",") if part.strip().isdigit()]
    if form.get("sender"):  # every pending report from one sender (on the page the operator saw)
        ids += [r.id for r in reports.reports(context.store, status="pending") if r.reporter == form["sender"]]
    changed = reports.moderate(context.store, sorted(set(ids)), decision, user)
    return _back(request, "/admin/reports", translate(language_of(request), "%(n)s reports updated.", n=changed))


@router.get("/statements", response_class=HTMLResponse)
async def statement_list(request: Request, user: Operator) -> Response:
    return _statements_page(request, message=request.session.pop(SESSION_FLASH, None))


@router.post("/statements")
async def add_statement(request: Request, user: Operator) -> Response:
    form = await checked_form(request)
    context: AppContext = request.app.state.context
    language = language_of(request)
    try:
        given_on = datetime.strptime(form.get("given_on", ""), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return _statement_error(request, form, "given_on: use the date the group gave it, as YYYY-MM-DD")
    try:
        statements.add_statement(
            context.store,
            meeting_id=form.get("meeting_id", "").strip(),
            stance=form.get("stance", ""),
            statement=form.get("statement", ""),
            given_by=form.get("given_by", ""),
            given_on=given_on,
            operator=user,
        )
    except statements.StatementError as error:
        return _statement_error(request, form, str(error))
    return _back(request, "/admin/statements", translate(language, "Statement recorded."))


@router.post("/statements/{statement_id}/withdraw")
async def withdraw(request: Request, user: Operator, statement_id: int) -> Response:
    await checked_form(request)
    context: AppContext = request.app.state.context
    try:
        statements.withdraw_statement(context.store, statement_id, user)
    except statements.StatementError as error:
        return _back(request, "/admin/statements", str(error))
    return _back(request, "/admin/statements", translate(language_of(request), "Statement withdrawn."))


def _statement_error(request: Request, form: dict[str, str], message: str) -> Response:
    """The page again with the operator's entries kept, and what was wrong."""
    return _statements_page(request, message=message, entered=form, status=400)


def _statements_page(
    request: Request, *, message: str | None, entered: dict[str, str] | None = None, status: int = 200
) -> Response:
    context: AppContext = request.app.state.context
    found = statements.statements(context.store)
    names = {r["id"]: r["name"] for r in context.store.meeting_records(sorted({s.meeting_id for s in found}))}
    return render(
        request,
        "admin/statements.html",
        language_of(request),
        "admin",
        status=status,
        statements=found,
        names=names,
        csrf=csrf_token(request),
        message=message,
        entered=entered or {},
    )


def _back(request: Request, path: str, message: str) -> Response:
    request.session[SESSION_FLASH] = message
    return RedirectResponse(f"{path}?lang={language_of(request)}", status_code=303)
