"""iCalendar: a meeting as a weekly event in its own zone, and any search as a calendar.

Events carry TZID and a VTIMEZONE, so calendar apps show each meeting at its real local time
in every week, on both sides of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from manyroads import __version__
from manyroads.index.timeplan import next_start_reference

_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class NotSchedulable(ValueError):
    """The meeting has no weekly time or no known time zone, so no calendar event exists."""


def meeting_event(record: dict[str, Any], base_url: str, now: datetime) -> Event:
    if record["weekday"] is None or record["start_minute"] is None:
        raise NotSchedulable("this meeting is by appointment: it has no weekly time")
    if not record["timezone"]:
        raise NotSchedulable("this meeting's time zone is unknown, so its time cannot be placed in a calendar")
    zone = ZoneInfo(record["timezone"])
    first = next_start_reference(record["weekday"], record["start_minute"], record["timezone"], now).astimezone(zone)
    event = Event()
    event.add("uid", f"{record['id']}@manyroads")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", first)
    event.add("duration", timedelta(minutes=record["duration_minutes"]))
    event.add("rrule", {"FREQ": "WEEKLY", "BYDAY": _ICAL_DAYS[record["weekday"]]})
    event.add("summary", record["name"])
    place = record["location_formatted_address"]
    if record["attendance"] != "online" and place:
        event.add("location", ", ".join(p for p in (record["location_name"], place) if p))
        if record["location_latitude"] is not None and not record["location_approximate"]:
            event.add("geo", (record["location_latitude"], record["location_longitude"]))
    elif record["conference_url"]:
        event.add("location", record["conference_url"])
    lines = []
    if record["conference_url"] and record["attendance"] != "in_person":
        lines.append(f"Join online: {record['conference_url']}")
        if record["conference_url_notes"]:
            lines.append(record["conference_url_notes"])
    if record["conference_phone"] and record["attendance"] != "in_person":
        lines.append(f"By phone: {record['conference_phone']}")
    if record["notes"]:
        lines.append(record["notes"])
    lines.append(f"Details and changes: {base_url}/meetings/{record['id']}")
    event.add("description", "\n\n".join(lines))
    event.add("url", f"{base_url}/meetings/{record['id']}")
    if record["status"] == "temporarily_closed":
        event.add("status", "CANCELLED")
    return event


def calendar(records: list[dict[str, Any]], base_url: str, now: datetime, *, name: str) -> Calendar:
    """A calendar of the records that can be scheduled (the rest are left out)."""
    cal = Calendar()
    cal.add("prodid", f"-//manyroads//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for record in records:
        try:
            cal.add_component(meeting_event(record, base_url, now))
        except NotSchedulable:
            continue
    cal.add_missing_timezones()
    return cal
