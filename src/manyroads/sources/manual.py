"""Hand-kept meeting lists (YAML) for fellowships that publish no feed.

SMART Recovery, MARA, Recovery Dharma, LifeRing and others list meetings only on web pages;
an operator or volunteer keeps them in a small YAML file instead. The format is documented
in docs/hand-kept-lists.md and checked strictly: a misspelt key is an error that names it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from manyroads.model import Location, Meeting, ParseResult
from manyroads.sources import normalise as norm
from manyroads.sources.base import SingleDocumentAdapter, SourceContext, SourceFormatError
from manyroads.sources.timezones import canonical_zone, decide_zone
from manyroads.vocabulary.features import FEATURES_BY_NAME
from manyroads.vocabulary.languages import normalise_language


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OnlineAccess(_Strict):
    url: str | None = None
    url_notes: str | None = None
    phone: str | None = None
    phone_notes: str | None = None


class Place(_Strict):
    name: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    approximate: bool = False
    notes: str | None = None


class HandKeptMeeting(_Strict):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=255)
    fellowship: str | None = None
    group: str | None = None
    day: str | None = None
    days: list[str] | None = None
    time: str | None = None
    duration: int | None = Field(default=None, ge=1, le=24 * 60)
    end_time: str | None = None
    timezone: str | None = None
    online: OnlineAccess | None = None
    location: Place | None = None
    features: list[str] = []
    languages: list[str] = []
    notes: str | None = None
    temporarily_closed: bool = False
    url: str | None = None
    feedback_url: str | None = None
    feedback_email: str | None = None
    updated: date | datetime | None = None

    @field_validator("id", mode="before")
    @classmethod
    def id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class HandKeptList(_Strict):
    fellowship: str | None = None
    timezone: str | None = None
    feedback_url: str | None = None
    feedback_email: str | None = None
    meetings: list[dict[str, Any]]


class ManualAdapter(SingleDocumentAdapter):
    kind: ClassVar[str] = "manual"
    default_fellowship: ClassVar[str] = ""

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        try:
            data = yaml.safe_load(document)
        except yaml.YAMLError as error:
            raise SourceFormatError(f"the list is not valid YAML: {error}") from None
        try:
            listing = HandKeptList.model_validate(data)
        except ValidationError as error:
            raise SourceFormatError(f"the list's top level is wrong: {_describe(error)}") from None
        if listing.timezone and not canonical_zone(listing.timezone):
            raise SourceFormatError(f"timezone {listing.timezone!r} is not an IANA zone name")
        result = ParseResult()
        seen: set[str] = set()
        for number, raw in enumerate(listing.meetings, start=1):
            ref = str(raw.get("id") or f"meeting {number}") if isinstance(raw, dict) else f"meeting {number}"
            try:
                item = HandKeptMeeting.model_validate(raw)
            except ValidationError as error:
                result.quarantine(ref, _first_field(error), _describe(error), excerpt=str(raw)[:300])
                continue
            if item.id in seen:
                result.quarantine(item.id, "id", f"id {item.id!r} is used twice in this list")
                continue
            seen.add(item.id)
            result.meetings.extend(_meetings(item, listing, context, result))
        return result


def _meetings(
    item: HandKeptMeeting, listing: HandKeptList, context: SourceContext, result: ParseResult
) -> list[Meeting]:
    names = item.days or ([item.day] if item.day else [])
    days = []
    for name in names:
        day = norm.weekday_from_name(name)
        if day is None:
            result.quarantine(item.id, "days", f"{name!r} is not a day name")
            return []
        days.append(day)
    start = norm.parse_clock(item.time) if item.time else None
    if days and start is None:
        result.quarantine(item.id, "time", f"needs a start time like '19:00' (got {item.time!r})")
        return []
    duration = item.duration or 60
    if item.end_time and start is not None:
        end = norm.parse_clock(item.end_time)
        if end is None:
            result.quarantine(item.id, "end_time", f"{item.end_time!r} is not a time")
            return []
        duration = (end - start) % (24 * 60) or 60
    place = item.location or Place()
    online = item.online or OnlineAccess()
    url = norm.http_url(online.url) if online.url else None
    if online.url and not url:
        result.quarantine(item.id, "online.url", f"{online.url!r} is not an http(s) address")
        return []
    phone = norm.dial_string(online.phone) if online.phone else None
    if online.phone and not phone:
        result.quarantine(item.id, "online.phone", f"{online.phone!r} has fewer than 10 digits")
        return []
    features = []
    for name in item.features:
        if name not in FEATURES_BY_NAME:
            result.quarantine(item.id, "features", f"{name!r} is not a manyroads feature (see docs/vocabulary.md)")
            return []
        features.append(name)
    languages = []
    for code in item.languages:
        language = normalise_language(code)
        if language is None:
            result.quarantine(item.id, "languages", f"{code!r} is not a language code")
            return []
        languages.append(language)
    location = Location(
        name=place.name or "",
        street=place.address or "",
        city=place.city or "",
        region=place.region or "",
        postal_code=place.postal_code or "",
        country=place.country or "",
        latitude=place.latitude,
        longitude=place.longitude,
        approximate=place.approximate or not place.address,
        notes=place.notes or "",
    )
    location.formatted_address = location.one_line()
    attendance, status = norm.derive_attendance(
        online=bool(url or phone),
        exact_address=not location.approximate,
        temporarily_closed=item.temporarily_closed,
    )
    if item.timezone and not canonical_zone(item.timezone):
        result.quarantine(item.id, "timezone", f"{item.timezone!r} is not an IANA zone name")
        return []
    zone = decide_zone(item.timezone or listing.timezone, place.latitude, place.longitude, context.default_timezone)
    feedback = norm.feedback_url(item.feedback_url or listing.feedback_url)
    email = norm.email_address(item.feedback_email or listing.feedback_email)
    updated = item.updated
    if isinstance(updated, date) and not isinstance(updated, datetime):
        updated = datetime(updated.year, updated.month, updated.day)
    base = Meeting(
        source=context.name,
        native_id=item.id,
        fellowship=(item.fellowship or listing.fellowship or context.fellowship or "OTHER").upper(),
        name=item.name,
        group=item.group or "",
        weekday=None,
        start_minute=start,
        duration_minutes=duration,
        timezone=zone.zone,
        timezone_origin=zone.origin,
        attendance=attendance,
        status=status,
        location=location,
        conference_url=url or "",
        conference_url_notes=online.url_notes or "",
        conference_phone=phone or "",
        conference_phone_notes=online.phone_notes or "",
        features=tuple(sorted(set(features))),
        languages=tuple(languages),
        notes=norm.plain_text(item.notes)[0],
        feedback_url=feedback or "",
        feedback_emails=(email,) if email else (),
        source_url=norm.http_url(item.url) or "",
        source_updated=norm.updated_at(updated.isoformat()) if updated else None,
    )
    if not days:
        return [base]
    meetings = []
    for day in days:
        meeting = Meeting.from_record(base.to_record())
        meeting.weekday = day
        if len(days) > 1:
            meeting.native_id = f"{item.id}-{day}"
        meetings.append(meeting)
    return meetings


def _first_field(error: ValidationError) -> str:
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"])


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(part) for part in item["loc"]) or "value"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
