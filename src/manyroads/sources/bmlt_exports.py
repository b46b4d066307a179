"""BMLT data in its other serialisations, read through the BMLT reader.

- `naws-csv`: the GetNAWSDump CSV a BMLT server exports for NA World Services
  (English day names, HHMM times, NAWS world codes in Format1..5).
- `tomato-fixture`: the Django fixture of tomato, the retired Python BMLT aggregator
  (meetings, meeting info, formats and service bodies as separate model records).

Each is turned into GetSearchResults-shaped rows plus a formats table, so the rules for
venue types, closures, zones and format mapping are exactly the BMLT adapter's.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any, ClassVar

from manyroads.model import ParseResult
from manyroads.sources import normalise as norm
from manyroads.sources.base import SingleDocumentAdapter, SourceContext, SourceFormatError
from manyroads.sources.bmlt import read_meetings
from manyroads.sources.meeting_guide import decode_json
from manyroads.vocabulary.bmlt import WORLD_ID_MEANINGS, WORLD_ID_MULTI

NAWS_REQUIRED = {"Committee", "CommitteeName", "Day", "Time"}


def _world_formats() -> list[dict[str, str]]:
    """A formats table whose shared ids are the NAWS codes themselves."""
    codes = [*WORLD_ID_MEANINGS, *WORLD_ID_MULTI]
    return [{"id": code, "key_string": code, "world_id": code, "lang": "en"} for code in codes]


class NawsCsvAdapter(SingleDocumentAdapter):
    kind: ClassVar[str] = "naws-csv"
    default_fellowship: ClassVar[str] = "NA"

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        try:
            text = document.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SourceFormatError(f"the NAWS export is not UTF-8 text (byte {error.start})") from None
        reader = csv.DictReader(io.StringIO(text))
        missing = NAWS_REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise SourceFormatError(f"not a NAWS export: columns {', '.join(sorted(missing))} are missing")
        rows: list[dict[str, Any]] = []
        deleted: list[str] = []
        try:
            for number, line in enumerate(reader, start=2):
                if (line.get("Delete") or "").strip().upper() == "D":
                    deleted.append(line.get("bmlt_id") or line.get("Committee") or f"line {number}")
                    continue
                rows.append(_naws_row(line, number))
        except csv.Error as error:
            raise SourceFormatError(f"CSV line {reader.line_num} cannot be read: {error}") from None
        result = read_meetings(rows, _world_formats(), [], context)
        for ident in deleted:
            result.quarantine(ident, "Delete", "marked deleted in the NAWS export")
        return result


def _naws_row(line: dict[str, str], number: int) -> dict[str, Any]:
    day = norm.weekday_from_name(line.get("Day") or "")
    time_text = (line.get("Time") or "").strip()
    formats = [line.get(f"Format{i}", "").strip().upper() for i in range(1, 6)]
    closed = (line.get("Closed") or "").strip().upper()
    if closed in {"OPEN", "CLOSED"}:
        formats.append(closed)
    if (line.get("WheelChr") or "").strip().upper() == "TRUE":
        formats.append("WCHR")
    ident = (line.get("bmlt_id") or "").strip() or f"{line.get('Committee', '').strip()}-{day}-{time_text}"
    room = (line.get("Room") or "").strip()
    directions = (line.get("Directions") or "").strip()
    return {
        "id_bigint": ident,
        # NAWS days are names; the reader expects BMLT's 1 = Sunday
        "weekday_tinyint": str((day + 1) % 7 + 1) if day is not None else line.get("Day", ""),
        "start_time": f"{time_text[:2]}:{time_text[2:]}" if len(time_text) == 4 and time_text.isdigit() else time_text,
        "duration_time": "",
        "time_zone": line.get("TimeZone") or "",
        "format_shared_id_list": ",".join(f for f in formats if f),
        "venue_type": "",
        "latitude": line.get("Latitude") or "",
        "longitude": line.get("Longitude") or "",
        "published": "0" if (line.get("unpublished") or "").strip() == "1" else "1",
        "meeting_name": line.get("CommitteeName") or "",
        "location_text": line.get("Place") or "",
        "location_street": line.get("Address") or "",
        "location_municipality": line.get("City") or "",
        "location_city_subsection": line.get("LocBorough") or "",
        "location_province": line.get("State") or "",
        "location_postal_code_1": line.get("Zip") or "",
        "location_nation": line.get("Country") or "",
        "location_info": "\n".join(p for p in (room, directions) if p),
        "virtual_meeting_link": line.get("VirtualMeetingLink") or "",
        "virtual_meeting_additional_info": line.get("VirtualMeetingInfo") or "",
        "phone_meeting_number": line.get("PhoneMeetingNumber") or "",
        "lang_enum": (line.get("Language1") or "").strip().lower(),
    }


class TomatoFixtureAdapter(SingleDocumentAdapter):
    kind: ClassVar[str] = "tomato-fixture"
    default_fellowship: ClassVar[str] = "NA"

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        data = decode_json(document, "the tomato fixture")
        if not isinstance(data, list) or not all(isinstance(x, dict) and "model" in x for x in data):
            raise SourceFormatError("a tomato fixture is a JSON array of Django model records")
        by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in data:
            by_model[str(record["model"])].append(record)
        servers = {r["pk"]: str(r["fields"].get("url") or "").rstrip("/") for r in by_model["api.rootserver"]}
        formats = []
        for record in by_model["api.format"]:
            fields = record["fields"]
            for translation in by_model["api.translatedformat"]:
                if translation["fields"].get("format") == record["pk"]:
                    formats.append(
                        {
                            "id": str(record["pk"]),
                            "world_id": fields.get("world_id") or "",
                            "key_string": translation["fields"].get("key_string") or "",
                            "name_string": translation["fields"].get("name") or "",
                            "lang": translation["fields"].get("language") or "en",
                            "root_server_uri": servers.get(fields.get("root_server"), ""),
                        }
                    )
        bodies = [
            {
                "id": str(r["pk"]),
                "parent_id": str(r["fields"].get("parent") or 0),
                "name": r["fields"].get("name"),
                "url": r["fields"].get("url"),
            }
            for r in by_model["api.servicebody"]
        ]
        info = {r["fields"].get("meeting"): r["fields"] for r in by_model["api.meetinginfo"]}
        rows = []
        for record in by_model["api.meeting"]:
            fields = record["fields"]
            details = info.get(record["pk"], {})
            rows.append(
                {
                    **{k: v for k, v in details.items() if k.startswith(("location_", "virtual_", "phone_"))},
                    "id_bigint": str(record["pk"]),
                    "weekday_tinyint": str(fields.get("weekday") or ""),
                    "venue_type": str(fields.get("venue_type") or ""),
                    "start_time": fields.get("start_time") or "",
                    "duration_time": fields.get("duration") or "",
                    "time_zone": fields.get("time_zone") or "",
                    "format_shared_id_list": ",".join(str(f) for f in fields.get("formats") or []),
                    "lang_enum": fields.get("language") or "",
                    "latitude": fields.get("latitude") or "",
                    "longitude": fields.get("longitude") or "",
                    "published": "1" if fields.get("published", True) else "0",
                    "meeting_name": fields.get("name") or "",
                    "service_body_bigint": str(fields.get("service_body") or ""),
                    "root_server_uri": servers.get(fields.get("root_server"), ""),
                    "root_server_id": str(fields.get("root_server") or ""),
                    "comments": details.get("comments") or "",
                    "train_lines": details.get("train_lines") or "",
                    "bus_lines": details.get("bus_lines") or "",
                }
            )
        return read_meetings(rows, formats, bodies, context)
