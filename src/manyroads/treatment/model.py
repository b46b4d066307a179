"""A treatment facility, normalised from SAMHSA's locator data (API rows or the yearly directory).

We keep what a person or clinician needs to choose a place (the medications for opioid use
disorder it offers, whether it accepts people already on medication, telehealth, languages,
payment, ages) plus every service the source listed, by category, so nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from manyroads.model import record_hash

MEDICATIONS = ("buprenorphine", "methadone", "naltrexone")


@dataclass(slots=True)
class Facility:
    id: str  # "<source>:<the source's id>"
    source: str
    native_id: str
    name: str
    site_name: str = ""  # the API's name2 / the directory's second name line
    street: str = ""
    city: str = ""
    region: str = ""  # US state
    postal_code: str = ""
    country: str = "US"
    latitude: float | None = None
    longitude: float | None = None
    location_approximate: bool = False  # placed at its ZIP code's centre (the directory has no coordinates)
    phone: str = ""
    intake_phone: str = ""
    hotline: str = ""
    website: str = ""
    care_types: list[str] = field(default_factory=list)  # substance_use, mental_health
    medications: list[str] = field(default_factory=list)  # of MEDICATIONS, for opioid use disorder
    opioid_treatment_program: bool = False  # SAMHSA-certified OTP (where methadone is dispensed)
    accepts_people_on_medication: bool = False  # prescribed elsewhere
    no_medication: bool = False  # says it does not use medication for opioid use disorder
    telehealth: bool = False
    languages: list[str] = field(default_factory=list)  # ISO 639 codes besides English
    sign_language: bool = False
    payment: list[str] = field(default_factory=list)
    ages: list[str] = field(default_factory=list)  # children_adolescents, young_adults, adults, seniors
    genders: list[str] = field(default_factory=list)  # female, male (empty: not stated)
    settings: list[str] = field(default_factory=list)  # outpatient, residential, inpatient, ...
    services: dict[str, list[str]] = field(default_factory=dict)  # every service as published, by category
    source_updated: datetime | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "native_id": self.native_id,
            "name": self.name,
            "site_name": self.site_name,
            "street": self.street,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "location_approximate": self.location_approximate,
            "phone": self.phone,
            "intake_phone": self.intake_phone,
            "hotline": self.hotline,
            "website": self.website,
            "care_types": sorted(self.care_types),
            "medications": [m for m in MEDICATIONS if m in self.medications],
            "opioid_treatment_program": self.opioid_treatment_program,
            "accepts_people_on_medication": self.accepts_people_on_medication,
            "no_medication": self.no_medication,
            "telehealth": self.telehealth,
            "languages": sorted(self.languages),
            "sign_language": self.sign_language,
            "payment": sorted(self.payment),
            "ages": sorted(self.ages),
            "genders": sorted(self.genders),
            "settings": sorted(self.settings),
            "services": {k: list(v) for k, v in sorted(self.services.items())},
            "source_updated": self.source_updated.isoformat() if self.source_updated else None,
        }

    def content_hash(self) -> str:
        return record_hash(self.to_record())

    @property
    def offers_medication(self) -> bool:
        return bool(self.medications) or self.opioid_treatment_program

    @property
    def address(self) -> str:
        line = ", ".join(p for p in (self.street, self.city) if p)
        tail = " ".join(p for p in (self.region, self.postal_code) if p)
        return ", ".join(p for p in (line, tail) if p)
