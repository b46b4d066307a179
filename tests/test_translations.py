"""The Spanish catalogue is complete and in step with the messages the code and templates use."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from manyroads.surfaces.web.i18n import negotiate, translate

ROOT = Path(__file__).resolve().parents[1]
SURFACES = ROOT / "src" / "manyroads" / "surfaces"
CATALOGUE = SURFACES / "web" / "locale" / "es" / "LC_MESSAGES" / "messages.po"


def _extracted() -> set[str]:
    """What `scripts/update-translations` would extract (same keywords, same babel.cfg patterns)."""
    keywords = {**DEFAULT_KEYWORDS, "translate": (2,)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SURFACES,
        method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=keywords,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_in_use_has_a_spanish_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    translated = {}
    for entry in catalogue:
        if not entry.id:
            continue
        key = entry.id[0] if isinstance(entry.id, tuple) else entry.id
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        translated[key] = all(strings) and not entry.fuzzy
    in_use = _extracted()
    assert len(in_use) > 150
    missing = sorted(in_use - set(translated))
    assert not missing, f"run scripts/update-translations and translate: {missing[:5]}"
    untranslated = sorted(key for key, done in translated.items() if not done)
    assert not untranslated, f"no Spanish yet for: {untranslated[:5]}"
    unused = sorted(set(translated) - in_use)
    assert not unused, f"the catalogue has messages nothing uses: {unused[:5]}"


def test_placeholders_survive_translation() -> None:
    assert translate("es", "%(name)s is disabled.", name="na-west") == "na-west está desactivada."
    assert translate("en", "%(name)s is disabled.", name="na-west") == "na-west is disabled."


def test_language_choice() -> None:
    assert negotiate("es-MX,es;q=0.9,en;q=0.8", None) == "es"
    assert negotiate("fr-FR,en;q=0.5,es;q=0.7", None) == "es", "the better-liked language we have"
    assert negotiate("de", None) == "en"
    assert negotiate("es", "en") == "en", "an explicit choice beats the browser"
    assert negotiate(None, "xx") == "en"
