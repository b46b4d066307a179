"""Treatment facilities in the API: where medication for opioid use disorder is offered, near a place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manyroads.geo import Place
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.params import (
    KM_PER_MILE,
    ApiError,
    openapi_parameters,
    parse_point,
    read_params,
    resolve_place,
    split,
    validation_problems,
)
from manyroads.surfaces.responses import JSONResponse
from manyroads.treatment.index import MAX_RADIUS_KM, FacilityQuery, facility_details

router = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)


class FacilityParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    near: str | None = Field(None, description="latitude,longitude")
    place: str | None = Field(None, max_length=200, description="a ZIP code or 'Town, State'")
    radius_km: float | None = Field(None, gt=0, description=f"at most {MAX_RADIUS_KM:.0f}; default 40")
    radius_mi: float | None = Field(None, gt=0, description="at most 310")
    medication: list[str] = Field([], description="buprenorphine, methadone, naltrexone (any of)")
    otp: bool = Field(False, description="only SAMHSA-certified opioid treatment programs")
    accepts_on_medication: bool = Field(False, description="only places that accept people already on medication")
    telehealth: bool = False
    sign_language: bool = False
    language: list[str] = Field([], description="ISO 639 codes besides English, e.g. es (any of)")
    payment: list[str] = Field([], description="medicaid, medicare, private_insurance, sliding_fee, free... (any of)")
    age: list[str] = Field([], description="children_adolescents, young_adults, adults, seniors (any of)")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


@dataclass(frozen=True, slots=True)
class FacilityPage:
    total: int
    facilities: list[dict[str, Any]]
    place: Place | None


def facility_query(context: AppContext, params: FacilityParams) -> tuple[FacilityQuery, Place | None]:
    near = parse_point(params.near, "near")
    place = None
    if near is None:
        if not params.place:
            raise ApiError(
                400, "say where: give place (a ZIP code or 'Town, State') or near=latitude,longitude", "place"
            )
        place = resolve_place(context, params.place)
        near = (place.latitude, place.longitude)
    if params.radius_km is not None and params.radius_mi is not None:
        raise ApiError(400, "give radius_km or radius_mi, not both", "radius_mi")
    radius = params.radius_km if params.radius_mi is None else params.radius_mi * KM_PER_MILE
    raw: dict[str, Any] = {
        "near": near,
        "medications": frozenset(m.lower() for m in split(params.medication)),
        "opioid_treatment_program": params.otp,
        "accepts_people_on_medication": params.accepts_on_medication,
        "telehealth": params.telehealth,
        "sign_language": params.sign_language,
        "languages": frozenset(v.lower() for v in split(params.language)),
        "payment": frozenset(split(params.payment)),
        "ages": frozenset(split(params.age)),
        "limit": params.limit,
        "offset": params.offset,
    }
    if radius is not None:
        raw["radius_km"] = radius
    try:
        return FacilityQuery(**raw), place
    except ValidationError as error:
        field, message = validation_problems(error)[0]
        if field == "radius_km":
            message = f"the radius can be at most {MAX_RADIUS_KM:.0f} km ({MAX_RADIUS_KM / KM_PER_MILE:.0f} miles)"
        raise ApiError(400, message, "medication" if "medication" in message else field) from None


def search_facilities(context: AppContext, query: FacilityQuery, place: Place | None = None) -> FacilityPage:
    result = context.facilities.current().search(query)
    found = facility_details(context.store, [(h.id, h.distance_km) for h in result.hits])
    return FacilityPage(result.total, [facility_summary(record) for record in found], place)


def one_facility(context: AppContext, ident: str) -> dict[str, Any]:
    """One facility as the API and its page show it; 404 when there is none."""
    found = facility_details(context.store, [(ident, None)])
    if not found:
        raise ApiError(404, f"no treatment facility with id {ident!r}", "id")
    return facility_summary(found[0])


def facility_summary(record: dict[str, Any]) -> dict[str, Any]:
    """A facility as the API and pages show it: what the source published, its distance, and when we
    matched it (from `facility_details`)."""
    shown = {k: v for k, v in record.items() if k not in {"first_seen_at", "last_seen_at", "native_id"}}
    shown["address"] = ", ".join(
        p for p in (record["street"], record["city"], f"{record['region']} {record['postal_code']}".strip()) if p
    )
    return shown


def facility_points(facilities: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Map markers for facilities (the finder's map shows them beside meetings)."""
    return [
        {
            "kind": "facility",
            "id": f["id"],
            "name": f["name"],
            "lat": f["latitude"],
            "lon": f["longitude"],
            "url": f"/facilities/{quote(f['id'])}?lang={language}",
        }
        for f in facilities
        if f["latitude"] is not None
    ]


@router.get(
    "/facilities",
    tags=["treatment"],
    summary="Treatment facilities near a place, by medication offered",
    openapi_extra=openapi_parameters(FacilityParams),
)
async def facilities(request: Request) -> dict[str, Any]:
    """Facilities from SAMHSA's treatment-locator data, nearest first: which medications for
    opioid use disorder each offers, whether it accepts people already on medication,
    telehealth, languages, payment and ages. `matched_on` is when this site last read the
    source; call the facility to confirm before going."""
    context: AppContext = request.app.state.context
    query, place = facility_query(context, read_params(request, FacilityParams))
    page = search_facilities(context, query, place)
    return {
        "place": {"name": place.name, "latitude": place.latitude, "longitude": place.longitude} if place else None,
        "total": page.total,
        "count": len(page.facilities),
        "facilities": page.facilities,
    }


@router.get("/facilities/{ident:path}", tags=["treatment"], summary="One treatment facility")
async def facility(request: Request, ident: str) -> dict[str, Any]:
    return one_facility(request.app.state.context, ident)
