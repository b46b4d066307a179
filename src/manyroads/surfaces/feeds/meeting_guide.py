"""Meeting Guide JSON out: what the Meeting Guide app, TSML UI and the TSML plugin read.

Every meeting carries `timezone` (TSML UI drops rows without one), features go out as the
spec's type codes (our own extension codes for the rest, documented in docs/vocabulary.md),
`approximate` is explicit (TSML UI otherwise guesses from commas), and conference links on
hosts the Meeting Guide tools do not recognise go into the notes, where they survive instead
of being deleted downstream.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from manyroads.model import Attendance, Status
from manyroads.sources.normalise import slugify
from manyroads.surfaces.ids import stable_number
from manyroads.vocabulary.meeting_guide import STANDARD_CODE_FOR_FEATURE, STANDARD_CODE_FOR_LANGUAGE

# Hosts the TSML plugin, TSML UI, Central and online-meeting-list all recognise (suffix match).
CONFERENCE_PROVIDERS = (
    "bluejeans.com",
    "discord.gg",
    "freeconference.com",
    "freeconferencecall.com",
    "goto.com",
    "gotomeet.me",
    "gotomeeting.com",
    "horizon.meta.com",
    "maps.secondlife.com",
    "meet.google.com",
    "meet.jit.si",
    "meetings.dialpad.com",
    "signal.group",
    "skype.com",
    "slurl.com",
    "teams.live.com",
    "teams.microsoft.com",
    "vrchat.com",
    "webex.com",
    "zoho.com",
    "zoom.us",
)


def recognised_provider(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == p or host.endswith("." + p) for p in CONFERENCE_PROVIDERS)


def feed_slug(meeting_id: str) -> str:
    """A URL-safe, stable slug for one of our meeting ids ("source:native" -> "source--native")."""
    source, _, native = meeting_id.partition(":")
    return f"{source}--{slugify(native) or 'meeting'}-{stable_number(meeting_id) % 100000:05d}"


def meeting_guide_row(record: dict[str, Any], base_url: str) -> dict[str, Any] | None:
    """One stored meeting as a Meeting Guide feed row; None for meetings without a zone."""
    if record["weekday"] is not None and not record["timezone"]:
        return None  # a time without a zone cannot be placed by any consumer
    types = [STANDARD_CODE_FOR_FEATURE[f] for f in record["features"] if f in STANDARD_CODE_FOR_FEATURE]
    types += [STANDARD_CODE_FOR_LANGUAGE.get(lang, lang.upper()) for lang in record["languages"]]
    if record["status"] == Status.TEMPORARILY_CLOSED.value:
        types.append("TC")
    url = record["conference_url"]
    notes = record["notes"]
    online = record["attendance"] != Attendance.IN_PERSON.value
    row: dict[str, Any] = {
        "name": record["name"],
        "slug": feed_slug(record["id"]),
        "types": sorted(set(types)),
        "notes": notes,
        "location": record["location_name"],
        "location_notes": record["location_notes"],
        "formatted_address": record["location_formatted_address"],
        "address": record["location_street"],
        "city": record["location_city"],
        "state": record["location_region"],
        "postal_code": record["location_postal_code"],
        "country": record["location_country"],
        "approximate": "yes" if record["location_approximate"] else "no",
        "timezone": record["timezone"],
        "group": record["group"],
        "group_notes": record["group_notes"],
        "regions": record["regions"],
        "url": f"{base_url}/meetings/{record['id']}",
        "feedback_url": record["feedback_url"] or f"{base_url}/meetings/{record['id']}#report",
        "fellowship": record["fellowship"],  # not in the spec; manyroads reads it back
    }
    if record["feedback_emails"]:
        row["feedback_emails"] = record["feedback_emails"]
    if record["weekday"] is not None:
        start = record["start_minute"]
        end = (start + record["duration_minutes"]) % 1440
        row["day"] = (record["weekday"] + 1) % 7  # Meeting Guide: 0 = Sunday
        row["time"] = f"{start // 60:02d}:{start % 60:02d}"
        row["end_time"] = f"{end // 60:02d}:{end % 60:02d}"
    if record["location_latitude"] is not None:
        row["latitude"] = record["location_latitude"]
        row["longitude"] = record["location_longitude"]
    if online and url:
        if recognised_provider(url):
            row["conference_url"] = url
            row["conference_url_notes"] = record["conference_url_notes"]
        else:
            extra = f"Join online: {url}" + (
                f"\n{record['conference_url_notes']}" if record["conference_url_notes"] else ""
            )
            row["notes"] = f"{notes}\n\n{extra}" if notes else extra
    if online and record["conference_phone"]:
        row["conference_phone"] = record["conference_phone"]
        row["conference_phone_notes"] = record["conference_phone_notes"]
    if record["source_updated"]:
        row["updated"] = str(record["source_updated"])[:19].replace("T", " ")
    return {key: value for key, value in row.items() if value not in ("", None, [])}
