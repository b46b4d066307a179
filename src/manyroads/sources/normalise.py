"""Small, strict helpers that turn the loose values found in real feeds into clean ones.

Each returns None (or an empty value) when the input cannot be used, so the adapter can
record a problem naming the field and the value.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import nh3

from manyroads.model import Attendance, Status

MAX_NAME = 255
MAX_TEXT = 5000

_TIME_24 = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_TIME_12 = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([AaPp])\.?\s*[Mm]?\.?\s*$")
_TIME_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})\s*$")


def parse_clock(value: Any) -> int | None:
    """Minutes after midnight from '19:30', '7:30 PM', '19:30:00', '1930'; 24:00 allowed."""
    if value is None:
        return None
    text = str(value)
    hour: int
    minute: int
    if m := _TIME_24.match(text):
        hour, minute = int(m.group(1)), int(m.group(2))
    elif m := _TIME_12.match(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        pm = m.group(3).lower() == "p"
        hour = (hour % 12) + (12 if pm else 0)
    elif m := _TIME_COMPACT.match(text):
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        return None
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        return None
    return hour * 60 + minute


# Day names in the languages of the feeds we have seen (TSML accepts several).
_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "lunes", "lundi", "montag", "maandag", "segunda"),
        ("tuesday", "tue", "tues", "martes", "mardi", "dienstag", "dinsdag", "terça", "terca"),
        ("wednesday", "wed", "miércoles", "miercoles", "mercredi", "mittwoch", "woensdag", "quarta"),
        ("thursday", "thu", "thur", "thurs", "jueves", "jeudi", "donnerstag", "donderdag", "quinta"),
        ("friday", "fri", "viernes", "vendredi", "freitag", "vrijdag", "sexta"),
        ("saturday", "sat", "sábado", "sabado", "samedi", "samstag", "zaterdag"),
        ("sunday", "sun", "domingo", "dimanche", "sonntag", "zondag"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index


def weekday_from_name(value: str) -> int | None:
    """Python weekday (0 = Monday) from a day name, or None."""
    return _DAY_NAMES.get(value.strip().casefold().rstrip("."))


def weekday_from_sunday_zero(value: Any) -> int | None:
    """Meeting Guide `day` (0 = Sunday ... 6 = Saturday, int or numeric string, or a name)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    elif isinstance(value, str):
        return weekday_from_name(value)
    else:
        return None
    if not 0 <= number <= 6:
        return None
    return (number + 6) % 7


_PLAIN = re.compile(r"[^<&\r\n]*")
_SPACE = re.compile(r"\s")


def plain_text(value: Any, limit: int = MAX_TEXT) -> tuple[str, bool]:
    """Feed text (possibly HTML) as plain text; returns (text, was_truncated).

    Line breaks written as <br> or paragraphs survive as newlines; every tag is removed by
    nh3 (a real HTML parser, so odd markup cannot smuggle a tag through) and entities are
    decoded. Pages escape the result again when they render it.
    """
    if value is None:
        return "", False
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit and _PLAIN.fullmatch(text):
        return text.strip(), False  # the common case: nothing to clean
    if "<" in text or "&" in text:
        text = re.sub(r"(?i)<\s*br\s*/?\s*>|</\s*p\s*>|</\s*div\s*>|</\s*li\s*>", "\n", text)
        text = html.unescape(nh3.clean(text, tags=set()))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if len(text) > limit:
        return text[:limit].rstrip() + "…", True
    return text, False


def one_line(value: Any, limit: int = MAX_NAME) -> tuple[str, bool]:
    text, truncated = plain_text(value, limit)
    if "  " in text or "\n" in text or "\t" in text:
        text = " ".join(text.split())
    return text, truncated


def http_url(value: Any) -> str | None:
    """An absolute http(s) URL, or None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. a malformed IPv6 literal
        return None
    if parts.scheme.lower() not in {"http", "https"} or "." not in host:
        return None
    return url


_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")


def email_address(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    address = value.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    return address if _EMAIL.match(address) else None


def feedback_url(value: Any) -> str | None:
    """A page or a mailto: link where corrections are accepted."""
    if isinstance(value, str) and value.strip().lower().startswith("mailto:"):
        return value.strip() if email_address(value) else None
    return http_url(value)


def dial_string(value: Any) -> str | None:
    """A phone number for one-tap dialling: digits, +, and the pause/tone characters , * #.

    Fewer than 10 digits cannot be a conference line (TSML UI applies the same rule).
    """
    if value is None:
        return None
    cleaned = re.sub(r"[^\d+,*#]", "", str(value))
    return cleaned if sum(c.isdigit() for c in cleaned) >= 10 else None


def coordinate(value: Any, bound: float) -> float | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or not -bound <= number <= bound:  # NaN or out of range
        return None
    return round(number, 6)


def coordinates(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    """A valid (lat, lon) pair, or (None, None). 0,0 is a placeholder, never a meeting."""
    la, lo = coordinate(lat, 90), coordinate(lon, 180)
    if la is None or lo is None or (la == 0 and lo == 0):
        return None, None
    return la, lo


_UPDATED_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d%H:%M:%S",  # the TSML import template glues date and time together
    "%Y-%m-%d",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
)


def updated_at(value: Any) -> datetime | None:
    """A source's 'updated' stamp as an aware UTC datetime (the spec says these are UTC)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for pattern in _UPDATED_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def derive_attendance(*, online: bool, exact_address: bool, temporarily_closed: bool) -> tuple[Attendance, Status]:
    """How people attend, from what the record carries (the rules of the standards digest).

    A closed room with an online link is an online meeting for now; a closed room with no
    link is a temporarily closed in-person meeting.
    """
    if online and (temporarily_closed or not exact_address):
        return Attendance.ONLINE, Status.ACTIVE
    if online:
        return Attendance.HYBRID, Status.ACTIVE
    return Attendance.IN_PERSON, Status.TEMPORARILY_CLOSED if temporarily_closed else Status.ACTIVE


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
