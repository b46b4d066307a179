"""Turning what a person typed into a place.

The default resolves ZIP codes and town names offline. An operator who wants full street
addresses can point `MANYROADS_GEOCODER_URL` at a Nominatim-compatible search endpoint
(their own Nominatim, or a provider they have an agreement with); it is asked only when the
offline gazetteer finds nothing. What people type is never logged or stored.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from manyroads import __version__
from manyroads.geo.gazetteer import Place, gazetteer
from manyroads.sources.timezones import zone_at

MAX_QUERY = 200


class Geocoder(Protocol):
    def lookup(self, text: str, limit: int = 5) -> list[Place]: ...


class OfflineGeocoder:
    def lookup(self, text: str, limit: int = 5) -> list[Place]:
        return gazetteer().lookup(text[:MAX_QUERY], limit)


class NominatimGeocoder:
    """Any service answering Nominatim's /search?format=jsonv2 shape."""

    def __init__(self, url: str, *, timeout: float = 5.0, client: httpx.Client | None = None):
        self.url = url
        self.client = client or httpx.Client(timeout=timeout, headers={"User-Agent": f"manyroads/{__version__}"})

    def lookup(self, text: str, limit: int = 5) -> list[Place]:
        try:
            response = self.client.get(self.url, params={"q": text[:MAX_QUERY], "format": "jsonv2", "limit": limit})
            response.raise_for_status()
            rows = response.json()
        except (httpx.HTTPError, ValueError):
            return []
        places = []
        for row in rows if isinstance(rows, list) else []:
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, TypeError, ValueError):
                continue
            places.append(Place(str(row.get("display_name") or text), lat, lon, zone_at(lat, lon), "address"))
        return places


class ChainGeocoder:
    """The first geocoder that finds anything wins."""

    def __init__(self, *geocoders: Geocoder):
        self.geocoders = geocoders

    def lookup(self, text: str, limit: int = 5) -> list[Place]:
        for geocoder in self.geocoders:
            found = geocoder.lookup(text, limit)
            if found:
                return found
        return []


def make_geocoder(url: str | None) -> Geocoder:
    if url:
        return ChainGeocoder(OfflineGeocoder(), NominatimGeocoder(url))
    return OfflineGeocoder()
