"""Operator pages: sign-in, sources and their health, add / sync / disable, audit, CSRF."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from manyroads import operators
from manyroads.store import Store
from manyroads.store.tables import UserRow
from tests.conftest import Finder, LoopbackServer


def _feed(*names: str) -> bytes:
    return orjson.dumps(
        [
            {
                "slug": f"m{number}",
                "name": name,
                "day": 2,
                "time": "18:00",
                "timezone": "America/Denver",
                "conference_url": f"https://zoom.us/j/55501{number:05d}",
            }
            for number, name in enumerate(names)
        ]
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "every operator form carries a CSRF token"
    return found.group(1)


def _signed_in(finder: Finder) -> httpx.Client:
    client = httpx.Client(base_url=finder.url, follow_redirects=False)
    token = _csrf(client.get("/admin/login").text)
    user, password = finder.operator
    response = client.post("/admin/login", data={"csrf": token, "username": user, "password": password})
    assert response.status_code == 303 and response.headers["location"].startswith("/admin")
    return client


def _store(finder: Finder) -> Store:
    context: Any = finder.server.context
    return context.store  # type: ignore[no-any-return]


@pytest.mark.browser
def test_operator_signs_in_adds_and_resyncs_a_source(
    finder: Finder, chromium: Any, http_server: LoopbackServer
) -> None:
    feed_url = http_server.serve("/admin-feed.json", _feed("Tuesday Online One"))
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(f"{finder.url}/admin")
        assert "/admin/login" in page.url, "the dashboard needs a signed-in operator"
        page.fill("#username", finder.operator[0])
        page.fill("#password", "not the password at all")
        page.click("button[type=submit]")
        assert "do not match" in page.inner_text("[role=alert]")
        page.fill("#username", finder.operator[0])
        page.fill("#password", finder.operator[1])
        page.click("button[type=submit]")
        page.wait_for_selector("table")
        rows = page.locator("tbody th").all_inner_texts()
        broken = page.locator("tr", has_text="aa-broken-feed").locator(".status").inner_text()

        page.fill("#name", "admin-added")
        page.fill("#location", feed_url)
        page.select_option("#kind", "meeting-guide")
        page.fill("#fellowship", "AA")
        page.click("text=Add source")
        added_message = page.inner_text("[role=status]")
        page.get_by_role("button", name="Sync admin-added now").click()
        syncing_message = page.inner_text("[role=status]")
        _wait_for(lambda: _store(finder).source("admin-added").meeting_count == 1)

        # The feed grows; a re-sync from the dashboard picks the new meeting up.
        http_server.serve("/admin-feed.json", _feed("Tuesday Online One", "Tuesday Online Two"))
        page.goto(f"{finder.url}/admin")
        page.get_by_role("button", name="Sync admin-added now").click()
        _wait_for(lambda: _store(finder).source("admin-added").meeting_count == 2)
        _wait_for(lambda: _search_total(finder, "Tuesday Online Two") == 1)
        page.goto(f"{finder.url}/admin/sources/admin-added")
        history = page.inner_text("body")

        page.goto(f"{finder.url}/admin")
        page.get_by_role("button", name="Disable admin-added").click()
        disabled_message = page.inner_text("[role=status]")
        page.reload()
        reloaded = page.locator("[role=status]").count()
        page.goto(f"{finder.url}/admin/audit")
        audit = page.inner_text("table")
    finally:
        context.close()
    assert {"aa-broken-feed", "hand-kept-online", "hostile"} <= set(rows)
    assert broken == "failed", "a feed that is not JSON shows as failed"
    assert "Added admin-added" in added_message
    assert "Syncing admin-added" in syncing_message
    assert "Tuesday Online Two" in history and "added" in history
    assert "admin-added is disabled" in disabled_message
    assert reloaded == 0, "a reload does not repeat the action or its message"
    assert not _store(finder).source("admin-added").enabled
    for action in ("sign in", "add source", "sync", "disable"):
        assert action in audit, f"{action!r} is in the audit log"
    _wait_for(lambda: _search_total(finder, "Tuesday Online Two") == 0)  # a disabled source's meetings leave


def _search_total(finder: Finder, text: str) -> int:
    return int(httpx.get(f"{finder.url}/api/v1/meetings", params={"q": text}).json()["total"])


def _wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the background sync did not finish in time")
        time.sleep(0.1)


def test_forms_need_the_csrf_token_and_this_origin(finder: Finder) -> None:
    client = httpx.Client(base_url=finder.url, follow_redirects=False)
    token = _csrf(client.get("/admin/login").text)
    user, password = finder.operator
    missing = client.post("/admin/login", data={"username": user, "password": password})
    assert missing.status_code == 403 and "reload the page" in missing.text
    forged = client.post(
        "/admin/login",
        data={"csrf": token, "username": user, "password": password},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "another site" in forged.text
    stranger = httpx.post(f"{finder.url}/admin/sources/hostile/disable", data={"csrf": token})
    assert stranger.status_code == 303 and "/admin/login" in stranger.headers["location"]
    assert _store(finder).source("hostile").enabled

    signed = _signed_in(finder)
    no_token = signed.post("/admin/sources/hostile/disable", data={})
    assert no_token.status_code == 403
    assert _store(finder).source("hostile").enabled, "nothing changes without the token"


def test_session_cookie_and_password_storage(finder: Finder) -> None:
    client = httpx.Client(base_url=finder.url)
    response = client.get("/admin/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    public = httpx.get(f"{finder.url}/")
    assert "set-cookie" not in public.headers, "people looking for meetings get no cookie"
    with _store(finder).session() as session:
        hashes = list(session.scalars(select(UserRow.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(finder.operator[1] not in h for h in hashes)


def test_sign_in_is_throttled(finder: Finder) -> None:
    from manyroads.surfaces.web import admin

    client = httpx.Client(base_url=finder.url)
    token = _csrf(client.get("/admin/login").text)
    user, password = finder.operator
    try:
        for _ in range(10):
            wrong = client.post("/admin/login", data={"csrf": token, "username": user, "password": "guess-guess-guess"})
            assert wrong.status_code == 401
        right = client.post(
            "/admin/login", data={"csrf": token, "username": user, "password": password}, follow_redirects=False
        )
    finally:
        admin._ATTEMPTS.clear()  # the server runs in this process; let other tests sign in
    assert right.status_code == 401 and "Too many attempts" in right.text


def test_removed_operator_loses_the_session(finder: Finder) -> None:
    store = _store(finder)
    operators.add_operator(store, "temporary", "another long passphrase")
    client = httpx.Client(base_url=finder.url, follow_redirects=False)
    token = _csrf(client.get("/admin/login").text)
    client.post("/admin/login", data={"csrf": token, "username": "temporary", "password": "another long passphrase"})
    assert client.get("/admin").status_code == 200
    operators.remove_operator(store, "temporary")
    after = client.get("/admin")
    assert after.status_code == 303 and "/admin/login" in after.headers["location"]


def test_bad_source_form_says_what_was_wrong(finder: Finder) -> None:
    client = _signed_in(finder)
    token = _csrf(client.get("/admin").text)
    response = client.post(
        "/admin/sources",
        data={"csrf": token, "name": "Bad Name", "location": "/etc/passwd", "kind": "nope", "timezone": "Mars/Base"},
    )
    assert response.status_code == 400
    for fragment in ("lowercase", "kind must be one of", "http(s) URL", "not an IANA time zone"):
        assert fragment in response.text
    assert 'value="Bad Name"' in response.text, "what was typed is kept"


def test_attendee_report_form_and_moderation(finder: Finder) -> None:
    meeting = "hostile:hostile"
    form_page = httpx.get(f"{finder.url}/meetings/{meeting}").text
    assert f'action="/experience/{meeting.replace(":", "%3A")}' in form_page
    assert 'name="experience" value="welcoming"' in form_page
    forged = httpx.post(
        f"{finder.url}/experience/{meeting}",
        data={"experience": "unwelcoming"},
        headers={"Origin": "https://x.example"},
    )
    assert forged.status_code == 403
    trapped = httpx.post(f"{finder.url}/experience/{meeting}", data={"experience": "unwelcoming", "website": "spam"})
    assert trapped.status_code == 200 and not reports_for(finder, meeting), "a bot's report is dropped"
    missing = httpx.post(f"{finder.url}/experience/{meeting}", data={})
    assert missing.status_code == 400 and "Choose whether" in missing.text
    sent = httpx.post(f"{finder.url}/experience/{meeting}", data={"experience": "welcoming"})
    assert sent.status_code == 200 and "read by a person" in sent.text
    again = httpx.post(f"{finder.url}/experience/{meeting}?lang=es", data={"experience": "welcoming"})
    assert again.status_code == 429 and "Ya nos contó" in again.text
    [pending] = reports_for(finder, meeting)
    assert pending.status == "pending"

    client = _signed_in(finder)
    queue = client.get("/admin/reports").text
    assert "Hostile" in queue and "Welcome" in queue
    approved = client.post(
        "/admin/reports", data={"csrf": _csrf(queue), "ids": str(pending.id), "decision": "approved"}
    )
    assert approved.status_code == 303
    assert "1 reports updated" in client.get("/admin/reports?status=approved").text
    [done] = reports_for(finder, meeting)
    assert done.status == "approved" and done.moderated_by == finder.operator[0]


def test_operator_records_a_group_statement(finder: Finder) -> None:
    client = _signed_in(finder)
    page = client.get("/admin/statements").text
    bad = client.post(
        "/admin/statements",
        data={"csrf": _csrf(page), "meeting_id": "hostile:hostile", "stance": "welcoming", "statement": "x",
              "given_by": "secretary", "given_on": "yesterday"},
    )  # fmt: skip
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and 'value="secretary"' in bad.text
    saved = client.post(
        "/admin/statements",
        data={"csrf": _csrf(page), "meeting_id": "hostile:hostile", "stance": "welcoming",
              "statement": "People on medication are welcome here.", "given_by": "the group secretary",
              "given_on": "2026-11-01"},
    )  # fmt: skip
    assert saved.status_code == 303
    assert "People on medication are welcome here." in client.get("/admin/statements").text
    _wait_for(lambda: "A statement from the group" in httpx.get(f"{finder.url}/meetings/hostile:hostile").text)
    api = httpx.get(f"{finder.url}/api/v1/meetings/hostile:hostile").json()
    assert api["medication"]["stance"] == "welcoming"


def reports_for(finder: Finder, meeting: str) -> list[Any]:
    from manyroads.medication.reports import reports

    return reports(_store(finder), meeting_id=meeting)
