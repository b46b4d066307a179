"""BMLT semantic API: harvest a root server, or import a saved GetSearchResults file.

Everything arrives as a string; weekday 1 = Sunday; formats are joined through
`format_shared_id_list` -> GetFormats -> `world_id` (key strings are per server and per
language, so they are never mapped on their own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import orjson

from manyroads.model import Attendance, Location, Meeting, ParseResult, Status
from manyroads.sources import normalise as norm
from manyroads.sources.base import Document, Fetcher, SourceContext, SourceFormatError, Validators
from manyroads.sources.meeting_guide import decode_json
from manyroads.sources.timezones import decide_zone
from manyroads.vocabulary.bmlt import (
    STOCK_FORMATS_WITHOUT_WORLD_ID,
    WORLD_ID_MEANINGS,
    WORLD_ID_MULTI,
    language_from_key,
)
from manyroads.vocabulary.codes import CodeKind
from manyroads.vocabulary.languages import known_languages, normalise_language
from manyroads.vocabulary.meeting_guide import STANDARD_TYPES

BUNDLE_MARK = "manyroads_bmlt_harvest"
DEFAULT_PAGE_SIZE = 2000
_LEGACY_PREFIX = "#@-@#"  # old data fields carry "prompt#@-@#value"


def is_root_server(location: str) -> bool:
    """A BMLT root server URL (harvest it), as opposed to one saved response (read it)."""
    if not location.startswith(("http://", "https://")):
        return False
    return "switcher=" not in location and not urlsplit(location).path.endswith(".json")


def root_url(location: str) -> str:
    base = location.split("/client_interface")[0]
    return base.rstrip("/")


class BmltAdapter:
    kind: ClassVar[str] = "bmlt"
    default_fellowship: ClassVar[str] = "NA"

    def fetch(self, context: SourceContext, fetcher: Fetcher, previous: Validators | None) -> Document:
        if not is_root_server(context.location):
            response = fetcher.get(context.location, validators=previous)
            return Document(response.body, response.validators, response.not_modified)
        return harvest(root_url(context.location), fetcher, int(context.options.get("page_size", DEFAULT_PAGE_SIZE)))

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        data = decode_json(document, "the BMLT response")
        formats: list[Any] = []
        service_bodies: list[Any] = []
        server_info: dict[str, Any] = {}
        if isinstance(data, dict) and data.get(BUNDLE_MARK):
            meetings = data.get("meetings")
            formats = data.get("formats") or []
            service_bodies = data.get("service_bodies") or []
            info = data.get("server_info")
            server_info = info if isinstance(info, dict) else {}
        elif isinstance(data, dict) and "meetings" in data:  # get_used_formats=1 shape
            meetings = data["meetings"]
            formats = data.get("formats") or []
        else:
            meetings = data
        if not isinstance(meetings, list):
            raise SourceFormatError(
                "a BMLT GetSearchResults response is a JSON array of meetings "
                f"(or an object with 'meetings'); this one is a JSON {type(meetings).__name__}"
            )
        formats_path = context.option_path("formats")
        if formats_path is not None:
            formats = formats + _load_formats_file(formats_path)
        own_codes = str(server_info.get("server_software", "")).startswith("manyroads")
        return read_meetings(meetings, formats, service_bodies, context, own_codes=own_codes)


def read_meetings(
    meetings: list[Any],
    formats: list[Any],
    service_bodies: list[Any],
    context: SourceContext,
    *,
    own_codes: bool = False,
) -> ParseResult:
    """Normalise GetSearchResults-shaped rows, given the server's formats and service bodies.

    `own_codes`: the server is a manyroads instance, whose formats without a NAWS world id use
    our documented Meeting Guide codes as keys, so those keys have a known meaning.
    """
    return _Reader(context, FormatTable.build(formats), service_bodies, own_codes=own_codes).read(meetings)


def server_list(document: bytes) -> list[tuple[str, str]]:
    """(name, root URL) pairs from the BMLT aggregator's server list (either of its shapes)."""
    data = decode_json(document, "the server list")
    if not isinstance(data, list):
        raise SourceFormatError("a BMLT server list is a JSON array of {id, name, url} objects")
    servers = []
    for item in data:
        url = item.get("url") or item.get("rootURL") if isinstance(item, dict) else None
        if isinstance(url, str) and norm.http_url(url):
            servers.append((str(item.get("name") or url), root_url(url)))
    return servers


def harvest(root: str, fetcher: Fetcher, page_size: int = DEFAULT_PAGE_SIZE) -> Document:
    """GetServerInfo -> GetServiceBodies -> GetFormats per language -> GetSearchResults pages."""
    endpoint = f"{root}/client_interface/json/"
    requests = 0

    def call(**params: Any) -> Any:
        nonlocal requests
        requests += 1
        response = fetcher.get(endpoint, params=params)
        return decode_json(response.body, f"{params['switcher']} from {root}")

    info = call(switcher="GetServerInfo")
    if not isinstance(info, list) or not info or not isinstance(info[0], dict):
        raise SourceFormatError(f"{root} did not answer GetServerInfo like a BMLT server")
    languages = [lang.strip() for lang in str(info[0].get("langs") or "en").split(",") if lang.strip()]
    bodies = call(switcher="GetServiceBodies")
    formats: list[Any] = []
    for lang in languages:
        batch = call(switcher="GetFormats", show_all=1, lang_enum=lang)
        if isinstance(batch, list):
            formats.extend(batch)
    meetings: list[Any] = []
    page = 1
    while True:
        batch = call(switcher="GetSearchResults", advanced_published=0, page_size=page_size, page_num=page)
        if not isinstance(batch, list):
            raise SourceFormatError(f"GetSearchResults page {page} from {root} is not a list of meetings")
        meetings.extend(batch)
        if len(batch) < page_size:
            break
        page += 1
    bundle = {
        BUNDLE_MARK: 1,
        "root": root,
        "server_info": info[0],
        "service_bodies": bodies if isinstance(bodies, list) else [],
        "formats": formats,
        "meetings": meetings,
    }
    return Document(orjson.dumps(bundle), requests=requests)


def _load_formats_file(path: Path) -> list[Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise SourceFormatError(f"the formats file {path} cannot be read: {error}") from None
    if isinstance(data, dict):
        data = data.get("formats")
    if not isinstance(data, list):
        raise SourceFormatError(f"the formats file {path} is not a GetFormats array")
    return data


@dataclass(slots=True)
class _FormatEntry:
    world_id: str = ""
    keys: dict[str, str] = field(default_factory=dict)  # language -> key string
    names: dict[str, str] = field(default_factory=dict)
    type_enum: str = ""


class FormatTable:
    """Formats by (root server, shared id), gathered across every language fetched."""

    def __init__(self, entries: dict[tuple[str, str], _FormatEntry]):
        self.entries = entries
        self.servers = {server for server, _ in entries}

    @classmethod
    def build(cls, formats: list[Any]) -> FormatTable:
        entries: dict[tuple[str, str], _FormatEntry] = {}
        for item in formats:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            key = (str(item.get("root_server_uri") or "").rstrip("/"), str(item["id"]))
            entry = entries.setdefault(key, _FormatEntry())
            lang = str(item.get("lang") or "")
            if item.get("world_id"):
                entry.world_id = str(item["world_id"]).strip()
            if item.get("key_string"):
                entry.keys[lang] = str(item["key_string"])
            if item.get("name_string"):
                entry.names[lang] = str(item["name_string"])
            entry.type_enum = entry.type_enum or str(item.get("format_type_enum") or "")
        return cls(entries)

    def id_for_key(self, server: str, key: str) -> str | None:
        """The shared id of the format whose key string is `key` on this server, if unique.

        Only for responses that carry key strings but no `format_shared_id_list` (a
        `data_field_key` subset): within one server and language a key is unambiguous.
        """
        matches = {
            fid
            for (srv, fid), e in self.entries.items()
            if (srv == server or len(self.servers) == 1) and key in e.keys.values()
        }
        return matches.pop() if len(matches) == 1 else None

    def lookup(self, server: str, format_id: str) -> _FormatEntry | None:
        entry = self.entries.get((server, format_id))
        if entry is None and len(self.servers) == 1:
            # A formats file saved from the same server may lack root_server_uri.
            entry = self.entries.get((next(iter(self.servers)), format_id))
        return entry


class _Reader:
    def __init__(
        self, context: SourceContext, formats: FormatTable, service_bodies: list[Any], *, own_codes: bool = False
    ):
        self.context = context
        self.own_codes = own_codes
        self.formats = formats
        self.result = ParseResult()
        self.bodies = {str(b.get("id")): b for b in service_bodies if isinstance(b, dict)}
        self.languages = known_languages()
        if not formats.entries:
            self.result.warn("", "formats", "no GetFormats table: format keys are kept as source tags, unmapped")

    def read(self, meetings: list[Any]) -> ParseResult:
        servers = {str(m.get("root_server_uri") or "") for m in meetings if isinstance(m, dict)}
        several_servers = len(servers) > 1
        seen: set[str] = set()
        for number, row in enumerate(meetings, start=1):
            if not isinstance(row, dict):
                self.result.quarantine(f"row {number}", "", "a meeting must be a JSON object")
                continue
            meeting = self.meeting(row, number, several_servers)
            if meeting is None:
                continue
            if meeting.id in seen:
                self.result.quarantine(meeting.native_id, "id_bigint", f"row {number} repeats a meeting id")
                continue
            seen.add(meeting.id)
            self.result.meetings.append(meeting)
        return self.result

    def meeting(self, row: dict[str, Any], number: int, several_servers: bool) -> Meeting | None:
        result = self.result
        raw_id = str(row.get("id_bigint") or "").strip()
        if not raw_id:
            result.quarantine(f"row {number}", "id_bigint", "no meeting id")
            return None
        server = str(row.get("root_server_uri") or "").rstrip("/")
        native_id = f"{row.get('root_server_id') or norm.slugify(server)}-{raw_id}" if several_servers else raw_id
        excerpt = orjson.dumps(row).decode()[:300]
        weekday_raw = str(row.get("weekday_tinyint") or "").strip()
        if not weekday_raw.isdigit() or not 1 <= int(weekday_raw) <= 7:
            result.quarantine(native_id, "weekday_tinyint", f"weekday {weekday_raw!r} is not 1-7", excerpt)
            return None
        weekday = (int(weekday_raw) + 5) % 7  # BMLT 1 = Sunday -> Python 0 = Monday
        start = norm.parse_clock(row.get("start_time"))
        if start is None:
            result.quarantine(native_id, "start_time", f"start time {row.get('start_time')!r} is not a time", excerpt)
            return None
        start %= 24 * 60
        duration = norm.parse_clock(row.get("duration_time")) or 60

        features, languages, tags, flags = self.codes(row, server, native_id)
        venue = self.venue_type(row, flags, native_id)
        link = norm.http_url(_field(row, "virtual_meeting_link")) or ""
        if _field(row, "virtual_meeting_link") and not link:
            result.warn(native_id, "virtual_meeting_link", "not a web address; ignored")
        phone = norm.dial_string(_field(row, "phone_meeting_number")) or ""
        online = bool(link or phone)
        location = self.location(row, venue)
        if venue in ("2", "3") and not online:
            result.warn(native_id, "venue_type", "listed as virtual or hybrid but gives no link or phone")
        if venue == "2":
            attendance, status = Attendance.ONLINE, Status.ACTIVE
        elif venue == "3":
            attendance, status = Attendance.HYBRID, Status.ACTIVE
        elif venue == "1":
            attendance = Attendance.IN_PERSON
            status = Status.TEMPORARILY_CLOSED if "TC" in flags else Status.ACTIVE
        else:
            attendance, status = norm.derive_attendance(
                online=online, exact_address=not location.approximate, temporarily_closed="TC" in flags
            )
        if str(row.get("published", "1")).strip() == "0":
            status = Status.TEMPORARILY_CLOSED
        zone = decide_zone(
            str(row.get("time_zone") or "") or None,
            location.latitude,
            location.longitude,
            self.context.default_timezone,
            coordinates_trusted=venue != "2",
        )
        if zone.problem:
            result.warn(native_id, "time_zone", zone.problem)
        if not languages:
            lang = normalise_language(
                {"dk": "da"}.get(str(row.get("lang_enum") or ""), str(row.get("lang_enum") or ""))
            )
            languages = [lang] if lang else []
        name, _ = norm.one_line(_field(row, "meeting_name"))
        if not name:
            name = location.name or f"{self.context.fellowship} meeting"
            result.warn(native_id, "meeting_name", f"no name; shown as {name!r}")
        notes = "\n".join(
            p for p in (norm.plain_text(_field(row, key))[0] for key in ("comments", "train_lines", "bus_lines")) if p
        )
        body = self.bodies.get(str(row.get("service_body_bigint") or ""))
        return Meeting(
            source=self.context.name,
            native_id=native_id,
            fellowship=self.context.fellowship,
            name=name,
            weekday=weekday,
            start_minute=start,
            duration_minutes=duration,
            timezone=zone.zone,
            timezone_origin=zone.origin,
            attendance=attendance,
            status=status,
            location=location,
            conference_url=link,
            conference_url_notes=norm.plain_text(_field(row, "virtual_meeting_additional_info"))[0] if online else "",
            conference_phone=phone,
            features=tuple(sorted(features)),
            languages=tuple(languages),
            source_tags=tuple(tags),
            notes=notes,
            feedback_url=(norm.http_url(body.get("url")) or "") if body else "",
            regions=self.regions(row),
        )

    def codes(self, row: dict[str, Any], server: str, ref: str) -> tuple[set[str], list[str], list[str], set[str]]:
        features: set[str] = set()
        languages: list[str] = []
        tags: list[str] = []
        flags: set[str] = set()  # VM / HY / TC as the legacy venue rule needs them
        ids = [i.strip() for i in str(row.get("format_shared_id_list") or "").split(",") if i.strip()]
        keys = [k.strip() for k in str(row.get("formats") or "").split(",") if k.strip()]
        if not self.formats.entries:
            return features, languages, keys, flags
        if not ids and keys:
            for key in keys:
                found = self.formats.id_for_key(server, key)
                if found is None:
                    tags.append(key)
                else:
                    ids.append(found)
        for format_id in ids:
            entry = self.formats.lookup(server, format_id)
            if entry is None:
                tags.append(f"format {format_id}")
                continue
            world = entry.world_id.upper()
            english_name = entry.names.get("en", "").strip().casefold()
            key = entry.keys.get("en") or next(iter(entry.keys.values()), format_id)
            if world == "LANG" or entry.type_enum.upper() == "LANG":
                named = next(
                    (langs for k in entry.keys.values() if (langs := language_from_key(k, self.languages))),
                    (),
                )
                if named:
                    languages.extend(lang for lang in named if lang not in languages)
                else:
                    tags.append(key)
                continue
            if world in WORLD_ID_MULTI:
                features.update(WORLD_ID_MULTI[world])
                continue
            meaning = WORLD_ID_MEANINGS.get(world) if world else None
            if meaning is None and not world:
                meaning = STOCK_FORMATS_WITHOUT_WORLD_ID.get((key, english_name)) or STOCK_FORMATS_WITHOUT_WORLD_ID.get(
                    (key, "")
                )
            if meaning is None and not world and self.own_codes and key in STANDARD_TYPES:
                meaning = STANDARD_TYPES[key][1]
            if meaning is None:
                tags.append(key)
            elif meaning.kind == CodeKind.FEATURE:
                features.add(meaning.value)
            elif meaning.kind == CodeKind.ONLINE:
                flags.add("VM")
            elif meaning.kind == CodeKind.HYBRID:
                flags.add("HY")
            elif meaning.kind == CodeKind.TEMPORARILY_CLOSED:
                flags.add("TC")
        return features, languages, tags, flags

    def venue_type(self, row: dict[str, Any], flags: set[str], ref: str) -> str:
        venue = str(row.get("venue_type") or "").strip()
        if venue in {"1", "2", "3"}:
            return venue
        if venue:
            self.result.warn(ref, "venue_type", f"venue type {venue!r} is not 1, 2 or 3")
        # The server's own back-fill rule for rows saved before venue types existed.
        if "HY" in flags:
            return "3"
        if "VM" in flags:
            return "2"
        return "" if flags else "1" if str(row.get("location_street") or "").strip() else ""

    def location(self, row: dict[str, Any], venue: str) -> Location:
        city = next(
            (
                v
                for key in ("location_municipality", "location_city_subsection", "location_neighborhood")
                if (v := norm.one_line(_field(row, key))[0])
            ),
            "",
        )
        street = norm.one_line(_field(row, "location_street"))[0]
        lat, lon = norm.coordinates(row.get("latitude"), row.get("longitude"))
        if venue == "2":
            lat = lon = None  # virtual meetings carry 0,0 or a stale venue point
        location = Location(
            name=norm.one_line(_field(row, "location_text"))[0],
            street=street,
            city=city,
            region=norm.one_line(_field(row, "location_province"))[0],
            postal_code=norm.one_line(_field(row, "location_postal_code_1"))[0],
            country=norm.one_line(_field(row, "location_nation"))[0],
            latitude=lat,
            longitude=lon,
            approximate=venue == "2" or not street,
            notes=norm.plain_text(_field(row, "location_info"))[0],
        )
        location.formatted_address = location.one_line()
        return location

    def regions(self, row: dict[str, Any]) -> tuple[str, ...]:
        chain: list[str] = []
        body_id = str(row.get("service_body_bigint") or "")
        for _ in range(10):  # service-body trees are shallow; the bound guards against cycles
            body = self.bodies.get(body_id)
            if body is None:
                break
            chain.append(str(body.get("name") or "").strip())
            body_id = str(body.get("parent_id") or "0")
        if not chain and row.get("service_body_name"):
            chain.append(str(row["service_body_name"]).strip())
        return tuple(reversed([c for c in chain if c]))


def _field(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    text = str(value)
    if _LEGACY_PREFIX in text:
        text = text.split(_LEGACY_PREFIX, 1)[1]
    return text
