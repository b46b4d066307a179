"""Treatment places in the finder: their own search page (list and map), a page per place, and
markers beside meetings on the meetings map, in a real browser."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from tests.conftest import Finder


def _listed(html: str) -> dict[str, str]:
    """Facility id -> name, as the page lists them (names repeat; ids do not)."""
    return {unquote(i): name for i, name in re.findall(r'<a href="/facilities/([^"?]+)\?[^"]*">([^<]+)</a>', html)}


def _facility(finder: Finder, facility_id: str) -> dict[str, Any]:
    response = httpx.get(f"{finder.url}/api/v1/facilities/{facility_id}")
    response.raise_for_status()
    return dict(response.json())


def test_the_treatment_page_filters_like_the_api(finder: Finder) -> None:
    url = f"{finder.url}/treatment"
    everything = _listed(httpx.get(url, params={"place": "Springfield, IL"}).text)
    assert "Capital City Opioid Treatment Program (demo)" in everything.values()
    methadone = _listed(httpx.get(url, params={"place": "Springfield, IL", "medication": "methadone"}).text)
    assert methadone and set(methadone) < set(everything)
    for facility_id in methadone:
        assert "methadone" in _facility(finder, facility_id)["medications"]
    spanish = _listed(httpx.get(url, params={"place": "Springfield, IL", "spanish": "true", "accepts": "true"}).text)
    assert "Prairie Health Recovery Clinic (demo)" in spanish.values()
    for facility_id in spanish:
        facility = _facility(finder, facility_id)
        assert "es" in facility["languages"] and facility["accepts_people_on_medication"]
    api = httpx.get(
        f"{finder.url}/api/v1/facilities",
        params={"place": "Springfield, IL", "medication": "methadone", "radius_mi": 25},
    ).json()
    assert sorted(methadone) == sorted(f["id"] for f in api["facilities"]), "the page and the API agree"


def test_treatment_page_input_errors_are_named(finder: Finder) -> None:
    bad = httpx.get(f"{finder.url}/treatment", params={"place": "Springfield, IL", "medication": "heroin"})
    assert bad.status_code == 400 and "medication" in bad.text
    assert "buprenorphine" in bad.text and "methadone" in bad.text, "the allowed values are named"
    unknown = httpx.get(f"{finder.url}/treatment", params={"place": "Quietwater Hollow, ZZ"})
    assert unknown.status_code == 200 and "We could not find the place" in unknown.text
    missing = httpx.get(f"{finder.url}/facilities/treatment-locator:nope")
    assert missing.status_code == 404 and "treatment-locator:nope" in missing.text


def test_a_facility_page_shows_what_the_locator_published(finder: Finder) -> None:
    page = httpx.get(f"{finder.url}/facilities/treatment-locator:demo00002")
    assert page.status_code == 200
    assert "Buprenorphine" in page.text and "Naltrexone" in page.text and "Methadone" not in page.text
    assert "Accepts clients on opioid medication" in page.text, "every service as the locator listed it"
    assert "read on " in page.text and "Call to confirm" in page.text
    assert "Prairie Health Recovery Clinic (demo)" in page.text
    spanish = httpx.get(f"{finder.url}/facilities/treatment-locator:demo00002", params={"lang": "es"}).text
    assert "Buprenorfina" in spanish


@pytest.mark.browser
def test_the_meetings_map_shows_treatment_places_beside_meetings(finder: Finder, chromium: Any) -> None:
    context = chromium.new_context(timezone_id="America/Chicago")
    page = context.new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(finder.page_url("/meetings", place="Springfield, IL", when="any", view="map"))
        page.wait_for_selector("[data-map][data-ready]", timeout=15_000)
        without = page.locator(".facility-marker").count()
        page.click("details.more summary")
        page.check("input[name=treatment]")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("[data-map][data-ready]", timeout=15_000)
        squares = page.locator(".facility-marker").count()
        listed = page.locator("#treatment-heading + ul li").count()
        legend = page.inner_text(".legend")
        page.locator(".facility-marker").first.click(force=True)
        popup = page.inner_text(".leaflet-popup-content")
    finally:
        context.close()
    assert not errors, errors
    assert without == 0
    assert squares == listed > 0, "every treatment place listed is on the map"
    assert "Meeting" in legend and "Treatment place" in legend
    assert popup.strip(), "a marker opens a link to the place's page"
