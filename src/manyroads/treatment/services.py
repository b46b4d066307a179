"""What SAMHSA's service labels and codes mean for us, as explicit tables.

The locator API lists services by label ("Buprenorphine used in Treatment"); the yearly
directory lists them by code ("BU") and ships its own code reference sheet, which we read
for the labels. Either way we map only what we know; every service is also kept as published.
Codes and labels follow the N-SUMHSS legend; `PAIN` (methadone or buprenorphine for pain or
emergency dosing) is deliberately not treatment for opioid use disorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from babel import Locale

# -- the meanings we use ---------------------------------------------------------------


@dataclass(slots=True)
class Meanings:
    medications: set[str] = field(default_factory=set)
    otp: bool = False
    accepts_on_medication: bool = False
    no_medication: bool = False
    telehealth: bool = False
    sign_language: bool = False
    languages: set[str] = field(default_factory=set)
    payment: set[str] = field(default_factory=set)
    ages: set[str] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    settings: set[str] = field(default_factory=set)
    care_types: set[str] = field(default_factory=set)

    def add(self, meaning: str) -> None:
        kind, _, value = meaning.partition(":")
        if kind == "med":
            self.medications.add(value)
        elif kind == "flag":
            setattr(self, value, True)
        elif kind == "lang":
            self.languages.add(value)
        else:
            getattr(
                self, {"pay": "payment", "age": "ages", "gender": "genders", "set": "settings"}.get(kind, kind)
            ).add(value)


# Directory codes -> meaning ("med:x" medication for opioid use disorder, "flag:x" a yes/no, ...)
CODES: dict[str, tuple[str, ...]] = {
    "MU": ("med:methadone",),
    "METH": ("med:methadone",),
    "MM": ("med:methadone",),
    "MMW": ("med:methadone",),
    "DM": ("med:methadone",),
    "BU": ("med:buprenorphine",),
    "UB": ("med:buprenorphine",),
    "BUM": ("med:buprenorphine",),
    "BMW": ("med:buprenorphine",),
    "DB": ("med:buprenorphine",),
    "BWN": ("med:buprenorphine",),
    "BWON": ("med:buprenorphine",),
    "BERI": ("med:buprenorphine",),
    "BSDM": ("med:buprenorphine",),
    "NU": ("med:naltrexone",),
    "UN": ("med:naltrexone",),
    "RPN": ("med:naltrexone",),
    "NXN": ("med:naltrexone",),
    "VTRL": ("med:naltrexone",),
    "OTP": ("flag:otp",),
    "SOTP": ("flag:otp",),
    "MOA": ("flag:accepts_on_medication",),
    "NMOA": ("flag:no_medication",),
    "TELE": ("flag:telehealth", "set:telehealth"),
    "CT": ("flag:telehealth", "set:telehealth"),
    "AH": ("flag:sign_language",),
    "SP": ("lang:es",),
    "MD": ("pay:medicaid",),
    "MC": ("pay:medicare",),
    "PI": ("pay:private_insurance",),
    "SF": ("pay:cash",),
    "SI": ("pay:state_insurance",),
    "MI": ("pay:military",),
    "ITU": ("pay:ihs_tribal",),
    "NP": ("pay:free",),
    "PA": ("pay:payment_assistance",),
    "SS": ("pay:sliding_fee",),
    "ADLT": ("age:adults",),
    "CHLD": ("age:children_adolescents",),
    "YAD": ("age:young_adults",),
    "SNR": ("age:seniors",),
    "FEM": ("gender:female",),
    "MALE": ("gender:male",),
    "OP": ("set:outpatient",),
    "OMB": ("set:outpatient",),
    "OIT": ("set:outpatient",),
    "ORT": ("set:outpatient",),
    "ODT": ("set:outpatient",),
    "RES": ("set:residential",),
    "RD": ("set:residential", "set:detox"),
    "RS": ("set:residential",),
    "RL": ("set:residential",),
    "HI": ("set:inpatient",),
    "HID": ("set:inpatient", "set:detox"),
    "HIT": ("set:inpatient",),
    "OD": ("set:outpatient", "set:detox"),
    "DT": ("set:detox",),
    "SA": ("care_types:substance_use",),
    "MH": ("care_types:mental_health",),
}

# Locator API labels (compared case-insensitively, spaces collapsed) -> meaning
LABELS: dict[str, tuple[str, ...]] = {
    "methadone used in treatment": ("med:methadone",),
    "methadone": ("med:methadone",),
    "methadone maintenance": ("med:methadone",),
    "methadone maintenance for predetermined time": ("med:methadone",),
    "methadone detoxification": ("med:methadone",),
    "buprenorphine used in treatment": ("med:buprenorphine",),
    "prescribes/administers buprenorphine": ("med:buprenorphine",),
    "buprenorphine maintenance": ("med:buprenorphine",),
    "buprenorphine maintenance for predetermined time": ("med:buprenorphine",),
    "buprenorphine detoxification": ("med:buprenorphine",),
    "buprenorphine with naloxone (suboxone®)": ("med:buprenorphine",),
    "buprenorphine without naloxone": ("med:buprenorphine",),
    "buprenorphine (extended-release, injectable, for example, sublocade®)": ("med:buprenorphine",),
    "buprenorphine sub-dermal implant (probuphine®)": ("med:buprenorphine",),
    "naltrexone used in treatment": ("med:naltrexone",),
    "prescribes/administers naltrexone": ("med:naltrexone",),
    "relapse prevention from naltrexone": ("med:naltrexone",),
    "naltrexone (oral)": ("med:naltrexone",),
    "extended-release, injectable naltrexone (vivitrol®)": ("med:naltrexone",),
    "samhsa-certified opioid treatment program": ("flag:otp",),
    "accepts clients on opioid medication": ("flag:accepts_on_medication",),
    "do not use medication for opioid addiction": ("flag:no_medication",),
    "telemedicine/telehealth": ("flag:telehealth", "set:telehealth"),
    "computerized treatment/telemedicine": ("flag:telehealth", "set:telehealth"),
    "services for the deaf and hard of hearing": ("flag:sign_language",),
    "medicaid": ("pay:medicaid",),
    "medicare": ("pay:medicare",),
    "private health insurance": ("pay:private_insurance",),
    "cash or self-payment": ("pay:cash",),
    "state-financed health insurance plan other than medicaid": ("pay:state_insurance",),
    "military insurance (e.g., tricare)": ("pay:military",),
    "ihs/tribal/urban (itu) funds": ("pay:ihs_tribal",),
    "no payment accepted": ("pay:free",),
    "sliding fee scale (fee is based on income and other factors)": ("pay:sliding_fee",),
    "payment assistance (check with facility for details)": ("pay:payment_assistance",),
    "adults": ("age:adults",),
    "young adults": ("age:young_adults",),
    "seniors (65 or older)": ("age:seniors",),
    "children/adolescents": ("age:children_adolescents",),
    "female": ("gender:female",),
    "male": ("gender:male",),
    "outpatient": ("set:outpatient",),
    "residential": ("set:residential",),
    "hospital inpatient": ("set:inpatient",),
    "detoxification": ("set:detox",),
    "substance use treatment": ("care_types:substance_use",),
    "mental health treatment": ("care_types:mental_health",),
}
# Categories whose labels are language names ("Spanish", "German"...).
LANGUAGE_CATEGORIES = {"OL", "SL"}
_LANGUAGE_ALIASES = {"farsi": "fa"}


def normalise_label(label: str) -> str:
    return " ".join(label.replace("  ", " ").split()).lower()


@cache
def _language_codes() -> dict[str, str]:
    names = {name.lower(): code for code, name in Locale("en").languages.items() if "_" not in code}
    return names | _LANGUAGE_ALIASES


def language_code(name: str) -> str | None:
    """An ISO code for a language named in English ("Spanish" -> "es"), or None."""
    return _language_codes().get(normalise_label(name))


def meanings_of_labels(category: str, labels: list[str], into: Meanings) -> None:
    for label in labels:
        key = normalise_label(label)
        for meaning in LABELS.get(key, ()):
            into.add(meaning)
        if category.upper() in LANGUAGE_CATEGORIES:
            code = language_code(label)
            if code and code != "en":
                into.languages.add(code)


def meanings_of_codes(codes: list[str], names: dict[str, str], language_codes: set[str], into: Meanings) -> None:
    """`names`: code -> service name from the directory's reference sheet; `language_codes`:
    codes the sheet files under a language category, whose names are languages."""
    for code in codes:
        for meaning in CODES.get(code, ()):
            into.add(meaning)
        if code in language_codes:
            language = language_code(names.get(code, ""))
            if language and language != "en":
                into.languages.add(language)
