"""The public finder: home, results (list and map), a meeting's page, My meetings, about.

Pages are rendered on the server and work without JavaScript; static/js adds location,
the viewer's time zone, the map and saved meetings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import orjson
from babel.dates import format_date, format_time
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manyroads.fellowships import fellowship
from manyroads.index.query import SearchQuery
from manyroads.index.timeplan import next_start_reference
from manyroads.model import Attendance
from manyroads.sources.timezones import canonical_zone
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.facilities import facility_points, search_facilities
from manyroads.surfaces.params import ApiError, api_error, build_query
from manyroads.surfaces.present import meeting_summary
from manyroads.surfaces.service import run_search, stance_for
from manyroads.surfaces.web.i18n import COOKIE, LANGUAGES, negotiate, translate
from manyroads.surfaces.web.templating import environment
from manyroads.treatment.index import MAX_RADIUS_KM as MAX_FACILITY_RADIUS_KM
from manyroads.treatment.index import FacilityQuery
from manyroads.treatment.model import MEDICATIONS

router = APIRouter(include_in_schema=False)

# Zones offered when the browser cannot tell us its own (JavaScript off).
COMMON_ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/Halifax",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "America/Buenos_Aires",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Moscow",
    "Africa/Johannesburg",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
)
_WHEN_HOURS = {"soon": 3}


class FinderForm(BaseModel):
    """The finder's query string (forms and links); unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    place: str | None = Field(None, max_length=200)
    near: str | None = Field(None, max_length=60)
    when: str = Field("any", pattern="^(soon|today|any)$")
    radius: int = Field(10, ge=1, le=600)
    units: str = Field("mi", pattern="^(mi|km)$")
    attendance: list[str] = []
    any_feature: list[str] = []
    feature: list[str] = []
    medication: list[str] = []
    fellowship: list[str] = []
    language: list[str] = []
    tz: str | None = Field(None, max_length=64)
    view: str = Field("list", pattern="^(list|map)$")
    cursor: str | None = Field(None, max_length=1000)
    at: datetime | None = None
    treatment: str | None = Field(None, pattern="^(any|buprenorphine|methadone|naltrexone)$")

    @property
    def welcoming(self) -> bool:
        return "welcoming" in self.medication

    @property
    def more_open(self) -> bool:
        return bool(
            self.any_feature or self.feature or self.medication or self.fellowship or self.language or self.treatment
        )


def language_of(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return negotiate(request.headers.get("accept-language"), chosen)


def render(request: Request, template: str, language: str, page: str, status: int = 200, **values: Any) -> HTMLResponse:
    context: AppContext = request.app.state.context
    other = "es" if language == "en" else "en"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    path = request.url.path
    switch = f"/language/{other}?{urlencode({'next': path + ('?' + urlencode(query) if query else '')})}"
    html = (
        environment(language)
        .get_template(template)
        .render(
            lang=language,
            other_lang=other,
            other_lang_name={"en": "English", "es": "Español"}[other],
            switch_url=switch,
            page=page,
            asset_version=context.extras.get("asset_version", "1"),
            **values,
        )
    )
    return HTMLResponse(html, status_code=status)


def _form(request: Request) -> FinderForm:
    raw: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        field = FinderForm.model_fields.get(key)
        if field is None or value == "":
            continue
        if getattr(field.annotation, "__origin__", None) is list:
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = value
    try:
        return FinderForm.model_validate(raw)
    except ValidationError as error:
        raise api_error(error) from None


def _viewer_zone(form: FinderForm, request: Request) -> str:
    context: AppContext = request.app.state.context
    return canonical_zone(form.tz or "") or context.settings.default_timezone


def _search_query(
    context: AppContext, form: FinderForm, viewer: str, now: datetime, limit: int = 20
) -> tuple[SearchQuery, Any]:
    raw: dict[str, Any] = {
        "place": form.place if not form.near else None,
        "near": _point(form.near),
        "attendance": frozenset(form.attendance) or None,
        "features_any": frozenset(form.any_feature),
        "features_all": frozenset(form.feature),
        "medication": frozenset(form.medication) or None,
        "fellowships": frozenset(form.fellowship) or None,
        "languages": frozenset(form.language) or None,
        "tz": viewer,
        "at": now,
        "limit": limit,
        "cursor": form.cursor,
    }
    if raw["near"] or raw["place"]:
        raw["radius_km"] = form.radius * (1.609344 if form.units == "mi" else 1.0)
    if form.when == "soon":
        raw.update(in_progress=True, starting_within=_WHEN_HOURS["soon"] * 60)
    elif form.when == "today":
        local = now.astimezone(ZoneInfo(viewer))
        raw.update(
            weekdays=frozenset({local.weekday()}),
            time_basis="viewer",
            time_from=local.hour * 60 + local.minute,
            time_to=1440,
        )
    return build_query(context, raw)


def _point(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        lat, lon = (round(float(p), 2) for p in text.split(","))  # ~1 km: no more precision than needed
    except ValueError:
        raise ApiError(400, "near: not 'latitude,longitude'", "near") from None
    return lat, lon


def _common(context: AppContext, form: FinderForm, viewer: str) -> dict[str, Any]:
    columns = context.index.current()
    zones = list(COMMON_ZONES)
    if viewer not in zones:
        zones.insert(0, viewer)
    return {
        "form": form,
        "viewer_zone": viewer,
        "zones": zones,
        "fellowships": sorted(((code, fellowship(code).name) for code in columns.fellowships), key=lambda p: p[1]),
        "languages": columns.languages,
    }


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    form = _form(request).model_copy(update={"when": "soon"})
    viewer = _viewer_zone(form, request)
    now = form.at.astimezone(UTC) if form.at and form.at.tzinfo else datetime.now(UTC)
    query, _ = build_query(
        context,
        {
            "attendance": frozenset({Attendance.ONLINE, Attendance.HYBRID}),
            "in_progress": True,
            "starting_within": 60,
            "tz": viewer,
            "at": now,
            "limit": 8,
        },
    )
    page = run_search(context, query, None, language)
    return render(
        request, "home.html", language, "home", now_meetings=page.meetings, now=now, **_common(context, form, viewer)
    )


@router.get("/meetings", response_class=HTMLResponse)
async def results(request: Request) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    form = _form(request)
    if form.units == "mi" and "units" not in request.query_params and language == "es":
        form = form.model_copy(update={"units": "km"})
    viewer = _viewer_zone(form, request)
    now = form.at.astimezone(UTC) if form.at and form.at.tzinfo else datetime.now(UTC)
    try:
        query, place = _search_query(context, form, viewer, now, limit=50 if form.view == "map" else 20)
    except ApiError as error:
        if error.field == "place":
            return render(
                request,
                "results.html",
                language,
                "results",
                status=200,
                total=0,
                meetings=[],
                place=None,
                view="list",
                now=now,
                place_error=error.message,
                **_links(request, form),
                **_common(context, form, viewer),
            )
        raise
    page = run_search(context, query, place, language)
    points = [
        {
            "kind": "meeting",
            "id": m["id"],
            "name": m["name"],
            "lat": m["location"]["latitude"],
            "lon": m["location"]["longitude"],
            "url": f"/meetings/{quote(m['id'])}?lang={language}",
        }
        for m in page.meetings
        if m["location"]["latitude"] is not None and not m["location"]["approximate"] and m["attendance"] != "online"
    ]
    facilities = _facilities_beside(context, form, query) if form.treatment and query.near else []
    if form.view == "map":
        points += facility_points(facilities, language)
    next_url = None
    if page.result.next_cursor:
        next_url = link_with(
            request, cursor=page.result.next_cursor, at=datetime.fromtimestamp(page.result.at, UTC).isoformat()
        )
    return render(
        request,
        "results.html",
        language,
        "results",
        total=page.result.total,
        meetings=page.meetings,
        place=place,
        view=form.view,
        now=now,
        next_url=next_url,
        map_points=points,
        facilities=facilities,
        treatment_url="/treatment?"
        + urlencode(
            {"place": place.name if place else "", "near": form.near or "", "lang": language}
            | ({"medication": form.treatment} if form.treatment in MEDICATIONS else {})
        ),
        tile_url=context.settings.tile_url,
        tile_attribution=context.settings.tile_attribution,
        **_links(request, form),
        **_common(context, form, viewer),
    )


def _facilities_beside(context: AppContext, form: FinderForm, query: SearchQuery) -> list[dict[str, Any]]:
    """Treatment places around the same point as the meetings (at least 25 km out: they are fewer)."""
    assert query.near is not None
    medications = frozenset({form.treatment}) if form.treatment in MEDICATIONS else frozenset(MEDICATIONS)
    radius = min(max(query.radius_km or 0.0, 25.0), MAX_FACILITY_RADIUS_KM)
    found = FacilityQuery(near=query.near, radius_km=radius, medications=medications, limit=10, offset=0)
    return search_facilities(context, found).facilities


def link_with(request: Request, **changes: str | None) -> str:
    """This page's address with some parameters replaced (None drops one)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    query += [(k, v) for k, v in changes.items() if v is not None]
    return f"{request.url.path}?{urlencode(query)}"


def _links(request: Request, form: FinderForm) -> dict[str, Any]:
    wider = min(600, form.radius * 4)
    return {
        "list_url": link_with(request, view="list", cursor=None),
        "map_url": link_with(request, view="map", cursor=None),
        "wider_url": link_with(request, radius=str(wider), cursor=None)
        if (form.place or form.near) and wider > form.radius
        else None,
        "any_day_url": link_with(request, when="any", cursor=None) if form.when != "any" else None,
        "online_url": "/meetings?"
        + urlencode(
            [
                (key, value)
                for key, value in [
                    ("when", form.when),
                    ("attendance", "online"),
                    ("attendance", "hybrid"),
                    ("tz", form.tz or ""),
                    ("lang", request.query_params.get("lang", "")),
                    ("at", request.query_params.get("at", "")),  # keep a pinned instant pinned
                ]
                if value
            ]
        ),
    }


@router.get("/meetings/{ident:path}", response_class=HTMLResponse)
async def meeting_page(request: Request, ident: str) -> Response:
    context: AppContext = request.app.state.context
    language = language_of(request)
    record = context.store.meeting_record(ident)
    if record is None:
        return render(
            request,
            "error.html",
            language,
            "error",
            status=404,
            title=translate(language, "Meeting not found"),
            message=translate(language, "This meeting is no longer listed, or the link is wrong."),
        )
    form = _form(request)
    viewer = _viewer_zone(form, request)
    now = datetime.now(UTC)
    summary = meeting_summary(
        record, None, viewer_zone=viewer, base_url=context.base_url, stance=stance_for(context, record, language)
    )
    upcoming = []
    if record["weekday"] is not None and record["timezone"]:
        locale = "es" if language == "es" else "en_US"
        after = now
        for _ in range(4):
            start = next_start_reference(record["weekday"], record["start_minute"], record["timezone"], after)
            mine = start.astimezone(ZoneInfo(viewer))
            text = f"{format_date(mine, 'full', locale=locale)}, {format_time(mine, 'short', locale=locale)}"
            upcoming.append({"iso": mine.isoformat(), "text": text})
            if not summary["next_start"]:
                summary["next_start"] = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
            after = datetime.fromtimestamp(start.timestamp() + 60, UTC)
    directions = None
    location = summary["location"]
    if record["attendance"] != "online" and (location["latitude"] is not None or location["address"]):
        target = (
            f"{location['latitude']},{location['longitude']}"
            if location["latitude"] is not None
            else location["address"]
        )
        directions = {
            "apple": f"https://maps.apple.com/?daddr={quote(target)}",
            "google": f"https://www.google.com/maps/dir/?api=1&destination={quote(target)}",
            "osm": f"https://www.openstreetmap.org/directions?to={quote(target)}"
            if location["latitude"] is None
            else f"https://www.openstreetmap.org/?mlat={location['latitude']}&mlon={location['longitude']}#map=17/"
            f"{location['latitude']}/{location['longitude']}",
        }
    card = {
        "id": record["id"],
        "name": record["name"],
        "weekday": record["weekday"],
        "start": record["start_minute"],
        "duration": record["duration_minutes"],
        "zone": record["timezone"],
        "attendance": record["attendance"],
        "url": f"/meetings/{quote(record['id'])}",
        "online": record["conference_url"] or "",
        "place": location["address"] or "",
    }
    return render(
        request,
        "meeting.html",
        language,
        "meeting",
        meeting=summary,
        now=now,
        upcoming=upcoming,
        directions=directions,
        card_json=orjson.dumps(card).decode(),
        report_url=_report_url(context, record),
        report_to_operator=not (record["feedback_url"] or record["feedback_emails"]),
        share_url=f"{context.base_url}/meetings/{quote(record['id'])}",
        **_common(context, form, viewer),
    )


def _report_url(context: AppContext, record: dict[str, Any]) -> str | None:
    if record["feedback_url"]:
        return str(record["feedback_url"])
    if record["feedback_emails"]:
        return f"mailto:{record['feedback_emails'][0]}?subject={quote('Correction: ' + record['name'])}"
    if context.settings.operator_email:
        return f"mailto:{context.settings.operator_email}?subject={quote('Correction: ' + record['id'])}"
    return None


@router.get("/my", response_class=HTMLResponse)
async def my_meetings(request: Request) -> Response:
    return render(request, "my.html", language_of(request), "my")


@router.get("/about", response_class=HTMLResponse)
async def about(request: Request) -> Response:
    context: AppContext = request.app.state.context
    return render(
        request,
        "about.html",
        language_of(request),
        "about",
        tile_host=urlsplit(context.settings.tile_url).hostname or "",
    )


@router.get("/language/{code}")
async def choose_language(code: str, next: str = "/") -> Response:
    if code not in LANGUAGES:
        code = "en"
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
