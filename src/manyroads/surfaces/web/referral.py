"""The referral page for clinicians and peer workers: a form, then the plan, with the sheet
(PDF) and a calendar to download. Everything is POSTed and rebuilt on each request; nothing
about the person is stored, cached or put in an address."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from manyroads.referral.present import finder_link, plan_json, qr_svg
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.params import ApiError
from manyroads.surfaces.referral import PRIVATE, make_plan, plan_response, situation_from
from manyroads.surfaces.web.i18n import translate
from manyroads.surfaces.web.pages import language_of, render

router = APIRouter(include_in_schema=False)
LIST_FIELDS = ("meeting_languages", "communities", "barriers", "needs", "fellowships")


def _situation_data(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key in {"output", "clinician_pages"}:
            continue
        if key in LIST_FIELDS:
            data.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        elif key == "online_only":
            data[key] = value in {"1", "true", "on"}
        elif value != "":
            data[key] = value
    return data


def _form_page(request: Request, status: int = 200, error: str | None = None, entered: Any = None) -> Response:
    context: AppContext = request.app.state.context
    columns = context.index.current()
    return render(
        request,
        "referral.html",
        language_of(request),
        "referral",
        status=status,
        error=error,
        entered=entered or {},
        fellowships=sorted((code for code in columns.fellowships), key=str),
        languages=columns.languages,
    )


@router.get("/referral", response_class=HTMLResponse)
async def referral_form(request: Request) -> Response:
    return _form_page(request)


@router.post("/referral", response_class=HTMLResponse)
async def referral_plan(request: Request) -> Response:
    context: AppContext = request.app.state.context
    form = await request.form()
    data = _situation_data(form)
    output = str(form.get("output") or "page")
    try:
        situation = situation_from(data)
        plan = make_plan(context, situation)
    except ApiError as error:
        message = translate(language_of(request), "Please check the form: %(problem)s", problem=error.message)
        return _form_page(request, 400, message, data)
    if output in {"pdf", "ics"}:
        return plan_response(context, plan, output, clinician_pages=form.get("clinician_pages") == "1")
    shown = plan_json(plan, context.base_url)
    response = render(
        request,
        "referral_result.html",
        language_of(request),
        "referral",
        plan=shown,
        hidden=[(k, v) for k, v in form.multi_items() if isinstance(v, str) and k not in {"output", "clinician_pages"}],
        qr=qr_svg(finder_link(plan, context.base_url)),
    )
    response.headers.update(PRIVATE)
    return response
