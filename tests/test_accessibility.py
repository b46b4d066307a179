"""WCAG 2.2 AA checks with axe-core on every main page, at phone and desktop widths; a
keyboard-only path; 320 px without sideways scrolling; reduced motion. Screenshots of every
page at each width go to test-artifacts/ (not committed) for people to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import axe_violations, require_node_module
from tests.conftest import Finder

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

PUBLIC_PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "home": ("/", {}),
    "results": ("/meetings", {"place": "Springfield, IL", "when": "any"}),
    "results-empty": ("/meetings", {"near": "-48.0,-130.0", "radius": "1", "when": "soon"}),
    "map": ("/meetings", {"place": "Springfield, IL", "when": "any", "view": "map"}),
    "meeting": ("/meetings/aa-rough-edges:good-monday", {}),
    "my": ("/my", {}),
    "about": ("/about", {}),
    "not-found": ("/meetings/aa-rough-edges:gone", {}),
    "home-es": ("/", {"lang": "es"}),
    "referral": ("/referral", {}),
    "treatment": ("/treatment", {"place": "Springfield, IL"}),
    "map-treatment": ("/meetings", {"place": "Springfield, IL", "when": "any", "view": "map", "treatment": "any"}),
    "facility": ("/facilities/treatment-locator:demo00002", {}),
}
ADMIN_PAGES = {
    "admin-login": "/admin/login",
    "admin-dashboard": "/admin",
    "admin-source": "/admin/sources/aa-rough-edges",
    "admin-audit": "/admin/audit",
    "admin-reports": "/admin/reports",
    "admin-statements": "/admin/statements",
}


def _context(chromium: Any, width: int, height: int) -> Any:
    # axe is injected as a script tag, which our own CSP rightly refuses; the test bypasses it.
    return chromium.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True, timezone_id="America/Chicago"
    )


def _settle(page: Any, name: str) -> None:
    if name.startswith("map"):
        page.wait_for_selector("[data-map][data-ready]", timeout=15_000)
    if name == "my":
        page.wait_for_selector("[data-my-week] li")


def _save_a_meeting(page: Any, finder: Finder) -> None:
    page.goto(finder.page_url("/meetings/aa-rough-edges:good-monday", tz="America/Chicago"))
    page.click("[data-save]")


def _sign_in(page: Any, finder: Finder) -> None:
    page.goto(f"{finder.url}/admin/login")
    page.fill("#username", finder.operator[0])
    page.fill("#password", finder.operator[1])
    page.click("button[type=submit]")
    page.wait_for_selector("table")


@pytest.mark.parametrize("width_name", sorted(WIDTHS))
def test_axe_finds_no_serious_problems(finder: Finder, chromium: Any, width_name: str) -> None:
    require_node_module("axe-core")
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = WIDTHS[width_name]
    context = _context(chromium, width, height)
    page = context.new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # no network here
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        _save_a_meeting(page, finder)
        for name, (path, params) in PUBLIC_PAGES.items():
            page.goto(finder.page_url(path, tz="America/Chicago", **params))
            _settle(page, name)
            found[name] = axe_violations(page)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width_name}.png"), full_page=True)
        _sign_in(page, finder)
        for name, path in ADMIN_PAGES.items():
            if name == "admin-login":
                continue
            page.goto(finder.url + path)
            found[name] = axe_violations(page)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width_name}.png"), full_page=True)
        login = context.new_page()
        login.context.clear_cookies()
        login.goto(finder.url + ADMIN_PAGES["admin-login"])
        found["admin-login"] = axe_violations(login)
        login.screenshot(path=str(ARTIFACTS / f"admin-login-{width_name}.png"), full_page=True)
    finally:
        context.close()
    assert len(found) == len(PUBLIC_PAGES) + len(ADMIN_PAGES)
    problems = {name: issues for name, issues in found.items() if issues}
    assert not problems, problems


def test_usable_at_320_pixels(finder: Finder, chromium: Any) -> None:
    context = _context(chromium, 320, 640)
    page = context.new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    too_wide: dict[str, int] = {}
    try:
        _save_a_meeting(page, finder)
        for name, (path, params) in PUBLIC_PAGES.items():
            page.goto(finder.page_url(path, tz="America/Chicago", **params))
            _settle(page, name)
            scroll_width = int(page.evaluate("document.documentElement.scrollWidth"))
            if scroll_width > 320:
                too_wide[name] = scroll_width
            page.screenshot(path=str(ARTIFACTS / f"{name}-320.png"), full_page=True)
    finally:
        context.close()
    assert not too_wide, f"pages that scroll sideways at 320 px: {too_wide}"


def test_keyboard_only_from_search_to_a_meeting(finder: Finder, chromium: Any) -> None:
    context = _context(chromium, 390, 844)
    page = context.new_page()

    def tab_until(condition: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(condition):
                return
        raise AssertionError(f"Tab never reached: {condition}")

    try:
        page.goto(finder.page_url("/", tz="America/Chicago"))
        page.keyboard.press("Tab")
        skip = page.evaluate("document.activeElement.textContent.trim()")
        tab_until("document.activeElement.id === 'place'")
        page.keyboard.type("Springfield, IL")
        page.keyboard.press("Enter")
        page.wait_for_selector("#results-heading")
        tab_until("!!document.activeElement.closest('.meetings') && document.activeElement.tagName === 'A'", 200)
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        chosen = page.evaluate("document.activeElement.textContent.trim()")
        page.keyboard.press("Enter")
        page.wait_for_selector("article.meeting-page")
        title = page.inner_text("h1")
    finally:
        context.close()
    assert skip == "Skip to content", "the first Tab offers to skip the navigation"
    assert outline != "none", "the focused link is visibly marked"
    assert title == chosen


def test_reduced_motion_is_respected(finder: Finder, chromium: Any) -> None:
    classes = {}
    for motion in ("reduce", "no-preference"):
        context = chromium.new_context(reduced_motion=motion)
        page = context.new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        try:
            page.goto(finder.page_url("/meetings", place="Springfield, IL", when="any", view="map"))
            page.wait_for_selector("[data-map][data-ready]", timeout=15_000)
            classes[motion] = page.get_attribute("[data-map]", "class") or ""
            transition = page.evaluate("getComputedStyle(document.querySelector('a')).transitionDuration")
        finally:
            context.close()
        if motion == "reduce":
            assert re.fullmatch(r"0s(, 0s)*", transition)
    assert "leaflet-fade-anim" not in classes["reduce"]
    assert "leaflet-fade-anim" in classes["no-preference"]
