"""Meeting Guide JSON (the Code for Recovery spec), as real feeds actually write it.

Deviations handled (each seen in ../shared/data/meeting-guide): `day` as an array or a
string or a name, out-of-range days, 12-hour times, `ONL` and lowercase codes, empty and
unknown codes, `entity_url` vs `entity_website_url`, coordinates as strings, duplicate and
numeric slugs, no `timezone`, rows with no day/time ("by appointment"), a whole full address
packed into `address`, a body that is not JSON at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, ClassVar

import orjson

from manyroads.model import Attendance, Location, Meeting, ParseResult, Status
from manyroads.sources import normalise as norm
from manyroads.sources.base import SingleDocumentAdapter, SourceContext, SourceFormatError
from manyroads.sources.timezones import decide_zone
from manyroads.vocabulary.codes import CodeKind
from manyroads.vocabulary.meeting_guide import type_meaning

DEFAULT_DURATION = 60
LONG_MEETING_MINUTES = 4 * 60


def decode_json(body: bytes, what: str) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise SourceFormatError(f"{what} is not valid JSON: {error}") from None


class MeetingGuideAdapter(SingleDocumentAdapter):
    kind: ClassVar[str] = "meeting-guide"
    default_fellowship: ClassVar[str] = "AA"

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        data = decode_json(document, "the feed")
        if not isinstance(data, list):
            raise SourceFormatError(
                f"a Meeting Guide feed is a JSON array of meetings; this one is a JSON {type(data).__name__}"
            )
        return read_rows(data, context)


def read_rows(rows: Iterable[Any], context: SourceContext) -> ParseResult:
    """Normalise Meeting Guide-shaped rows (also used by the TSML CSV adapter)."""
    result = ParseResult()
    seen: dict[str, tuple[int, Meeting]] = {}  # native id -> (row number, meeting)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            result.quarantine(f"row {number}", "", f"a meeting must be a JSON object, not {type(row).__name__}")
            continue
        for meeting in _RowReader(row, number, context, result).meetings():
            if meeting.native_id in seen:
                first_row, first = seen[meeting.native_id]
                if meeting.content_hash() == first.content_hash():
                    result.quarantine(
                        meeting.native_id, "slug", f"row {number} repeats row {first_row} exactly; kept once"
                    )
                    continue
                base = meeting.native_id
                suffix = 2
                while f"{base}~{suffix}" in seen:
                    suffix += 1
                meeting.native_id = f"{base}~{suffix}"
                result.warn(
                    meeting.native_id,
                    "slug",
                    f"slug {base!r} is used by row {first_row} too; this row is kept as {meeting.native_id!r}",
                )
            seen[meeting.native_id] = (number, meeting)
            result.meetings.append(meeting)
    return result


class _RowReader:
    """Reads one feed row; records what it had to repair or refuse in `result`."""

    def __init__(self, row: dict[str, Any], number: int, context: SourceContext, result: ParseResult):
        self.row = row
        self.number = number
        self.context = context
        self.result = result
        self.ref = f"row {number}"

    def warn(self, field: str, reason: str) -> None:
        self.result.warn(self.ref, field, reason)

    def refuse(self, field: str, reason: str) -> None:
        self.result.quarantine(self.ref, field, reason, excerpt=orjson.dumps(self.row).decode()[:300])

    def text(self, key: str, limit: int = norm.MAX_TEXT) -> str:
        value, truncated = norm.plain_text(self.row.get(key), limit)
        if truncated:
            self.warn(key, f"longer than {limit} characters; cut")
        return value

    def line(self, key: str) -> str:
        value, truncated = norm.one_line(self.row.get(key))
        if truncated:
            self.warn(key, f"longer than {norm.MAX_NAME} characters; cut")
        return value

    def meetings(self) -> Iterator[Meeting]:
        row = self.row
        native_id = _identifier(row.get("slug")) or _identifier(row.get("id"))
        if native_id is None:
            self.refuse("slug", "no slug (and no id) that is text or a whole number")
            return
        self.ref = native_id
        days = self.days()
        if days is None:
            return
        start = None
        if days:
            start = norm.parse_clock(row.get("time"))
            if start is None:
                if row.get("time") in (None, ""):
                    self.refuse("time", "has a day but no start time")
                else:
                    self.refuse("time", f"start time {row.get('time')!r} is not a time of day")
                return
            if start == 24 * 60:
                start = 0
        duration = self.duration(start)
        template = self.template(native_id, start, duration)
        if template is None:
            return
        if len(days) <= 1:
            template.weekday = days[0] if days else None
            yield template
            return
        for day in days:
            meeting = _copy(template)
            meeting.weekday = day
            meeting.native_id = f"{native_id}-{(day + 1) % 7}"  # MG convention: suffix the MG day
            yield meeting

    def days(self) -> list[int] | None:
        """Weekdays (0 = Monday); [] = by appointment; None = refused."""
        raw = self.row.get("day")
        if raw is None or raw == "" or raw == []:
            if self.row.get("time") not in (None, ""):
                self.warn("day", "has a start time but no day; listed as by appointment")
            return []
        values = raw if isinstance(raw, list) else [raw]
        days: list[int] = []
        for value in values:
            day = norm.weekday_from_sunday_zero(value)
            if day is None:
                self.refuse("day", f"day {value!r} is not 0-6 (Sunday-Saturday) or a day name")
                return None
            if day not in days:
                days.append(day)
        return days

    def duration(self, start: int | None) -> int:
        end = norm.parse_clock(self.row.get("end_time"))
        if start is None or end is None:
            if self.row.get("end_time") not in (None, "") and end is None:
                self.warn("end_time", f"end time {self.row.get('end_time')!r} is not a time; assumed one hour")
            return DEFAULT_DURATION
        minutes = (end - start) % (24 * 60)
        if minutes == 0:
            return DEFAULT_DURATION
        if minutes > LONG_MEETING_MINUTES:
            self.warn("end_time", f"runs {minutes // 60} h {minutes % 60} min; check the end time at the source")
        return minutes

    def template(self, native_id: str, start: int | None, duration: int) -> Meeting | None:
        row = self.row
        context = self.context
        fellowship = str(row.get("fellowship") or context.fellowship).upper()
        features, languages, tags, tc_code, online_code = self.codes(fellowship)
        location = self.location()
        conference_url = self.conference_url()
        phone = self.conference_phone()
        online = bool(conference_url or phone)
        attendance, status = norm.derive_attendance(
            online=online, exact_address=not location.approximate, temporarily_closed=tc_code
        )
        attendance, status = self.publisher_attendance(attendance, status)
        if online_code and not online:
            self.warn("types", "marked online (ONL) but gives no conference link or phone")
        if not online and location.approximate and status.value == "active":
            self.warn("formatted_address", "no exact address and no online link: people cannot tell how to attend")
        zone = decide_zone(
            row.get("timezone") if isinstance(row.get("timezone"), str) else None,
            location.latitude,
            location.longitude,
            context.default_timezone,
        )
        if zone.problem:
            self.warn("timezone", zone.problem)
        if zone.zone is None and start is not None:
            self.warn("timezone", "no time zone in the feed, no coordinates and no source default")
        name = self.line("name")
        if not name:
            name = location.name or self.line("group") or "Meeting"
            self.warn("name", f"no name; shown as {name!r}")
        updated = norm.updated_at(row.get("updated"))
        if row.get("updated") not in (None, "") and updated is None:
            self.warn("updated", f"{row.get('updated')!r} is not a date")
        return Meeting(
            source=context.name,
            native_id=native_id,
            fellowship=fellowship,
            name=name,
            weekday=None,
            start_minute=start,
            duration_minutes=duration,
            timezone=zone.zone,
            timezone_origin=zone.origin,
            attendance=attendance,
            status=status,
            location=location,
            group=self.line("group"),
            conference_url=conference_url,
            conference_url_notes=self.text("conference_url_notes") if conference_url else "",
            conference_phone=phone,
            conference_phone_notes=self.text("conference_phone_notes") if phone else "",
            features=tuple(sorted(features)),
            languages=tuple(languages),
            source_tags=tuple(tags),
            notes=self.text("notes"),
            group_notes=self.text("group_notes"),
            feedback_url=norm.feedback_url(row.get("feedback_url")) or "",
            feedback_emails=self.feedback_emails(),
            source_url=norm.http_url(row.get("url")) or "",
            source_updated=updated,
            regions=self.regions(),
        )

    def codes(self, fellowship: str) -> tuple[set[str], list[str], list[str], bool, bool]:
        raw = self.row.get("types")
        if raw is None:
            return set(), [], [], False, False
        if isinstance(raw, str):
            codes: list[Any] = [c for c in raw.split(",")]
        elif isinstance(raw, list):
            codes = raw
        else:
            self.warn("types", f"types should be a list of codes, not {type(raw).__name__}")
            return set(), [], [], False, False
        features: set[str] = set()
        languages: list[str] = []
        tags: list[str] = []
        closed = online = False
        for item in codes:
            if isinstance(item, (dict, list)) or item is None:
                self.warn("types", f"type code {item!r} is not a code")
                continue
            code = str(item).strip()
            if not code:
                self.warn("types", "an empty type code was ignored")
                continue
            meaning = type_meaning(code, fellowship)
            if meaning is None and code != code.upper():
                meaning = type_meaning(code.upper(), fellowship)
            if meaning is None:
                if code not in tags:
                    tags.append(code)
                continue
            if meaning.kind == CodeKind.FEATURE:
                features.add(meaning.value)
            elif meaning.kind == CodeKind.LANGUAGE:
                if meaning.value not in languages:
                    languages.append(meaning.value)
            elif meaning.kind == CodeKind.TEMPORARILY_CLOSED:
                closed = True
            elif meaning.kind == CodeKind.ONLINE:
                online = True
        if "open" in features and "closed" in features:
            self.warn("types", "marked both open and closed")
        return features, languages, tags, closed, online

    def location(self) -> Location:
        row = self.row
        formatted = self.line("formatted_address")
        street = self.line("address")
        city = self.line("city")
        if not formatted and street.count(",") >= 2 and not city:
            formatted, street = street, ""  # a full address packed into `address` (Edmonton)
        lat, lon = norm.coordinates(row.get("latitude"), row.get("longitude"))
        coords = row.get("coordinates")
        coordinate_parts = coords.split(",") if isinstance(coords, str) else []
        if lat is None and len(coordinate_parts) in (2, 4):
            lat, lon = norm.coordinates(coordinate_parts[0], coordinate_parts[1])
        if lat is None and (row.get("latitude") not in (None, "") or row.get("longitude") not in (None, "")):
            self.warn("latitude", f"coordinates {row.get('latitude')!r}, {row.get('longitude')!r} are not usable")
        postal = row.get("postal_code")
        location = Location(
            name=self.line("location"),
            street=street,
            city=city,
            region=self.line("state"),
            postal_code=str(postal).strip() if isinstance(postal, (str, int)) and not isinstance(postal, bool) else "",
            country=self.line("country"),
            formatted_address=formatted,
            latitude=lat,
            longitude=lon,
            notes=self.text("location_notes"),
        )
        if not location.formatted_address:
            location.formatted_address = location.one_line()
        location.approximate = self._approximate(location, coordinate_parts)
        return location

    def _approximate(self, location: Location, coordinate_parts: list[str]) -> bool:
        flag = self.row.get("approximate")
        if isinstance(flag, bool):
            return flag
        if isinstance(flag, str) and flag.strip().lower() in {"yes", "no", "true", "false"}:
            return flag.strip().lower() in {"yes", "true"}
        if len(coordinate_parts) == 4:
            return True
        if len(coordinate_parts) == 2:
            return False
        # No explicit flag: a street number means a real address. (TSML UI counts commas
        # instead, which marks real addresses written without a country as approximate.)
        first = location.street or location.formatted_address.split(",")[0]
        return not any(ch.isdigit() for ch in first)

    def conference_url(self) -> str:
        raw = self.row.get("conference_url")
        if raw in (None, ""):
            return ""
        url = norm.http_url(raw)
        if url is None:
            self.warn("conference_url", f"{str(raw)[:80]!r} is not a web address; ignored")
            return ""
        return url

    def conference_phone(self) -> str:
        raw = self.row.get("conference_phone")
        if raw in (None, ""):
            return ""
        phone = norm.dial_string(raw)
        if phone is None:
            self.warn("conference_phone", f"{str(raw)[:40]!r} has fewer than 10 digits; ignored")
            return ""
        return phone

    def publisher_attendance(self, attendance: Attendance, status: Status) -> tuple[Attendance, Status]:
        """The TSML plugin publishes its own `attendance_option`; when present it wins."""
        option = self.row.get("attendance_option")
        mapping = {
            "in_person": (Attendance.IN_PERSON, Status.ACTIVE),
            "online": (Attendance.ONLINE, Status.ACTIVE),
            "hybrid": (Attendance.HYBRID, Status.ACTIVE),
            "inactive": (attendance, Status.TEMPORARILY_CLOSED),
        }
        if isinstance(option, str) and option in mapping:
            chosen = mapping[option]
            if chosen[0] is not Attendance.IN_PERSON and not (
                self.row.get("conference_url") or self.row.get("conference_phone")
            ):
                return attendance, status  # claims online with nothing to join: trust the data
            return chosen
        return attendance, status

    def feedback_emails(self) -> tuple[str, ...]:
        raw = self.row.get("feedback_emails")
        values = raw if isinstance(raw, list) else ([raw] if isinstance(raw, str) else [])
        emails = []
        for value in values:
            for part in str(value).split(","):
                address = norm.email_address(part)
                if address:
                    emails.append(address)
                elif part.strip():
                    self.warn("feedback_emails", f"{part.strip()!r} is not an email address")
        return tuple(emails)

    def regions(self) -> tuple[str, ...]:
        raw = self.row.get("regions")
        if isinstance(raw, list):
            return tuple(r for r in (norm.one_line(v)[0] for v in raw if isinstance(v, (str, int))) if r)
        parts = (self.line("region"), self.line("sub_region"), self.line("sub_sub_region"))
        return tuple(p for p in parts if p)


def _identifier(value: Any) -> str | None:
    """A feed's id: text, or a whole number (the spec says text; numbers appear in real feeds)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def _copy(meeting: Meeting) -> Meeting:
    return replace(meeting, location=replace(meeting.location))
