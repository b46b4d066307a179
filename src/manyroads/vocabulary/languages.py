"""Language codes and names (names come from Babel's CLDR data, so we keep no table)."""

from __future__ import annotations

from functools import cache

from babel import Locale


@cache
def known_languages() -> frozenset[str]:
    """ISO 639 codes Babel can name (two- and three-letter)."""
    return frozenset(str(code) for code in Locale.parse("en").languages if "_" not in str(code))


@cache
def language_name(code: str, in_language: str = "en") -> str:
    """`language_name('es', 'es') == 'español'`; unknown codes come back unchanged."""
    try:
        locale = Locale.parse(in_language)
    except (ValueError, TypeError):
        locale = Locale.parse("en")
    return str(locale.languages.get(code, code))


def normalise_language(code: str) -> str | None:
    """'ES' / 'es' / 'es-MX' -> 'es'; None if not a language we can name."""
    base = code.strip().replace("_", "-").split("-")[0].casefold()
    return base if base in known_languages() else None
