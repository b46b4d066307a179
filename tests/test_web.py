"""The web finder in a real browser: Debian chromium driven by Playwright against a live server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import icalendar
import pytest

from tests.conftest import HOSTILE_NAME, Finder

pytestmark = pytest.mark.browser


def _open(chromium: Any, **options: Any) -> tuple[Any, Any, list[str]]:
    """A fresh browser context and page; the list collects script errors on the page."""
    options.setdefault("timezone_id", "America/New_York")
    context = chromium.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return context, page, errors


def _calendar(data: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_search_list_meeting_and_calendar_file(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium, timezone_id="America/Chicago", accept_downloads=True)
    try:
        page.goto(finder.page_url("/"))
        # The page was rendered for the server's default zone; the script switches to the visitor's.
        page.wait_for_url(re.compile(r"tz=America%2FChicago"))
        assert "America/Chicago" in page.inner_text(".now .hint")
        page.fill("#place", "Springfield, IL")
        page.select_option("#when", "any")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("#results-heading")
        assert "Springfield" in page.inner_text("#results-heading")
        names = page.locator(".meetings h3 a").all_inner_texts()
        assert "Good Monday" in names
        page.get_by_role("link", name="Good Monday", exact=True).click()
        page.wait_for_selector("article.meeting-page")
        assert page.inner_text("h1") == "Good Monday"
        when = page.inner_text("section[aria-labelledby=when-heading]")
        assert "Monday" in when and "7:00" in when and "America/Chicago" in when
        assert "Apple Maps" in page.inner_text("section[aria-labelledby=where-heading]")
        with page.expect_download() as download:
            page.click("a[href$='.ics']")
        events = _calendar(Path(download.value.path()).read_bytes())
    finally:
        context.close()
    assert not errors, errors
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Good Monday"
    assert events[0]["RRULE"]["FREQ"] == ["WEEKLY"]
    assert events[0]["DTSTART"].dt.tzinfo.key == "America/Chicago"
    assert events[0]["DTSTART"].dt.strftime("%a %H:%M") == "Mon 19:00"


def test_filters_narrow_the_list_to_what_was_asked(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium)
    try:
        page.goto(finder.page_url("/meetings", tz="America/New_York"))
        page.select_option("#when", "any")
        page.check("input[name=attendance][value=online]")
        page.click("summary")
        page.check("input[name=medication][value=welcoming]")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("#results-heading")
        query = parse_qs(urlparse(page.url).query)
        assert query["attendance"] == ["online"] and query["medication"] == ["welcoming"]
        heading = page.inner_text("#results-heading")
        cards = page.locator(".meetings > li")
        attendance = cards.locator(".attendance").all_inner_texts()
        badges = cards.locator(".badge.welcoming").count()
        page.select_option("#fellowship", "SMART")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("#results-heading")
        fellowships = page.locator(".meetings .fellowship").all_inner_texts()
    finally:
        context.close()
    api = httpx.get(
        f"{finder.url}/api/v1/meetings", params={"attendance": "online", "medication": "welcoming", "limit": 100}
    ).json()
    assert api["total"] > 0
    assert heading.startswith(f"{api['total']} meeting")
    assert attendance and set(attendance) == {"Online"}
    assert badges == len(attendance), "every listed meeting is marked as welcoming"
    assert fellowships and set(fellowships) == {"SMART Recovery"}
    assert not errors, errors


def test_starting_soon_is_reproducible_with_at(finder: Finder) -> None:
    """`when=soon` lists meetings running or starting within three hours of `at`, soonest first."""
    page = httpx.get(finder.page_url("/meetings", place="Springfield, IL", when="soon", tz="America/Chicago"))
    assert page.status_code == 200
    # 17:00 in Springfield on Monday: Good Monday (19:00) starts in two hours; Hostile (19:30) too.
    assert "Good Monday" in page.text
    later = httpx.get(
        finder.url + "/meetings",
        params={"place": "Springfield, IL", "when": "soon", "at": "2026-11-24T05:00:00Z"},
    )
    assert "Good Monday" not in later.text


def test_nothing_found_offers_kind_ways_to_widen(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium)
    try:
        page.goto(finder.page_url("/meetings", near="-48.0,-130.0", radius=1, when="soon", tz="America/New_York"))
        assert "No meetings found" in page.inner_text("#results-heading")
        empty = page.inner_text(".empty")
        assert "Look farther away" in empty and "online" in empty
        page.get_by_role("link", name=re.compile("online meetings")).click()
        page.wait_for_selector(".meetings > li")
        attendance = set(page.locator(".meetings .attendance").all_inner_texts())
    finally:
        context.close()
    assert attendance <= {"Online", "In person and online"}
    assert not errors, errors


def test_unknown_place_says_what_went_wrong(finder: Finder) -> None:
    response = httpx.get(finder.page_url("/meetings", place="Qwxzyville Nowhere"))
    assert "We could not find the place" in response.text and "Qwxzyville Nowhere" in response.text


def test_spanish_from_accept_language_and_switchable(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium, locale="es-ES")
    try:
        page.goto(finder.page_url("/", tz="America/New_York"))
        assert page.get_attribute("html", "lang") == "es"
        spanish_heading = page.inner_text("h1")
        assert page.locator("label[for=place]").inner_text() == "Localidad, código postal o ciudad"
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        english_heading = page.inner_text("h1")
        # The choice is remembered for the next page even though the browser still asks for Spanish.
        page.goto(finder.page_url("/about"))
        about_lang = page.get_attribute("html", "lang")
    finally:
        context.close()
    assert spanish_heading == "Encuentre una reunión de recuperación"
    assert english_heading == "Find a recovery meeting"
    assert about_lang == "en"
    assert not errors, errors


def test_the_list_works_with_javascript_off(finder: Finder, chromium: Any) -> None:
    context, page, _ = _open(chromium, java_script_enabled=False)
    try:
        page.goto(finder.page_url("/", tz="America/New_York"))
        assert page.locator("[data-locate]").is_hidden(), "location needs JavaScript, so its button stays hidden"
        page.fill("#place", "Springfield, IL")
        page.select_option("#when", "any")
        page.click("form.search button[type=submit]")
        page.wait_for_selector(".meetings > li")
        names = page.locator(".meetings h3 a").all_inner_texts()
        page.get_by_role("link", name="Good Monday", exact=True).click()
        title = page.inner_text("h1")
        my_page = page.goto(finder.page_url("/my"))
        assert my_page is not None
        noscript = page.locator("noscript").inner_text()
    finally:
        context.close()
    assert "Good Monday" in names
    assert title == "Good Monday"
    assert "needs JavaScript" in noscript


def test_paging_with_javascript_off(finder: Finder, chromium: Any) -> None:
    context, page, _ = _open(chromium, java_script_enabled=False)
    try:
        page.goto(finder.page_url("/meetings", when="any", tz="America/New_York"))
        links = ".meetings h3 a"
        first = page.locator(links).evaluate_all("links => links.map(a => a.getAttribute('href'))")
        page.click("a[rel=next]")
        second = page.locator(links).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    finally:
        context.close()
    assert len(first) == 20 and len(second) == 20
    assert not set(first) & set(second), "the second page continues where the first ended"


def test_my_meetings_stay_on_the_device(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium, accept_downloads=True)
    try:
        page.goto(finder.page_url("/meetings", place="Springfield, IL", when="any", tz="America/New_York"))
        links = page.locator(".meetings h3 a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
        saved_names = []
        posts: list[str] = []
        page.on("request", lambda request: posts.append(request.url) if request.method != "GET" else None)
        for href in hrefs:
            page.goto(finder.url + str(href))
            saved_names.append(page.inner_text("h1"))
            page.click("[data-save]")
            assert page.get_attribute("[data-save]", "aria-pressed") == "true"
        page.goto(finder.page_url("/my"))
        page.wait_for_selector("[data-my-week] li")
        week = page.inner_text("[data-my-week]")
        with page.expect_download() as download:
            page.click("[data-my-ics]")
        events = _calendar(Path(download.value.path()).read_bytes())
        stored = page.evaluate("Object.keys(JSON.parse(localStorage.getItem('manyroads.saved')))")
    finally:
        context.close()
    assert all(name in week for name in saved_names)
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(saved_names)
    assert all(e["RRULE"]["FREQ"] == ["WEEKLY"] for e in events)
    assert len(stored) == 2
    assert not posts, "saving a meeting sends nothing to the server"
    assert not errors, errors


def test_map_shows_markers_even_without_tiles(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium)
    tile_requests: list[str] = []

    def refuse_tiles(route: Any) -> None:
        tile_requests.append(route.request.url)
        route.abort()

    try:
        page.route("https://tile.openstreetmap.org/**", refuse_tiles)
        page.goto(finder.page_url("/meetings", place="Springfield, IL", when="any", view="map", tz="America/Chicago"))
        page.wait_for_selector("[data-map][data-ready]", timeout=15_000)
        ready = int(page.get_attribute("[data-map]", "data-ready") or 0)
        markers = page.locator("[data-map] path.leaflet-interactive").count()
        points = len(page.evaluate("JSON.parse(document.getElementById('map-data').textContent)"))
        leaflet_from = page.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('leaflet'))"
        )
    finally:
        context.close()
    assert ready == points == markers and markers >= 2
    assert tile_requests, "tiles were asked for, refused, and the markers still show"
    assert leaflet_from and all(url.startswith(finder.url + "/static/vendor/leaflet/") for url in leaflet_from)
    assert not [e for e in errors if "tile.openstreetmap.org" not in e and "ERR_FAILED" not in e], errors


def test_meeting_page_report_stance_and_sanitised_feed_text(finder: Finder, chromium: Any) -> None:
    context, page, errors = _open(chromium)
    dialogs: list[str] = []
    try:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(finder.page_url("/meetings", place="Springfield, IL", when="any", tz="America/Chicago"))
        page.get_by_role("link", name=re.compile("Hostile")).click()
        page.wait_for_selector("article.meeting-page")
        title = page.inner_text("h1")
        injected = page.evaluate("window.hostile === undefined")
        img = page.locator("article img, article iframe, article b, article script").count()
        report = page.locator("#report").inner_text()
        report_links = page.locator("#report a").evaluate_all("links => links.map(a => a.href)")
        notes = page.inner_text("article")
    finally:
        context.close()
    assert title == "Hostile & Bold", f"markup in {HOSTILE_NAME!r} is stripped at ingest and escaped on the page"
    assert injected and img == 0 and not dialogs
    assert "Second floor" in notes and "Side door" in notes
    assert all(not href.startswith("javascript:") for href in report_links)
    assert "hostile" in report
    assert not errors, errors


def test_report_links_reach_the_feed_or_the_operator(finder: Finder) -> None:
    meetings = httpx.get(f"{finder.url}/api/v1/meetings", params={"q": "SMART Recovery Online", "limit": 1}).json()
    hand_kept = meetings["meetings"][0]["id"]
    page = httpx.get(finder.page_url(f"/meetings/{hand_kept}")).text
    assert "mailto:corrections@example.org" in page, "the hand-kept list's own correction address"
    rough = httpx.get(finder.page_url("/meetings/aa-rough-edges:good-monday")).text
    assert "mailto:operator@example.org" in rough, "no feedback address in the feed: the operator"


def test_stance_and_its_source_are_shown(finder: Finder) -> None:
    mara = httpx.get(f"{finder.url}/api/v1/meetings", params={"fellowship": "MARA", "limit": 1}).json()["meetings"]
    page = httpx.get(finder.page_url(f"/meetings/{mara[0]['id']}")).text
    medication = page.split('class="medication"', 1)[1].split("</section>", 1)[0]
    assert "Known to welcome people on medication" in medication
    assert "href=" in medication, "the stance links to where it came from"
    rough = httpx.get(finder.page_url("/meetings/aa-rough-edges:good-monday")).text
    unknown = rough.split('class="medication"', 1)[1].split("</section>", 1)[0]
    assert "Not known" in unknown


def test_security_headers_and_no_inline_script(finder: Finder) -> None:
    for path in ("/", "/meetings?place=Springfield%2C+IL", "/my", "/about", "/admin/login"):
        response = httpx.get(finder.url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {path}: {tag}"
    head = httpx.head(finder.url + "/")
    assert head.status_code == 200 and head.content == b""


def test_no_request_leaves_the_site(finder: Finder, chromium: Any) -> None:
    context, page, _ = _open(chromium)
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(finder.url) else None)
    try:
        for path, params in (
            ("/", {}),
            ("/meetings", {"place": "Springfield, IL", "when": "any"}),
            ("/meetings/aa-rough-edges:good-monday", {}),
            ("/my", {}),
            ("/about", {}),
        ):
            page.goto(finder.page_url(path, tz="America/New_York", **params))
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not elsewhere, f"requests to third parties: {elsewhere}"


def test_bad_finder_input_gets_a_clear_page(finder: Finder) -> None:
    response = httpx.get(finder.url + "/meetings", params={"radius": "9000"})
    assert response.status_code == 400
    assert "radius" in response.text and "<html" in response.text
    missing = httpx.get(finder.url + "/meetings/aa-rough-edges:no-such-meeting")
    assert missing.status_code == 404 and "<html" in missing.text
