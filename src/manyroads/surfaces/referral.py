"""The referral API: POST a situation, get the plan as JSON, text, PDF or calendar.

POST, so nothing about the person lands in an address, a browser history or an access log;
the plan is built in memory and nothing is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import ValidationError

from manyroads.referral import ReferralError, ReferralPlan, Situation, build_plan
from manyroads.referral.guidance import load_library
from manyroads.referral.pdf import render_pdf
from manyroads.referral.present import plan_calendar, plan_json, plan_text
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.params import ApiError, api_error
from manyroads.surfaces.responses import JSONResponse

router = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)
Format = Literal["json", "text", "pdf", "ics"]
PRIVATE = {"Cache-Control": "no-store"}  # never cached by a proxy or the browser


def situation_from(data: Any) -> Situation:
    try:
        return Situation.model_validate(data)
    except ValidationError as error:
        raise api_error(error, "situation") from None


def make_plan(context: AppContext, situation: Situation) -> ReferralPlan:
    try:
        return build_plan(context, situation, library=load_library(context.settings.guidance_dir))
    except ReferralError as error:
        raise ApiError(400, error.message, error.field) from None


def plan_response(context: AppContext, plan: ReferralPlan, output: str, clinician_pages: bool = False) -> Response:
    base = context.base_url
    if output == "pdf":
        body = render_pdf(plan, base, clinician_pages=clinician_pages)
        headers = {**PRIVATE, "Content-Disposition": 'attachment; filename="support-options.pdf"'}
        return Response(body, media_type="application/pdf", headers=headers)
    if output == "ics":
        headers = {**PRIVATE, "Content-Disposition": 'attachment; filename="meetings.ics"'}
        return Response(plan_calendar(plan, base, datetime.now(UTC)), media_type="text/calendar", headers=headers)
    if output == "text":
        return PlainTextResponse(plan_text(plan, base), headers=PRIVATE)
    return JSONResponse(plan_json(plan, base), headers=PRIVATE)


@router.post(
    "/referral",
    tags=["referral"],
    summary="A referral plan for one situation (nothing is stored)",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": Situation.model_json_schema()}}},
        "parameters": [
            {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "text", "pdf", "ics"]}},
            {"name": "clinician_pages", "in": "query", "schema": {"type": "boolean"}},
        ],
    },
)
async def referral(request: Request) -> Response:
    """Meetings to try (welcoming ones first for people on medication, young-people meetings for
    youth, online ones when barriers call for them), treatment nearby that offers the relevant
    medication, and guidance for the person and the clinician, every point cited. The sheet is in
    the person's language. Send the situation as JSON; choose `format=pdf` for the printable
    sheet or `format=ics` for a calendar of the chosen meetings."""
    context: AppContext = request.app.state.context
    output = request.query_params.get("format", "json")
    if output not in ("json", "text", "pdf", "ics"):
        raise ApiError(400, "format is json, text, pdf or ics", "format")
    try:
        data = await request.json()
    except ValueError:
        raise ApiError(400, "send the situation as a JSON object", "body") from None
    situation = situation_from(data)
    clinician_pages = request.query_params.get("clinician_pages", "").lower() in {"1", "true", "yes"}
    return plan_response(context, make_plan(context, situation), output, clinician_pages)
