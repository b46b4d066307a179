"""The 12 Step Meeting List plugin's CSV import format (and Meeting Guide "table format" sheets).

Headers are plain English ("Conference URL"), in any order; times are often 12-hour; days
are names; types are the types' English names. Each row is turned into a Meeting Guide row
and read by the same code as the JSON feeds, so both formats obey identical rules.
"""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

from manyroads.model import ParseResult
from manyroads.sources.base import SingleDocumentAdapter, SourceContext, SourceFormatError
from manyroads.sources.meeting_guide import read_rows
from manyroads.sources.normalise import slugify
from manyroads.vocabulary.meeting_guide import STANDARD_TYPES, TYPE_CODE_BY_NAME

# header (slugified) -> Meeting Guide key, where they differ
HEADER_ALIASES = {
    "id": "slug",
    "zip": "postal_code",
    "meeting": "name",
    "location_name": "location",
    "start_time": "time",
    "full_address": "formatted_address",
    "types": "types",
    "sub_region": "sub_region",
}
MAX_BYTES = 50 * 1024 * 1024


class TsmlCsvAdapter(SingleDocumentAdapter):
    kind: ClassVar[str] = "tsml-csv"
    default_fellowship: ClassVar[str] = "AA"

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        if len(document) > MAX_BYTES:
            raise SourceFormatError(f"the CSV is {len(document)} bytes; the limit is {MAX_BYTES}")
        try:
            text = document.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SourceFormatError(f"the CSV is not UTF-8 text (byte {error.start})") from None
        reader = csv.reader(io.StringIO(text))
        try:
            header = next(reader)
        except StopIteration:
            raise SourceFormatError("the CSV is empty") from None
        except csv.Error as error:
            raise SourceFormatError(f"the CSV header cannot be read: {error}") from None
        keys = [HEADER_ALIASES.get(k, k) for k in (slugify(h).replace("-", "_") for h in header)]
        if "name" not in keys or ("day" not in keys and "time" not in keys):
            raise SourceFormatError(
                f"the CSV header needs at least Name, Day and Time columns; it has: {', '.join(header)}"
            )
        rows: list[dict[str, Any]] = []
        try:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                row = {k: v for k, v in zip(keys, values, strict=False) if v.strip() != ""}
                rows.append(_as_meeting_guide(row))
        except csv.Error as error:
            raise SourceFormatError(f"CSV line {reader.line_num} cannot be read: {error}") from None
        return read_rows(rows, context)


def _as_meeting_guide(row: dict[str, Any]) -> dict[str, Any]:
    if "formatted_address" not in row and "address" in row and str(row["address"]).count(",") >= 2:
        row["formatted_address"] = row.pop("address")
    if "slug" not in row and "name" in row:
        row["slug"] = slugify(str(row["name"]))
    if "types" in row:
        row["types"] = [_type_code(name) for name in str(row["types"]).split(",") if name.strip()]
    if "feedback_emails" in row:
        row["feedback_emails"] = str(row["feedback_emails"]).split(",")
    return row


def _type_code(name: str) -> str:
    """A type given by its English name (or already as a code) -> the code; unknown kept."""
    text = name.strip()
    if text in STANDARD_TYPES:
        return text
    return TYPE_CODE_BY_NAME.get(text.casefold(), text)
