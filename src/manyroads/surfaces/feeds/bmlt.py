"""BMLT's semantic API, served from /bmlt, so NA's tools (crouton, crumb, BMLTSearch, yap) work.

What they rely on, learned by running crouton against it: every standard meeting field is
present as a string (empty when unknown); formats join meetings through an equal
`root_server_uri`; GetServiceBodies returns the bodies meetings name (here: one per source,
under one per fellowship); jsonp wraps the answer in `callback(...)`.

Like BMLT's own aggregator, an unfiltered search of a large instance returns [] rather than
everything: narrow it by service body, place, meeting ids, formats, text or paging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from manyroads import __version__
from manyroads.fellowships import registry
from manyroads.index.columns import ATTENDANCE_CODES, FEATURE_BITS
from manyroads.index.spatial import great_circle_km
from manyroads.surfaces.context import AppContext, get_context
from manyroads.surfaces.ids import stable_number
from manyroads.vocabulary.bmlt import world_id_for_feature
from manyroads.vocabulary.features import FEATURES, FeatureGroup
from manyroads.vocabulary.languages import language_name
from manyroads.vocabulary.meeting_guide import STANDARD_CODE_FOR_FEATURE

router = APIRouter(prefix="/bmlt", tags=["BMLT semantic API"])
Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

UNFILTERED_LIMIT = 5000
MILES_PER_DEGREE, KM_PER_DEGREE = 69.0, 111.111
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_VENUE_IDS = {"VM": 901, "HY": 902, "TC": 903}
_FELLOWSHIP_BODY = 100000
_FIELD_KEYS = (
    ("id_bigint", "ID"),
    ("worldid_mixed", "World ID"),
    ("service_body_bigint", "Service Body ID"),
    ("weekday_tinyint", "Weekday"),
    ("venue_type", "Venue Type"),
    ("start_time", "Start Time"),
    ("duration_time", "Duration"),
    ("time_zone", "Time Zone"),
    ("formats", "Formats"),
    ("lang_enum", "Language"),
    ("longitude", "Longitude"),
    ("latitude", "Latitude"),
    ("meeting_name", "Meeting Name"),
    ("location_text", "Location Name"),
    ("location_info", "Additional Location Information"),
    ("location_street", "Street Address"),
    ("location_city_subsection", "Borough"),
    ("location_neighborhood", "Neighborhood"),
    ("location_municipality", "Town"),
    ("location_sub_province", "County"),
    ("location_province", "State"),
    ("location_postal_code_1", "Zip Code"),
    ("location_nation", "Nation"),
    ("comments", "Comments"),
    ("train_lines", "Train Lines"),
    ("bus_lines", "Bus Lines"),
    ("phone_meeting_number", "Phone Meeting Dial-in Number"),
    ("virtual_meeting_link", "Virtual Meeting Link"),
    ("virtual_meeting_additional_info", "Virtual Meeting Additional Information"),
)
_GROUP_TYPE = {
    FeatureGroup.ATTENDANCE: "O",
    FeatureGroup.AUDIENCE: "FC3",
    FeatureGroup.ACCESS: "FC2",
    FeatureGroup.FORMAT: "FC1",
    FeatureGroup.MEDICATION: "FC3",
}


class BmltError(Exception):
    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


def language_format_id(code: str) -> int:
    """A stable format id for a language (base-27 of its letters, past our other ids)."""
    number = 0
    for char in code.lower()[:3]:
        number = number * 27 + (ord(char) - 96)
    return 1000 + number


def format_rows(root: str, lang: str, languages: Iterable[str]) -> list[dict[str, str]]:
    spanish = lang.startswith("es")
    rows = []
    for number, feature in enumerate(FEATURES, start=1):
        label = feature.label(lang)
        rows.append(
            {
                "key_string": STANDARD_CODE_FOR_FEATURE.get(feature.name, feature.name),
                "name_string": label,
                "description_string": label,
                "lang": "es" if spanish else "en",
                "id": str(number),
                "world_id": world_id_for_feature(feature.name),
                "format_type_enum": _GROUP_TYPE[feature.group],
                "root_server_uri": root,
            }
        )
    venue = (
        ("VM", "VM", "En línea" if spanish else "Virtual meeting"),
        ("HY", "HYBR", "Híbrida" if spanish else "Hybrid meeting"),
        ("TC", "TC", "Local cerrado temporalmente" if spanish else "Location temporarily closed"),
    )
    for key, world, label in venue:
        rows.append(
            {
                "key_string": key,
                "name_string": label,
                "description_string": label,
                "lang": "es" if spanish else "en",
                "id": str(_VENUE_IDS[key]),
                "world_id": world,
                "format_type_enum": "FC2",
                "root_server_uri": root,
            }
        )
    for code in languages:
        name = language_name(code, "es" if spanish else "en")
        rows.append(
            {
                "key_string": code.upper(),
                "name_string": name,
                "description_string": name,
                "lang": "es" if spanish else "en",
                "id": str(language_format_id(code)),
                "world_id": "LANG",
                "format_type_enum": "LANG",
                "root_server_uri": root,
            }
        )
    return rows


class _Params:
    """BMLT query parameters: `name[]=a&name[]=b` or `name=a,b`; positive include, negative exclude."""

    def __init__(self, request: Request):
        self.items = request.query_params.multi_items()
        self.keys = {k.removesuffix("[]") for k, _ in self.items}

    def has(self, name: str) -> bool:
        return name in self.keys

    def text(self, name: str, default: str = "") -> str:
        for key, value in self.items:
            if key.removesuffix("[]") == name:
                return value
        return default

    def values(self, name: str) -> list[str]:
        found: list[str] = []
        for key, value in self.items:
            if key.removesuffix("[]") == name:
                found.extend(v.strip() for v in value.split(",") if v.strip())
        return found

    def ints(self, name: str) -> tuple[list[int], list[int]]:
        include: list[int] = []
        exclude: list[int] = []
        for value in self.values(name):
            try:
                number = int(value)
            except ValueError:
                raise BmltError(f"{name}: {value!r} is not a number") from None
            (exclude if number < 0 else include).append(abs(number))
        return include, exclude

    def number(self, name: str) -> float | None:
        value = self.text(name)
        if value == "":
            return None
        try:
            return float(value)
        except ValueError:
            raise BmltError(f"{name}: {value!r} is not a number") from None


class BmltServer:
    """Answers switchers from the index (filters) and the store (meeting fields)."""

    def __init__(self, context: AppContext, root: str):
        self.context = context
        self.root = root
        self.columns = context.index.current()

    # -- switchers ----------------------------------------------------------------------
    def server_info(self) -> list[dict[str, str]]:
        columns = self.columns
        points = columns.point_rows
        lat = float(np.nanmean(columns.latitude[points])) if points.size else 0.0
        lon = float(np.nanmean(columns.longitude[points])) if points.size else 0.0
        return [
            {
                "version": "4.0.0",
                "versionInt": "4000000",
                "langs": "en,es",
                "nativeLang": "en",
                "centerLongitude": f"{lon:.6f}",
                "centerLatitude": f"{lat:.6f}",
                "centerZoom": "6",
                "defaultDuration": "01:00",
                "regionBias": "us",
                "charSet": "UTF-8",
                "distanceUnits": "mi",
                "semanticAdmin": "0",
                "changesPerMeeting": "0",
                "meeting_states_and_provinces": "",
                "meeting_counties_and_sub_provinces": "",
                "available_keys": ",".join(k for k, _ in _FIELD_KEYS),
                "google_api_key": "",
                "dbVersion": "",
                "dbPrefix": "",
                "phpVersion": "",
                "auto_geocoding_enabled": "0",
                "county_auto_geocoding_enabled": "0",
                "zip_auto_geocoding_enabled": "0",
                "commit": "",
                "default_closed_status": "1",
                "aggregator_mode_enabled": "0",
                "server_software": f"manyroads {__version__}",
            }
        ]

    def service_bodies(self, params: _Params) -> list[dict[str, str]]:
        sources = {s.name: s for s in self.context.store.sources()}
        bodies: dict[int, dict[str, str]] = {}
        fellowships = {}
        for name in self.columns.sources:
            source = sources.get(name)
            if source is None:
                continue
            parent = _FELLOWSHIP_BODY + stable_number(source.fellowship) % 90000
            fellowships[parent] = source.fellowship
            bodies[source.id] = {
                "id": str(source.id),
                "parent_id": str(parent),
                "name": source.name,
                "description": f"Meetings from the {source.kind} source {source.name}",
                "type": "AS",
                "url": "",
                "helpline": "",
                "world_id": "",
            }
        for body_id, code in fellowships.items():
            entry = registry().get(code)
            bodies[body_id] = {
                "id": str(body_id),
                "parent_id": "0",
                "name": entry.name if entry else code,
                "description": f"{entry.name if entry else code} meetings listed by manyroads",
                "type": "ZF",
                "url": (entry.website or "") if entry else "",
                "helpline": "",
                "world_id": "",
            }
        include, exclude = params.ints("services")
        if include:
            wanted = set(include)
            if params.text("recursive") == "1":
                wanted |= {int(b["id"]) for b in bodies.values() if int(b["parent_id"]) in wanted}
            if params.text("parents") == "1":
                wanted |= {int(bodies[i]["parent_id"]) for i in list(wanted) if i in bodies}
            bodies = {i: b for i, b in bodies.items() if i in wanted}
        return [b for i, b in sorted(bodies.items()) if i not in set(exclude)]

    def formats(self, params: _Params, used_only: bool) -> list[dict[str, str]]:
        lang = params.text("lang_enum", "en")
        rows = format_rows(self.root, lang, self.columns.languages)
        if used_only:
            used = self._used_format_ids(np.arange(self.columns.size))
            rows = [r for r in rows if int(r["id"]) in used]
        keys = set(params.values("key_strings"))
        if keys:
            rows = [r for r in rows if r["key_string"] in keys]
        include, exclude = params.ints("format_ids")
        if include:
            rows = [r for r in rows if int(r["id"]) in include]
        return [r for r in rows if int(r["id"]) not in exclude]

    def search(self, params: _Params) -> Any:
        lang = params.text("lang_enum", "en")
        if params.has("get_formats_only"):
            return {"formats": self.formats(params, used_only=False)}
        rows, distances, narrowed = self._matching_rows(params)
        if not narrowed and rows.size > UNFILTERED_LIMIT:
            rows = rows[:0]
        meetings = self._meeting_objects(rows, distances)
        meetings = _sort(meetings, params.values("sort_keys") or ["weekday_tinyint", "start_time", "duration_time"])
        page_size = params.number("page_size")
        if page_size:
            page = max(1, int(params.number("page_num") or 1))
            meetings = meetings[(page - 1) * int(page_size) : page * int(page_size)]
        fields = params.values("data_field_key")
        if fields:
            meetings = [{k: m.get(k, "") for k in fields} for m in meetings]
        if params.has("get_used_formats"):
            used = self._used_format_ids(rows)
            formats = [f for f in format_rows(self.root, lang, self.columns.languages) if int(f["id"]) in used]
            return {"meetings": meetings, "formats": formats}
        return meetings

    def field_keys(self) -> list[dict[str, str]]:
        return [{"key": key, "description": description} for key, description in _FIELD_KEYS]

    def field_values(self, params: _Params) -> list[dict[str, str]]:
        key = params.text("meeting_key")
        if key not in dict(_FIELD_KEYS):
            raise BmltError(f"meeting_key: {key!r} is not a field key (see GetFieldKeys)")
        meetings = self._meeting_objects(np.flatnonzero(~self.columns.closed), None)
        grouped: dict[str, list[str]] = {}
        for meeting in meetings:
            grouped.setdefault(meeting.get(key, "") or "NULL", []).append(meeting["id_bigint"])
        return [{key: value, "ids": ",".join(ids)} for value, ids in sorted(grouped.items())]

    def coverage(self) -> list[dict[str, str]]:
        points = self.columns.point_rows
        if not points.size:
            return [
                {
                    "nw_corner_longitude": "0",
                    "nw_corner_latitude": "0",
                    "se_corner_longitude": "0",
                    "se_corner_latitude": "0",
                }
            ]
        lat, lon = self.columns.latitude[points], self.columns.longitude[points]
        return [
            {
                "nw_corner_longitude": f"{lon.min():.6f}",
                "nw_corner_latitude": f"{lat.max():.6f}",
                "se_corner_longitude": f"{lon.max():.6f}",
                "se_corner_latitude": f"{lat.min():.6f}",
            }
        ]

    # -- helpers ------------------------------------------------------------------------
    def _numeric_rows(self) -> dict[int, int]:
        cache = self.context.extras.get("bmlt_numeric")
        if not isinstance(cache, tuple) or cache[0] != self.columns.version:
            cache = (self.columns.version, {stable_number(i): row for row, i in enumerate(self.columns.ids)})
            self.context.extras["bmlt_numeric"] = cache
        mapping: dict[int, int] = cache[1]
        return mapping

    def _matching_rows(self, params: _Params) -> tuple[Rows, Floats | None, bool]:
        columns = self.columns
        rows = np.arange(columns.size)
        narrowed = False
        distances = None
        keep = np.ones(rows.shape, bool)
        published = params.text("advanced_published", "1")
        if published == "-1":
            keep &= columns.closed
        elif published != "0":
            keep &= ~columns.closed
        include, exclude = params.ints("meeting_ids")
        if include or exclude:
            mapping = self._numeric_rows()
            if include:
                narrowed = True
                chosen = np.zeros(rows.shape, bool)
                chosen[[mapping[i] for i in include if i in mapping]] = True
                keep &= chosen
            for number in exclude:
                if number in mapping:
                    keep[mapping[number]] = False
        include, exclude = params.ints("weekdays")
        if include:
            keep &= np.isin(columns.weekday, _python_days(include))
        if exclude:
            keep &= ~np.isin(columns.weekday, _python_days(exclude))
        include, exclude = params.ints("venue_types")
        venue = np.array([1, 2, 3], np.int8)[columns.attendance]  # in person, online, hybrid
        if include:
            keep &= np.isin(venue, include)
        if exclude:
            keep &= ~np.isin(venue, exclude)
        include, exclude = params.ints("services")
        if include or exclude:
            source_ids = {s.name: s.id for s in self.context.store.sources()}
            source_body = np.array([source_ids.get(name, -1) for name in columns.sources], np.int64)
            body = source_body[columns.source_idx]
            parents = {int(b["id"]): int(b["parent_id"]) for b in self.service_bodies(_NoParams())}
            parent = np.array([parents.get(int(b), -1) for b in source_body], np.int64)[columns.source_idx]
            if include:
                narrowed = True
                keep &= np.isin(body, include) | (
                    np.isin(parent, include) if params.text("recursive") == "1" else np.zeros(rows.shape, bool)
                )
            if exclude:
                keep &= ~np.isin(body, exclude) & ~np.isin(parent, exclude)
        include, exclude = params.ints("formats")
        if include or exclude:
            narrowed = True
            has = {fid: self._rows_with_format(fid) for fid in include + exclude}
            if include:
                combine = (
                    np.logical_or if params.text("formats_comparison_operator").upper() == "OR" else np.logical_and
                )
                selected = has[include[0]].copy()
                for fid in include[1:]:
                    selected = combine(selected, has[fid])
                keep &= selected
            for fid in exclude:
                keep &= ~has[fid]
        start = columns.start_minute.astype(np.int64)
        for prefix, comparison in (("StartsAfter", np.greater), ("StartsBefore", np.less)):
            hour, minute = params.number(prefix + "H"), params.number(prefix + "M")
            if hour is not None or minute is not None:
                limit = int(hour or 0) * 60 + int(minute or 0)
                keep &= columns.scheduled & comparison(start, limit)
        hour, minute = params.number("EndsBeforeH"), params.number("EndsBeforeM")
        if hour is not None or minute is not None:
            keep &= columns.scheduled & (start + columns.duration // 60 <= int(hour or 0) * 60 + int(minute or 0))
        text = params.text("SearchString")
        if text:
            narrowed = True
            found, _ = columns.text.search(text)
            mask = np.zeros(rows.shape, bool)
            mask[found] = True
            keep &= mask
        lat, lon = params.number("lat_val"), params.number("long_val")
        width_mi, width_km = params.number("geo_width"), params.number("geo_width_km")
        if lat is not None and lon is not None and (width_mi is not None or width_km is not None):
            narrowed = True
            has_point = np.zeros(rows.shape, bool)
            has_point[columns.point_rows] = True
            keep &= has_point
            distance = np.full(rows.shape, np.inf)
            distance[columns.point_rows] = great_circle_km(
                lat, lon, columns.latitude[columns.point_rows], columns.longitude[columns.point_rows]
            )
            width = width_km if width_km is not None else (width_mi or 0.0)
            if width < 0:  # auto radius: the nearest N meetings (N is a count, in either unit)
                nearest = np.argsort(np.where(keep, distance, np.inf), kind="stable")[: int(-width)]
                auto = np.zeros(rows.shape, bool)
                auto[nearest] = True
                keep &= auto & np.isfinite(distance)
            else:
                keep &= distance <= (width if width_km is not None else width * 1.609344)
            distances = distance
        if params.has("page_size"):
            narrowed = True
        chosen = rows[keep]
        return chosen, distances[chosen] if distances is not None else None, narrowed

    def _rows_with_format(self, format_id: int) -> Mask:
        columns = self.columns
        if format_id == _VENUE_IDS["VM"]:
            online: Mask = columns.attendance == ATTENDANCE_CODES["online"]
            return online
        if format_id == _VENUE_IDS["HY"]:
            hybrid: Mask = columns.attendance == ATTENDANCE_CODES["hybrid"]
            return hybrid
        if format_id == _VENUE_IDS["TC"]:
            return columns.closed.copy()
        if 1 <= format_id <= len(FEATURES):
            bit = FEATURE_BITS[FEATURES[format_id - 1].name]
            has: Mask = (columns.features[:, bit // 64] >> np.uint64(bit % 64)) & np.uint64(1) == 1
            return has
        for position, code in enumerate(columns.languages):
            if language_format_id(code) == format_id:
                speaks: Mask = (columns.language_bits[:, position // 64] >> np.uint64(position % 64)) & np.uint64(
                    1
                ) == 1
                return speaks
        return np.zeros(columns.size, bool)

    def _used_format_ids(self, rows: Rows) -> set[int]:
        columns = self.columns
        used: set[int] = set()
        if rows.size == 0:
            return used
        features = np.bitwise_or.reduce(columns.features[rows], axis=0)
        for number, feature in enumerate(FEATURES, start=1):
            bit = FEATURE_BITS[feature.name]
            if (features[bit // 64] >> np.uint64(bit % 64)) & np.uint64(1):
                used.add(number)
        languages = np.bitwise_or.reduce(columns.language_bits[rows], axis=0)
        for position, code in enumerate(columns.languages):
            if (languages[position // 64] >> np.uint64(position % 64)) & np.uint64(1):
                used.add(language_format_id(code))
        attendance = set(columns.attendance[rows].tolist())
        if ATTENDANCE_CODES["online"] in attendance:
            used.add(_VENUE_IDS["VM"])
        if ATTENDANCE_CODES["hybrid"] in attendance:
            used.add(_VENUE_IDS["HY"])
        if columns.closed[rows].any():
            used.add(_VENUE_IDS["TC"])
        return used

    def _meeting_objects(self, rows: Rows, distances: Floats | None) -> list[dict[str, str]]:
        ids = [self.columns.ids[int(r)] for r in rows]
        records = {r["id"]: r for r in self.context.store.meeting_records(ids)} if ids else {}
        source_ids = {s.name: s.id for s in self.context.store.sources()}
        meetings = []
        for position, ident in enumerate(ids):
            record = records.get(ident)
            if record is None:
                continue
            distance = float(distances[position]) if distances is not None else None
            meetings.append(self._meeting(record, source_ids.get(record["source"], 0), distance))
        return meetings

    def _meeting(self, record: dict[str, Any], body: int, distance_km: float | None) -> dict[str, str]:
        feature_ids = [str(i) for i, f in enumerate(FEATURES, start=1) if f.name in set(record["features"])]
        keys = [STANDARD_CODE_FOR_FEATURE.get(f, f) for f in record["features"]]
        venue = {"in_person": "1", "online": "2", "hybrid": "3"}[record["attendance"]]
        if venue == "2":
            feature_ids.append(str(_VENUE_IDS["VM"]))
            keys.append("VM")
        if venue == "3":
            feature_ids.append(str(_VENUE_IDS["HY"]))
            keys.append("HY")
        if record["status"] == "temporarily_closed":
            feature_ids.append(str(_VENUE_IDS["TC"]))
            keys.append("TC")
        for code in record["languages"]:
            feature_ids.append(str(language_format_id(code)))
            keys.append(code.upper())
        weekday = record["weekday"]
        start = record["start_minute"]
        duration = record["duration_minutes"]
        has_point = record["location_latitude"] is not None
        return {
            "id_bigint": str(stable_number(record["id"])),
            "worldid_mixed": "",
            "shared_group_id_bigint": "",
            "service_body_bigint": str(body),
            "service_body_name": record["source"],
            "weekday_tinyint": str((weekday + 1) % 7 + 1) if weekday is not None else "",
            "venue_type": venue,
            "start_time": f"{start // 60:02d}:{start % 60:02d}:00" if start is not None else "",
            "duration_time": f"{duration // 60:02d}:{duration % 60:02d}:00",
            "time_zone": record["timezone"] or "",
            "formats": ",".join(keys),
            "lang_enum": record["languages"][0] if record["languages"] else "en",
            "longitude": f"{record['location_longitude']:.7f}" if has_point else "0",
            "latitude": f"{record['location_latitude']:.7f}" if has_point else "0",
            "distance_in_km": f"{distance_km:.6f}" if distance_km is not None else "",
            "distance_in_miles": f"{distance_km / 1.609344:.6f}" if distance_km is not None else "",
            "email_contact": "",
            "published": "0" if record["status"] == "temporarily_closed" else "1",
            "root_server_uri": self.root,
            "format_shared_id_list": ",".join(sorted(feature_ids, key=int)),
            "meeting_name": record["name"],
            "location_text": record["location_name"],
            "location_info": record["location_notes"],
            "location_street": _street(record),
            "location_city_subsection": "",
            "location_neighborhood": "",
            "location_municipality": record["location_city"],
            "location_sub_province": "",
            "location_province": record["location_region"],
            "location_postal_code_1": record["location_postal_code"],
            "location_nation": record["location_country"],
            "comments": record["notes"],
            "train_lines": "",
            "bus_lines": "",
            "contact_phone_2": "",
            "contact_email_2": "",
            "contact_name_2": "",
            "contact_phone_1": "",
            "contact_email_1": "",
            "contact_name_1": "",
            "phone_meeting_number": record["conference_phone"] if venue != "1" else "",
            "virtual_meeting_link": record["conference_url"] if venue != "1" else "",
            "virtual_meeting_additional_info": record["conference_url_notes"] if venue != "1" else "",
        }


def _street(record: dict[str, Any]) -> str:
    """BMLT has no one-line address: when a feed gave only a full address, its first part is the
    street (BMLT readers treat an in-person meeting without a street as having no address)."""
    if record["location_street"] or record["location_approximate"]:
        return str(record["location_street"])
    return str(record["location_formatted_address"]).split(",")[0].strip()


def _python_days(days: list[int]) -> list[int]:
    """BMLT weekdays (1 = Sunday) as Python's (0 = Monday)."""
    return [(d + 5) % 7 for d in days if 1 <= d <= 7]


class _NoParams(_Params):
    def __init__(self) -> None:
        self.items = []
        self.keys = set()


_NUMERIC_SORT = {
    "weekday_tinyint",
    "id_bigint",
    "venue_type",
    "distance_in_km",
    "distance_in_miles",
    "service_body_bigint",
    "longitude",
    "latitude",
}
_SORT_ALIASES = {
    "weekday": ["weekday_tinyint", "start_time"],
    "time": ["start_time"],
    "town": ["location_municipality", "meeting_name"],
    "state": ["location_province"],
    "weekday_state": ["weekday_tinyint", "location_province"],
}


def _sort(meetings: list[dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    expanded = [k for key in keys for k in _SORT_ALIASES.get(key, [key])]

    def sort_key(meeting: dict[str, str]) -> tuple[Any, ...]:
        parts: list[Any] = []
        for key in expanded:
            value = meeting.get(key, "")
            if key in _NUMERIC_SORT:
                try:
                    parts.append((0, float(value)))
                except ValueError:
                    parts.append((1, 0.0))
            else:
                parts.append((0, value.casefold()))
        return tuple(parts)

    return sorted(meetings, key=sort_key)


def _answer(data: Any, output: str, callback: str | None) -> Response:
    body = orjson.dumps(data)
    if output == "jsonp":
        name = callback or "callback"
        if not _CALLBACK.match(name):
            return Response(
                orjson.dumps({"error": "callback must be a JavaScript identifier"}), 422, media_type="application/json"
            )
        return Response(
            f"/**/{name}(".encode() + body + b");",
            media_type="application/javascript",
            headers={"Access-Control-Allow-Origin": "*"},
        )
    return Response(body, media_type="application/json", headers={"Access-Control-Allow-Origin": "*"})


@router.get("/client_interface/{output}/", summary="BMLT semantic API (switcher=...)")
async def client_interface(
    output: str, request: Request, context: Annotated[AppContext, Depends(get_context)]
) -> Response:
    """GetSearchResults, GetFormats, GetServiceBodies, GetServerInfo, GetFieldKeys, GetFieldValues,
    GetCoverageArea, with BMLT's parameters. `output` is json or jsonp (with `callback`)."""
    params = _Params(request)
    callback = params.text("callback") or None
    if output not in {"json", "jsonp"}:
        message = {"error": f"unsupported data format {output!r}; use json or jsonp"}
        return Response(orjson.dumps(message), 422, media_type="application/json")
    root = f"{context.base_url}/bmlt"
    server = BmltServer(context, root)
    switcher = params.text("switcher")
    try:
        if switcher == "GetSearchResults":
            data: Any = server.search(params)
        elif switcher == "GetFormats":
            data = server.formats(params, used_only=params.text("show_all") != "1")
        elif switcher == "GetServiceBodies":
            data = server.service_bodies(params)
        elif switcher == "GetServerInfo":
            data = server.server_info()
        elif switcher == "GetFieldKeys":
            data = server.field_keys()
        elif switcher == "GetFieldValues":
            data = server.field_values(params)
        elif switcher == "GetCoverageArea":
            data = server.coverage()
        else:
            raise BmltError(f"switcher {switcher!r} is not supported; see /docs#/BMLT%20semantic%20API")
    except BmltError as error:
        return Response(orjson.dumps({"error": error.message}), error.status, media_type="application/json")
    return _answer(data, output, callback)
