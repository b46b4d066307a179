"""How a meeting is shown to the outside world (API and feeds): the public shape.

Only what the source published is shown (no contact names, nothing invented), plus what we
computed: the next start as an instant, the meeting's own local time and zone, and the
viewer's local time when the viewer's zone is known, each labelled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from manyroads.index.query import Hit
from manyroads.model import WEEKDAY_NAMES


def clock(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def instant(seconds: int | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def local_view(seconds: int | None, zone: str | None) -> dict[str, Any] | None:
    if seconds is None or not zone:
        return None
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(ZoneInfo(zone))
    return {
        "datetime": moment.isoformat(),
        "weekday": WEEKDAY_NAMES[moment.weekday()],
        "time": moment.strftime("%H:%M"),
        "timezone": zone,
        "abbreviation": moment.tzname(),
    }


def meeting_summary(
    record: dict[str, Any],
    hit: Hit | None,
    *,
    viewer_zone: str | None,
    base_url: str,
    stance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ident = record["id"]
    next_start = hit.next_start if hit else None
    weekday = record["weekday"]
    return {
        "id": ident,
        "name": record["name"],
        "fellowship": record["fellowship"],
        "group": record["group"] or None,
        "attendance": record["attendance"],
        "status": record["status"],
        "schedule": {
            "weekday": WEEKDAY_NAMES[weekday] if weekday is not None else None,
            "weekday_number": weekday,
            "local_start": clock(record["start_minute"]),
            "duration_minutes": record["duration_minutes"],
            "timezone": record["timezone"],
            "timezone_origin": record["timezone_origin"],
            "by_appointment": weekday is None,
        },
        "next_start": instant(next_start),
        "next_start_meeting_time": local_view(next_start, record["timezone"]),
        "next_start_viewer_time": local_view(next_start, viewer_zone),
        "in_progress_since": instant(hit.running_since) if hit else None,
        "distance_km": round(hit.distance_km, 3) if hit and hit.distance_km is not None else None,
        "location": {
            "name": record["location_name"] or None,
            "address": record["location_formatted_address"] or None,
            "street": record["location_street"] or None,
            "city": record["location_city"] or None,
            "region": record["location_region"] or None,
            "postal_code": record["location_postal_code"] or None,
            "country": record["location_country"] or None,
            "latitude": record["location_latitude"],
            "longitude": record["location_longitude"],
            "approximate": bool(record["location_approximate"]),
            "notes": record["location_notes"] or None,
        },
        "online": {
            "url": record["conference_url"] or None,
            "url_notes": record["conference_url_notes"] or None,
            "phone": record["conference_phone"] or None,
            "phone_notes": record["conference_phone_notes"] or None,
        },
        "features": record["features"],
        "languages": record["languages"],
        "source_tags": record["source_tags"],
        "medication": stance or {"stance": "unknown", "evidence": []},
        "notes": record["notes"] or None,
        "group_notes": record["group_notes"] or None,
        "regions": record["regions"],
        "corrections": {
            "feedback_url": record["feedback_url"] or None,
            "feedback_emails": record["feedback_emails"],
        },
        "source": {
            "name": record["source"],
            "id": record["native_id"],
            "url": record["source_url"] or None,
            "updated": record["source_updated"],
            "first_seen": _iso(record.get("first_seen_at")),
            "last_seen": _iso(record.get("last_seen_at")),
        },
        "links": {
            "self": f"{base_url}/api/v1/meetings/{ident}",
            "calendar": f"{base_url}/api/v1/meetings/{ident}.ics",
            "page": f"{base_url}/meetings/{ident}",
        },
    }


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, str) else None
