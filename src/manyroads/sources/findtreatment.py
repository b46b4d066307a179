"""SAMHSA treatment-locator data: where medication for opioid use disorder is offered.

Two shapes, told apart by their bytes:
- the FindTreatment.gov API's JSON (`{page, totalPages, recordCount, rows}`), one page, a
  JSON array of pages (what a harvest of the API saves), or a bare array of rows; a location
  that is the API's URL is harvested page by page;
- the yearly national directory workbook (XLSX) with its "Facilities List" and "Service Code
  Reference" sheets. It has no coordinates: facilities are placed at their ZIP code's centre
  and marked approximate.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from typing import Any, ClassVar, TypedDict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from manyroads.geo.gazetteer import zip_place
from manyroads.model import ParseResult
from manyroads.sources import normalise as norm
from manyroads.sources.base import Document, Fetcher, SourceContext, SourceFormatError, Validators
from manyroads.treatment.model import Facility
from manyroads.treatment.services import Meanings, meanings_of_codes, meanings_of_labels

FACILITY_SHEET = "facilities list"
REFERENCE_SHEET = "service code reference"
FACILITY_COLUMNS = ("name1", "street1", "city", "state", "zip", "phone", "service_code_info")
REFERENCE_COLUMNS = ("category_code", "category_name", "service_code", "service_name")
MAX_PAGES = 2000
_TYPES = {"SA": "substance_use", "MH": "mental_health"}


class FindTreatmentAdapter:
    kind: ClassVar[str] = "findtreatment"
    default_fellowship: ClassVar[str] = "TREATMENT"  # facility sources have no fellowship

    def fetch(self, context: SourceContext, fetcher: Fetcher, previous: Validators | None) -> Document:
        if not _is_api(context.location):
            response = fetcher.get(context.location, validators=previous)
            return Document(response.body, response.validators, response.not_modified)
        pages: list[Any] = []
        page, total, requests = 1, 1, 0
        while page <= min(total, MAX_PAGES):
            response = fetcher.get(_with_page(context.location, page))
            requests += 1
            data = _json(response.body, f"page {page} of the locator's answer")
            if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
                raise SourceFormatError(f"page {page} of the locator's answer has no 'rows' list")
            pages.append(data)
            total = _int(data.get("totalPages"), 1)
            page += 1
        return Document(orjson.dumps(pages), Validators(), False, requests)

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        if document[:2] == b"PK":
            return read_directory(document, context)
        data = _json(document, "the treatment-locator file")
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise SourceFormatError("locator data is a JSON object with 'rows', or an array of them or of rows")
        rows: list[Any] = []
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("rows"), list):
                rows.extend(item["rows"])
            elif isinstance(item, dict) and "rows" in item:
                raise SourceFormatError("'rows' must be a JSON array of facilities")
            else:
                rows.append(item)
        return read_api_rows(rows, context)


def _is_api(location: str) -> bool:
    return location.startswith(("http://", "https://")) and "/locator/" in location


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(page))])))


def _json(body: bytes, what: str) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise SourceFormatError(f"{what} is not valid JSON: {error}") from None


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _AddressAndPhones(TypedDict):
    site_name: str
    street: str
    city: str
    region: str
    postal_code: str
    phone: str
    intake_phone: str


def _address_and_phones(row: dict[str, Any]) -> _AddressAndPhones:
    """The columns the locator's API rows and the directory's spreadsheet rows share."""
    return {
        "site_name": _text(row.get("name2")),
        "street": ", ".join(p for p in (_text(row.get("street1")), _text(row.get("street2"))) if p),
        "city": _text(row.get("city")),
        "region": _text(row.get("state")),
        "postal_code": _zip(row.get("zip")),
        "phone": _text(row.get("phone")),
        "intake_phone": _text(row.get("intake1")),
    }


def _text(value: Any) -> str:
    return norm.one_line(value)[0] if value not in (None, "") else ""


def _zip(value: Any) -> str:
    """ZIP codes arrive as text, numbers or floats ("97401.0"); ZIP+4 keeps its first five."""
    text = str(value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    text = text.split("-")[0]
    return text.zfill(5) if text.isdigit() and len(text) <= 5 else text


def _finish(facility: Facility, meanings: Meanings) -> None:
    facility.medications = sorted(meanings.medications)
    facility.opioid_treatment_program = meanings.otp
    facility.accepts_people_on_medication = meanings.accepts_on_medication
    facility.no_medication = meanings.no_medication
    facility.telehealth = meanings.telehealth
    facility.sign_language = meanings.sign_language
    facility.languages = sorted(meanings.languages)
    facility.payment = sorted(meanings.payment)
    facility.ages = sorted(meanings.ages)
    facility.genders = sorted(meanings.genders)
    facility.settings = sorted(meanings.settings)
    facility.care_types = sorted(set(facility.care_types) | meanings.care_types)


def _place(facility: Facility, result: ParseResult, record: str) -> bool:
    """Coordinates, or the ZIP code's centre; False (quarantined) when neither is known."""
    if facility.latitude is not None:
        return True
    place = zip_place(facility.postal_code) if facility.postal_code else None
    if place is None:
        result.quarantine(record, "zip", f"no coordinates, and ZIP code {facility.postal_code!r} is not known")
        return False
    facility.latitude, facility.longitude, facility.location_approximate = place.latitude, place.longitude, True
    return True


# -- the locator API's rows ------------------------------------------------------------


def read_api_rows(rows: Iterable[Any], context: SourceContext) -> ParseResult:
    result = ParseResult()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        record = f"row {number}"
        if not isinstance(row, dict):
            result.quarantine(record, "", f"a facility is a JSON object, not {type(row).__name__}")
            continue
        native = str(row.get("frid") or "").strip()
        name = _text(row.get("name1"))
        if not native or not name:
            result.quarantine(record, "frid" if not native else "name1", "every facility needs an id and a name")
            continue
        record = f"{record} ({native[:12]})"
        if native in seen:
            result.quarantine(record, "frid", "the same facility id appears twice; the first was kept")
            continue
        seen.add(native)
        latitude, longitude = norm.coordinates(row.get("latitude"), row.get("longitude"))
        facility = Facility(
            id=f"{context.name}:{native}",
            source=context.name,
            native_id=native,
            name=name,
            **_address_and_phones(row),
            latitude=latitude,
            longitude=longitude,
            hotline=_text(row.get("hotline1")),
            website=norm.http_url(row.get("website")) or "",
            care_types=[_TYPES[t] for t in [str(row.get("typeFacility") or "").upper()] if t in _TYPES],
        )
        meanings = Meanings()
        if str(row.get("typeFacility") or "").upper() == "OTP":
            meanings.otp = True
            meanings.care_types.add("substance_use")
        services = row.get("services")
        if services is None:
            services = []
        if not isinstance(services, list):
            result.warn(record, "services", "services is not a list; ignored")
            services = []
        for service in services:
            if not isinstance(service, dict):
                continue
            category_name = _text(service.get("f1")) or str(service.get("f2") or "Other")
            labels = [part.strip() for part in str(service.get("f3") or "").split(";") if part.strip()]
            facility.services.setdefault(category_name, []).extend(labels)
            meanings_of_labels(str(service.get("f2") or ""), labels, meanings)
        _finish(facility, meanings)
        if _place(facility, result, record):
            result.facilities.append(facility)
    return result


# -- the yearly directory workbook ------------------------------------------------------


def read_directory(document: bytes, context: SourceContext) -> ParseResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(document), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SourceFormatError(f"the directory workbook cannot be read as XLSX: {error}") from None
    sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
    missing = [title for title in (FACILITY_SHEET, REFERENCE_SHEET) if title not in sheets]
    if missing:
        raise SourceFormatError(
            f"the directory workbook has no {' or '.join(repr(m.title()) for m in missing)} sheet "
            f"(it has: {', '.join(workbook.sheetnames)})"
        )
    reference = _sheet_rows(sheets[REFERENCE_SHEET], REFERENCE_COLUMNS, "Service Code Reference")
    names: dict[str, str] = {}
    categories: dict[str, str] = {}
    language_codes: set[str] = set()
    for row in reference:
        code = str(row.get("service_code") or "").strip()
        if not code:
            continue
        names[code] = _text(row.get("service_name"))
        categories[code] = _text(row.get("category_name")) or str(row.get("category_code") or "")
        category_code = str(row.get("category_code") or "").strip().upper()
        if category_code in {"OL", "SL", "LANG"} or "language" in categories[code].lower():
            language_codes.add(code)
    result = ParseResult()
    unknown_codes: set[str] = set()
    seen: set[str] = set()
    for number, row in enumerate(_sheet_rows(sheets[FACILITY_SHEET], FACILITY_COLUMNS, "Facilities List"), start=2):
        record = f"row {number}"
        name = _text(row.get("name1"))
        if not name:
            result.quarantine(record, "name1", "a facility needs a name")
            continue
        facility = Facility(
            id="",
            source=context.name,
            native_id="",
            name=name,
            **_address_and_phones(row),
        )
        # The directory has no ids: name and address identify a facility from year to year.
        key = "|".join(p.lower() for p in (facility.name, facility.site_name, facility.street, facility.postal_code))
        native = hashlib.blake2b(key.encode(), digest_size=10).hexdigest()
        if native in seen:
            result.quarantine(record, "name1", "the same facility (name and address) appears twice; the first was kept")
            continue
        seen.add(native)
        facility.native_id, facility.id = native, f"{context.name}:{native}"
        codes = [token for token in str(row.get("service_code_info") or "").split() if token != "*"]
        for code in codes:
            if code not in names:
                unknown_codes.add(code)
            facility.services.setdefault(categories.get(code, "Other codes"), []).append(names.get(code) or code)
        meanings = Meanings()
        meanings_of_codes(codes, names, language_codes, meanings)
        _finish(facility, meanings)
        if _place(facility, result, record):
            result.facilities.append(facility)
    for code in sorted(unknown_codes):
        result.warn("Service Code Reference", "service_code", f"code {code!r} is used but not in the reference sheet")
    return result


def _sheet_rows(sheet: Any, required: tuple[str, ...], title: str) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise SourceFormatError(f"the {title!r} sheet is empty")
    header = [str(cell or "").strip().lower() for cell in header_row]
    missing = [column for column in required if column not in header]
    if missing:
        raise SourceFormatError(f"the {title!r} sheet lacks the column(s) {', '.join(missing)}")
    found = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        found.append(dict(zip(header, values, strict=False)))
    return found
