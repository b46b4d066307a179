"""The meeting page's "tell us how it went" form: an anonymous report on whether people on
medication were made welcome. No account, cookie or free text; see medication.reports for
what is kept and how it is defended against floods."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from manyroads.medication.reports import ReportRefused, submit_report
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.web.i18n import translate
from manyroads.surfaces.web.pages import language_of, render

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"  # hidden from people; bots fill it in


@router.post("/experience/{ident:path}", response_class=HTMLResponse)
async def report_experience(request: Request, ident: str) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    back = f"/meetings/{quote(ident)}?lang={language}"
    origin = request.headers.get("origin")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if origin is not None and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        return _answer(request, language, back, 403, translate(language, "Reports can only be sent from this site."))
    if form.get(HONEYPOT):
        # Looks accepted, so a bot learns nothing; nothing is stored.
        return _answer(request, language, back, 200, translate(language, "Thank you."))
    address = request.client.host if request.client else "unknown"
    try:
        submit_report(context.store, ident, form.get("experience", ""), address)
    except ReportRefused as refused:
        status, message = _refusal(refused.reason, language)
        return _answer(request, language, back, status, message)
    message = translate(
        language, "Thank you. Reports are read by a person before they count, and only totals are ever shown."
    )
    return _answer(request, language, back, 200, message)


def _answer(request: Request, language: str, back: str, status: int, message: str) -> Response:
    return render(request, "experience.html", language, "meeting", status=status, message=message, back=back)


def _refusal(reason: str, language: str) -> tuple[int, str]:
    if reason == "experience":
        return 400, translate(language, "Choose whether people on medication were made welcome, then send.")
    if reason == "meeting":
        return 404, translate(language, "That meeting is no longer listed.")
    if reason == "duplicate":
        return 429, translate(language, "You have already told us about this meeting today. Thank you.")
    return 429, translate(language, "That is as many reports as we take from one connection in a day.")
