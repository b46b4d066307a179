"""Meeting Guide type codes, in both directions.

The standard table covers every code in the Code for Recovery spec (87 codes) plus the
retired `ONL`/`NS` still found in real feeds. Codes are "reserved" by the spec (a site may
relabel a code but not reuse it), so the standard table applies to any fellowship unless
that fellowship's own TSML code list says otherwise; those differences live in
`FELLOWSHIP_OVERRIDES`. A code that no table knows is kept verbatim as a source tag.
"""

from __future__ import annotations

from manyroads.vocabulary.codes import (
    MEDICATION_WELCOME_CODE,
    ONLINE,
    TEMPORARILY_CLOSED,
    CodeMeaning,
)

_feat = CodeMeaning.feature
_lang = CodeMeaning.language

# code -> (the spec's English name, used to read TSML CSV "Types" columns; meaning)
STANDARD_TYPES: dict[str, tuple[str, CodeMeaning]] = {
    "11": ("11th Step Meditation", _feat("eleventh_step_meditation")),
    "12x12": ("12 Steps & 12 Traditions", _feat("twelve_and_twelve")),
    "A": ("Secular", _feat("secular")),
    "ABSI": ("As Bill Sees It", _feat("as_bill_sees_it")),
    "AL": ("Concurrent with Alateen", _feat("concurrent_alateen")),
    "AL-AN": ("Concurrent with Al-Anon", _feat("concurrent_al_anon")),
    "ASL": ("American Sign Language", _feat("asl")),
    "B": ("Big Book", _feat("big_book")),
    "BA": ("Babysitting Available", _feat("babysitting")),
    "BE": ("Newcomer", _feat("newcomers")),
    "BI": ("Bisexual", _feat("bisexual")),
    "BRK": ("Breakfast", _feat("breakfast")),
    "C": ("Closed", _feat("closed")),
    "CAN": ("Candlelight", _feat("candlelight")),
    "CF": ("Child-Friendly", _feat("children_welcome")),
    "D": ("Discussion", _feat("discussion")),
    "DB": ("Digital Basket", _feat("digital_basket")),
    "DD": ("Dual Diagnosis", _feat("dual_diagnosis")),
    "DR": ("Daily Reflections", _feat("daily_reflections")),
    "FF": ("Fragrance Free", _feat("fragrance_free")),
    "G": ("Gay", _feat("gay")),
    "GR": ("Grapevine", _feat("grapevine")),
    "H": ("Birthday", _feat("birthday")),
    "L": ("Lesbian", _feat("lesbian")),
    "LGBTQ": ("LGBTQ", _feat("lgbtq")),
    "LIT": ("Literature", _feat("literature")),
    "LS": ("Living Sober", _feat("living_sober")),
    "M": ("Men", _feat("men")),
    "MED": ("Meditation", _feat("meditation")),  # meditation, never medication
    "N": ("Native American", _feat("native_american")),
    "NB": ("Non-Binary", _feat("non_binary")),
    "NDG": ("Indigenous", _feat("indigenous")),
    "O": ("Open", _feat("open")),
    "OUT": ("Outdoor", _feat("outdoor")),
    "P": ("Professionals", _feat("professionals")),
    "POA": ("Proof of Attendance", _feat("proof_of_attendance")),
    "POC": ("People of Color", _feat("people_of_color")),
    "SEN": ("Seniors", _feat("seniors")),
    "SM": ("Smoking Permitted", _feat("smoking_permitted")),
    "SP": ("Speaker", _feat("speaker")),
    "ST": ("Step Study", _feat("step_study")),
    "T": ("Transgender", _feat("transgender")),
    "TC": ("Location Temporarily Closed", TEMPORARILY_CLOSED),
    "TR": ("Tradition Study", _feat("tradition_study")),
    "W": ("Women", _feat("women")),
    "X": ("Wheelchair Access", _feat("wheelchair")),
    "XB": ("Wheelchair-Accessible Bathroom", _feat("wheelchair_bathroom")),
    "XT": ("Cross Talk Permitted", _feat("cross_talk")),
    "Y": ("Young People", _feat("young_people")),
    # languages (legacy non-ISO codes where the ISO form clashes with another code)
    "AF": ("Afrikaans", _lang("af")),
    "AM": ("Amharic", _lang("am")),
    "AR": ("Arabic", _lang("ar")),
    "BG": ("Bulgarian", _lang("bg")),
    "DA": ("Danish", _lang("da")),
    "DE": ("German", _lang("de")),
    "EL": ("Greek", _lang("el")),
    "EN": ("English", _lang("en")),
    "FA": ("Persian", _lang("fa")),
    "FI": ("Finnish", _lang("fi")),
    "FR": ("French", _lang("fr")),
    "HE": ("Hebrew", _lang("he")),
    "HI": ("Hindi", _lang("hi")),
    "HR": ("Croatian", _lang("hr")),
    "HU": ("Hungarian", _lang("hu")),
    "IS": ("Icelandic", _lang("is")),
    "ITA": ("Italian", _lang("it")),
    "JA": ("Japanese", _lang("ja")),
    "KA": ("Georgian", _lang("ka")),
    "KOR": ("Korean", _lang("ko")),
    "LT": ("Lithuanian", _lang("lt")),
    "ML": ("Malayalam", _lang("ml")),
    "MT": ("Maltese", _lang("mt")),
    "NE": ("Nepali", _lang("ne")),
    "NL": ("Dutch", _lang("nl")),
    "NO": ("Norwegian", _lang("no")),
    "POL": ("Polish", _lang("pl")),
    "POR": ("Portuguese", _lang("pt")),
    "PUN": ("Punjabi", _lang("pa")),
    "RUS": ("Russian", _lang("ru")),
    "S": ("Spanish", _lang("es")),
    "SK": ("Slovak", _lang("sk")),
    "SL": ("Slovenian", _lang("sl")),
    "SV": ("Swedish", _lang("sv")),
    "TH": ("Thai", _lang("th")),
    "TL": ("Tagalog", _lang("tl")),
    "TUR": ("Turkish", _lang("tr")),
    "UK": ("Ukrainian", _lang("uk")),
    # removed from the spec in 2022 but present in most real feeds
    "ONL": ("Online Meeting", ONLINE),
    "NS": ("Non-Smoking", _feat("non_smoking")),
    # manyroads' own extension (documented in docs/codes.md)
    MEDICATION_WELCOME_CODE: ("Medication for OUD Welcome", _feat("medication_welcome")),
}

# The TSML plugin's NA program list: NAWS world codes with CLOSED->C, OPEN->O, WCHR->X.
# This is also what a BMLT server's own `tsml` output emits.
_NA_TYPES: dict[str, CodeMeaning] = {
    "BEG": _feat("newcomers"),
    "BT": _feat("basic_text"),
    "CAN": _feat("candlelight"),
    "CPT": _feat("concepts_study"),
    "CW": _feat("children_welcome"),
    "C": _feat("closed"),
    "DISC": _feat("discussion"),
    "GL": _feat("lgbtq"),
    "IP": _feat("pamphlet_study"),
    "IW": _feat("it_works"),
    "JFT": _feat("just_for_today"),
    "LC": _feat("living_clean"),
    "LIT": _feat("literature"),
    "M": _feat("men"),
    "MED": _feat("meditation"),
    "NS": _feat("non_smoking"),
    "O": _feat("open"),
    "QA": _feat("question_answer"),
    "RA": _feat("restricted_access"),
    "SMOK": _feat("smoking_permitted"),
    "SPAD": _feat("spiritual_principle_a_day"),
    "SPK": _feat("speaker"),
    "STEP": _feat("step_study"),
    "SWG": _feat("step_working_guide"),
    "TOP": _feat("topic"),
    "TRAD": _feat("tradition_study"),
    "VAR": _feat("format_varies"),
    "W": _feat("women"),
    "X": _feat("wheelchair"),
    "Y": _feat("young_people"),
    "ONL": ONLINE,
    "TC": TEMPORARILY_CLOSED,
    # NA lists keep ISO language codes
    "EN": _lang("en"),
    "ES": _lang("es"),
    "FR": _lang("fr"),
    "DE": _lang("de"),
    "IT": _lang("it"),
    "PL": _lang("pl"),
    "PT": _lang("pt"),
    "RU": _lang("ru"),
    "FA": _lang("fa"),
    "AR": _lang("ar"),
    MEDICATION_WELCOME_CODE: _feat("medication_welcome"),
}

# Where a fellowship's TSML program list gives a standard-looking code another meaning,
# the override wins. `None` means "this fellowship's code has no equivalent of ours":
# it is kept as a source tag rather than mapped to the standard meaning.
FELLOWSHIP_OVERRIDES: dict[str, dict[str, CodeMeaning | None]] = {
    "NA": dict(_NA_TYPES),
    "UA": {"T": None},  # Underearners Anonymous: T = Tools
    "CODA": {"A": _feat("secular")},  # Atheist/Agnostic: same idea as Secular
    "RD": {"IW": None},  # Recovery Dharma: Inquiry Writing
    "ACA": {"SP": _lang("es"), "S": None},  # ACA uses SP for Spanish
}


def type_meaning(code: str, fellowship: str) -> CodeMeaning | None:
    """The meaning of a Meeting Guide type code within a fellowship, or None if unknown."""
    own_list = FELLOWSHIP_OVERRIDES.get(fellowship.upper(), {})
    if code in own_list:
        return own_list[code]
    # The spec reserves its codes (a site may relabel one, never reuse it), so any code a
    # fellowship's own list does not redefine keeps its standard meaning.
    entry = STANDARD_TYPES.get(code)
    return entry[1] if entry else None


TYPE_CODE_BY_NAME: dict[str, str] = {name.casefold(): code for code, (name, _) in STANDARD_TYPES.items()}
# TSML's template also uses these wordings
TYPE_CODE_BY_NAME.update(
    {
        "temporary closure": "TC",
        "step meeting": "ST",
        "beginner": "BE",
        "newcomers": "BE",
        "wheelchair accessible": "X",
        "lgbtq+": "LGBTQ",
        "location temporarily closed": "TC",
    }
)

# Our features and languages written back as standard codes, for the Meeting Guide feed we
# publish. Features with no standard code go out under our own documented extension codes.
STANDARD_CODE_FOR_FEATURE: dict[str, str] = {}
STANDARD_CODE_FOR_LANGUAGE: dict[str, str] = {}
for _code, (_name, _meaning) in STANDARD_TYPES.items():
    if _code in {"ONL", "NS"}:
        continue
    if _meaning.kind == "feature":
        STANDARD_CODE_FOR_FEATURE.setdefault(_meaning.value, _code)
    elif _meaning.kind == "language":
        STANDARD_CODE_FOR_LANGUAGE.setdefault(_meaning.value, _code)

# Extension codes for features the spec has no code for (documented in docs/codes.md;
# multi-letter and prefixed so they never look like language codes).
EXTENSION_CODES: dict[str, str] = {
    "non_smoking": "NS",
    "basic_text": "X-BT",
    "it_works": "X-IW",
    "just_for_today": "X-JFT",
    "living_clean": "X-LC",
    "guiding_principles": "X-GP",
    "step_working_guide": "X-SWG",
    "spiritual_principle_a_day": "X-SPAD",
    "pamphlet_study": "X-IP",
    "concepts_study": "X-CPT",
    "question_answer": "X-QA",
    "topic": "X-TOP",
    "format_varies": "X-VAR",
    "restricted_access": "X-RA",
    "no_children": "X-NC",
    "closed_holidays": "X-CH",
}
for _feature, _code in EXTENSION_CODES.items():
    STANDARD_CODE_FOR_FEATURE.setdefault(_feature, _code)
    STANDARD_TYPES.setdefault(_code, (_feature.replace("_", " ").title(), _feat(_feature)))
