"""Languages of the finder: English and Spanish, chosen from Accept-Language and switchable.

Translations are kept as a .po file (editable by translators) and compiled in memory when
first needed, so no binary catalogue is committed.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("en", "es")
DEFAULT = "en"
COOKIE = "lang"


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()
    source = resources.files("manyroads.surfaces.web").joinpath(f"locale/{language}/LC_MESSAGES/messages.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def translate(language: str, text: str, **values: object) -> str:
    """A message from Python code in the page's language (extracted with the `translate:2` keyword)."""
    translated = translations(language).gettext(text)
    return translated % values if values else translated


def negotiate(accept_language: str | None, chosen: str | None) -> str:
    """The language to answer in: an explicit choice first, else the browser's preference."""
    if chosen in LANGUAGES:
        return chosen
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for piece in pieces[1:]:
            if piece.strip().startswith("q="):
                try:
                    quality = float(piece.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, tag.split("-")[0]))
    for _, _, base in sorted(ranked):
        if base in LANGUAGES:
            return base
    return DEFAULT
