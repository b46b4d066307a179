"""BMLT formats, through their NAWS world ids.

A BMLT format's key string is chosen per server and per language, so it means nothing on
its own (`S` is Closed in Swedish and Step in German). The world id is the only identifier
comparable across servers; that is what we map. Language formats share the world id
`LANG`, so the language itself is read from the format's key string. A format with no
world id is kept as a source tag, except the few stock formats listed in
`STOCK_FORMATS_WITHOUT_WORLD_ID`, which a new server is seeded with and whose meaning is
fixed by the server's seed data.
"""

from __future__ import annotations

from manyroads.vocabulary.codes import (
    HYBRID,
    MEDICATION_WELCOME_CODE,
    ONLINE,
    TEMPORARILY_CLOSED,
    CodeMeaning,
)

_feat = CodeMeaning.feature

WORLD_ID_MEANINGS: dict[str, CodeMeaning] = {
    "BEG": _feat("newcomers"),
    "BT": _feat("basic_text"),
    "CAN": _feat("candlelight"),
    "CH": _feat("closed_holidays"),
    "CLOSED": _feat("closed"),
    "CPT": _feat("concepts_study"),
    "CW": _feat("children_welcome"),
    "DISC": _feat("discussion"),
    "GL": _feat("lgbtq"),
    "GP": _feat("guiding_principles"),
    "HYBR": HYBRID,
    "IP": _feat("pamphlet_study"),
    "IW": _feat("it_works"),
    "JFT": _feat("just_for_today"),
    "LC": _feat("living_clean"),
    "LIT": _feat("literature"),
    "M": _feat("men"),
    "MED": _feat("meditation"),  # meditation, never medication
    "NC": _feat("no_children"),
    "NS": _feat("non_smoking"),
    "OPEN": _feat("open"),
    "QA": _feat("question_answer"),
    "RA": _feat("restricted_access"),
    "SMOK": _feat("smoking_permitted"),
    "SPAD": _feat("spiritual_principle_a_day"),
    "SPK": _feat("speaker"),
    "STEP": _feat("step_study"),
    "SWG": _feat("step_working_guide"),
    "TC": TEMPORARILY_CLOSED,
    "TOP": _feat("topic"),
    "TRAD": _feat("tradition_study"),
    "VAR": _feat("format_varies"),
    "VM": ONLINE,
    "W": _feat("women"),
    "WCHR": _feat("wheelchair"),
    "Y": _feat("young_people"),
}

# Speaker/Discussion is two of our features at once.
WORLD_ID_MULTI: dict[str, tuple[str, ...]] = {"S-D": ("speaker", "discussion")}

# Stock formats seeded without a world id whose meaning the seed data fixes: matched on the
# stock English name as well as the key, so a server that reused the key for something
# else is not mapped.
STOCK_FORMATS_WITHOUT_WORLD_ID: dict[tuple[str, str], CodeMeaning] = {
    ("SL", "asl"): _feat("asl"),
    ("SL", "american sign language"): _feat("asl"),
    (MEDICATION_WELCOME_CODE, ""): _feat("medication_welcome"),
}

# Key strings of LANG formats that are not themselves ISO 639 codes.
LANGUAGE_KEYS: dict[str, tuple[str, ...]] = {
    "eng": ("en",),
    "fin": ("fi",),
    "per": ("fa",),
    "spa": ("es",),
    "ger": ("de",),
    "fre": ("fr",),
    "ita": ("it",),
    "rus": ("ru",),
    "pol": ("pl",),
    "por": ("pt",),
    "l/r": ("lt", "ru"),
    "hbs": ("hbs",),
}


def language_from_key(key_string: str, known_languages: frozenset[str]) -> tuple[str, ...]:
    """Languages named by a LANG format's key string; empty when it names none (e.g. `BL`)."""
    key = key_string.strip().casefold()
    if key in LANGUAGE_KEYS:
        return LANGUAGE_KEYS[key]
    if len(key) == 2 and key in known_languages:
        return (key,)
    return ()


def world_id_for_feature(feature: str) -> str:
    """The NAWS world id we publish for one of our features ('' when NAWS has none)."""
    return _WORLD_ID_BY_FEATURE.get(feature, "")


_WORLD_ID_BY_FEATURE: dict[str, str] = {
    meaning.value: world_id for world_id, meaning in WORLD_ID_MEANINGS.items() if meaning.kind == "feature"
}
