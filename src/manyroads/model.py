"""The normalised meeting: what every source adapter produces and everything downstream reads.

Times are local wall-clock time in the meeting's own IANA zone, because that is how every
fellowship publishes them and it is the only form that stays right across daylight saving.
Weekdays follow Python: 0 = Monday ... 6 = Sunday (feeds use other conventions; adapters
convert at the edge).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Attendance(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def has_venue(self) -> bool:
        return self is not Attendance.ONLINE

    @property
    def is_online(self) -> bool:
        return self is not Attendance.IN_PERSON


class Status(StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"


class ZoneOrigin(StrEnum):
    """Where a meeting's time zone came from."""

    FEED = "feed"
    COORDINATES = "coordinates"  # inferred offline from latitude/longitude
    SOURCE_DEFAULT = "source_default"  # the operator's default for this source
    UNKNOWN = "unknown"  # none could be determined; the meeting is kept and flagged


class Severity(StrEnum):
    QUARANTINED = "quarantined"  # the record was not stored; the reason says why
    WARNING = "warning"  # stored, but something was repaired or is doubtful


@dataclass(slots=True)
class Location:
    name: str = ""  # building or landmark
    street: str = ""
    city: str = ""
    region: str = ""  # state / province
    postal_code: str = ""
    country: str = ""
    formatted_address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False  # only a town or area is known (typical for online meetings)
    notes: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def one_line(self) -> str:
        if self.formatted_address:
            return self.formatted_address
        parts = [
            self.street,
            self.city,
            " ".join(p for p in (self.region, self.postal_code) if p),
            self.country,
        ]
        return ", ".join(p for p in parts if p)


@dataclass(slots=True)
class Meeting:
    """One weekly meeting as a source published it, normalised."""

    source: str  # our name for the source
    native_id: str  # the source's own id (unique only within that source)
    fellowship: str
    name: str
    weekday: int | None  # None = by appointment / no fixed time
    start_minute: int | None  # minutes after local midnight
    duration_minutes: int
    timezone: str | None
    timezone_origin: ZoneOrigin
    attendance: Attendance
    location: Location = field(default_factory=Location)
    group: str = ""
    conference_url: str = ""
    conference_url_notes: str = ""
    conference_phone: str = ""
    conference_phone_notes: str = ""
    features: tuple[str, ...] = ()  # canonical feature names, sorted
    languages: tuple[str, ...] = ()  # ISO 639 codes
    source_tags: tuple[str, ...] = ()  # source codes we could not map, kept verbatim
    notes: str = ""
    group_notes: str = ""
    status: Status = Status.ACTIVE
    feedback_url: str = ""
    feedback_emails: tuple[str, ...] = ()
    source_url: str = ""  # the meeting's page on the source site
    source_updated: datetime | None = None  # the source's own "updated" stamp (UTC)
    regions: tuple[str, ...] = ()  # general -> specific

    @property
    def id(self) -> str:
        return meeting_id(self.source, self.native_id)

    @property
    def start_label(self) -> str:
        if self.start_minute is None:
            return ""
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"

    def to_record(self) -> dict[str, Any]:
        """A flat, JSON-safe dict: the shape stored in the database and compared on sync."""
        loc = self.location
        return {
            "source": self.source,
            "native_id": self.native_id,
            "fellowship": self.fellowship,
            "name": self.name,
            "weekday": self.weekday,
            "start_minute": self.start_minute,
            "duration_minutes": self.duration_minutes,
            "timezone": self.timezone,
            "timezone_origin": self.timezone_origin.value,
            "attendance": self.attendance.value,
            "status": self.status.value,
            "location_name": loc.name,
            "location_street": loc.street,
            "location_city": loc.city,
            "location_region": loc.region,
            "location_postal_code": loc.postal_code,
            "location_country": loc.country,
            "location_formatted_address": loc.formatted_address,
            "location_latitude": loc.latitude,
            "location_longitude": loc.longitude,
            "location_approximate": loc.approximate,
            "location_notes": loc.notes,
            "group": self.group,
            "conference_url": self.conference_url,
            "conference_url_notes": self.conference_url_notes,
            "conference_phone": self.conference_phone,
            "conference_phone_notes": self.conference_phone_notes,
            "features": list(self.features),
            "languages": list(self.languages),
            "source_tags": list(self.source_tags),
            "notes": self.notes,
            "group_notes": self.group_notes,
            "feedback_url": self.feedback_url,
            "feedback_emails": list(self.feedback_emails),
            "source_url": self.source_url,
            "source_updated": self.source_updated.isoformat() if self.source_updated else None,
            "regions": list(self.regions),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Meeting:
        """The inverse of `to_record` (extra keys, such as database columns, are ignored)."""
        updated = record.get("source_updated")
        return cls(
            source=record["source"],
            native_id=record["native_id"],
            fellowship=record["fellowship"],
            name=record["name"],
            weekday=record["weekday"],
            start_minute=record["start_minute"],
            duration_minutes=record["duration_minutes"],
            timezone=record["timezone"],
            timezone_origin=ZoneOrigin(record["timezone_origin"]),
            attendance=Attendance(record["attendance"]),
            status=Status(record["status"]),
            location=Location(
                name=record["location_name"],
                street=record["location_street"],
                city=record["location_city"],
                region=record["location_region"],
                postal_code=record["location_postal_code"],
                country=record["location_country"],
                formatted_address=record["location_formatted_address"],
                latitude=record["location_latitude"],
                longitude=record["location_longitude"],
                approximate=bool(record["location_approximate"]),
                notes=record["location_notes"],
            ),
            group=record["group"],
            conference_url=record["conference_url"],
            conference_url_notes=record["conference_url_notes"],
            conference_phone=record["conference_phone"],
            conference_phone_notes=record["conference_phone_notes"],
            features=tuple(record["features"]),
            languages=tuple(record["languages"]),
            source_tags=tuple(record["source_tags"]),
            notes=record["notes"],
            group_notes=record["group_notes"],
            feedback_url=record["feedback_url"],
            feedback_emails=tuple(record["feedback_emails"]),
            source_url=record["source_url"],
            source_updated=datetime.fromisoformat(updated) if isinstance(updated, str) else updated,
            regions=tuple(record["regions"]),
        )

    def content_hash(self) -> str:
        return record_hash(self.to_record())


def meeting_id(source: str, native_id: str) -> str:
    return f"{source}:{native_id}"


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.blake2b(orjson.dumps(record, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one record (or the whole document), said plainly."""

    record: str  # the source's id for the record, or a row number, or "" for the document
    field: str
    reason: str
    severity: Severity = Severity.WARNING
    excerpt: str = ""  # a short piece of the raw record, to find it in the feed


@dataclass(slots=True)
class ParseResult:
    meetings: list[Meeting] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    facilities: list[Any] = field(default_factory=list)  # treatment facilities, for facility sources

    def warn(self, record: str, field_name: str, reason: str, excerpt: str = "") -> None:
        self.problems.append(Problem(record, field_name, reason, Severity.WARNING, excerpt))

    def quarantine(self, record: str, field_name: str, reason: str, excerpt: str = "") -> None:
        self.problems.append(Problem(record, field_name, reason, Severity.QUARANTINED, excerpt))

    @property
    def quarantined(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.QUARANTINED]
