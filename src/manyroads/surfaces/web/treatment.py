"""Treatment pages: where medication for opioid use disorder is offered near a place (a list and a
map), and one facility's page. Shows only what the treatment locator published, with the date
we read it; people are asked to call before going."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manyroads.geo import Place
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.facilities import (
    FacilityParams,
    facility_points,
    facility_query,
    one_facility,
    search_facilities,
)
from manyroads.surfaces.params import KM_PER_MILE, ApiError, api_error
from manyroads.surfaces.web.pages import language_of, link_with, render
from manyroads.treatment.model import MEDICATIONS

router = APIRouter(include_in_schema=False)
# Literal types, so a bad value is answered with the values that are allowed (not a pattern).
Medication = Literal["buprenorphine", "methadone", "naltrexone"]
Payment = Literal["medicaid", "medicare", "private_insurance", "sliding_fee", "free", "ihs_tribal", "military"]
Age = Literal["children_adolescents", "young_adults", "adults", "seniors"]


class TreatmentForm(BaseModel):
    """The treatment page's query string; unknown keys are ignored, empty ones mean "any"."""

    model_config = ConfigDict(extra="ignore")

    place: str | None = Field(None, max_length=200)
    near: str | None = Field(None, max_length=60)
    radius: int = Field(25, ge=1, le=300)
    units: Literal["mi", "km"] = "mi"
    medication: Medication | None = None
    accepts: bool = False
    otp: bool = False
    telehealth: bool = False
    spanish: bool = False
    payment: Payment | None = None
    age: Age | None = None
    view: Literal["list", "map"] = "list"

    @property
    def radius_km(self) -> float:
        return self.radius * (KM_PER_MILE if self.units == "mi" else 1.0)


def _form(request: Request) -> TreatmentForm:
    raw = {k: v for k, v in request.query_params.items() if v != ""}
    if request.query_params.get("units") is None and language_of(request) == "es":
        raw["units"] = "km"
    try:
        return TreatmentForm.model_validate(raw)
    except ValidationError as error:
        raise api_error(error) from None


def _params(form: TreatmentForm) -> FacilityParams:
    return FacilityParams(
        near=form.near,
        place=None if form.near else form.place,
        radius_km=min(form.radius_km, 500.0),
        radius_mi=None,
        medication=[form.medication] if form.medication else list(MEDICATIONS),
        otp=form.otp,
        accepts_on_medication=form.accepts,
        telehealth=form.telehealth,
        language=["es"] if form.spanish else [],
        payment=[form.payment] if form.payment else [],
        age=[form.age] if form.age else [],
        limit=50 if form.view == "map" else 25,
        offset=0,
    )


@router.get("/treatment", response_class=HTMLResponse)
async def treatment(request: Request) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    form = _form(request)
    values: dict[str, Any] = {
        "form": form,
        "searched": bool(form.place or form.near),
        "facilities": [],
        "total": 0,
        "place": None,
        "place_error": None,
        "map_points": [],
        "list_url": link_with(request, view="list"),
        "map_url": link_with(request, view="map"),
        "tile_url": context.settings.tile_url,
        "tile_attribution": context.settings.tile_attribution,
    }
    if values["searched"]:
        try:
            query, place = facility_query(context, _params(form))
        except ApiError as error:
            if error.field != "place":
                raise
            values["place_error"] = error.message
        else:
            page = search_facilities(context, query, place)
            values.update(
                facilities=page.facilities,
                total=page.total,
                place=place,
                map_points=facility_points(page.facilities, language),
                meetings_url=_meetings_near(form, place, language),
            )
    return render(request, "treatment.html", language, "treatment", **values)


def _meetings_near(form: TreatmentForm, place: Place | None, language: str) -> str:
    where = {"near": form.near} if form.near else {"place": place.name if place else form.place or ""}
    return "/meetings?" + urlencode({**where, "when": "any", "lang": language})


@router.get("/facilities/{ident:path}", response_class=HTMLResponse)
async def facility_page(request: Request, ident: str) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    facility = one_facility(context, ident)
    meetings_url = None
    if facility["latitude"] is not None:
        near = f"{facility['latitude']:.2f},{facility['longitude']:.2f}"
        meetings_url = "/meetings?" + urlencode({"near": near, "when": "any", "radius": "5", "lang": language})
    return render(request, "facility.html", language, "treatment", facility=facility, meetings_url=meetings_url)
