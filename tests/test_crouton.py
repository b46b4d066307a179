"""NA's meeting widget, crouton, renders our BMLT endpoint in a real (headless) browser."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser import require_node_module
from tests.conftest import LoopbackServer
from tests.live import LiveServer

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crouton test</title>
<link rel="stylesheet" href="/crouton.css"><script src="/crouton.js"></script></head>
<body><div id="bmlt-tabs"></div>
<script>
  var crouton = new Crouton({root_server: "%(root)s", service_body: ["%(body)s"], recurse_service_bodies: true,
                             show_map: false, theme: "", has_tabs: false, time_format: "HH:mm"});
  crouton.render();
</script></body></html>"""


@pytest.mark.browser
def test_crouton_renders_our_meetings(served: LiveServer, http_server: LoopbackServer, chromium: Any) -> None:
    crouton = require_node_module("@bmlt-enabled/croutonjs")
    bodies = httpx.get(f"{served.url}/bmlt/client_interface/json/", params={"switcher": "GetServiceBodies"}).json()
    parent = next(b for b in bodies if b["parent_id"] == "0")
    expected: list[dict[str, Any]] = httpx.get(
        f"{served.url}/bmlt/client_interface/json/",
        params={"switcher": "GetSearchResults", "services": parent["id"], "recursive": 1},
    ).json()
    assert expected
    http_server.serve("/crouton.js", (crouton / "crouton.js").read_bytes(), headers={"Content-Type": "text/javascript"})
    http_server.serve("/crouton.css", (crouton / "crouton.css").read_bytes(), headers={"Content-Type": "text/css"})
    page_url = http_server.serve(
        "/",
        (PAGE % {"root": f"{served.url}/bmlt", "body": parent["id"]}).encode(),
        headers={"Content-Type": "text/html"},
    )
    errors: list[str] = []
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_url)
        page.wait_for_selector(".bmlt-data-row", timeout=30_000)
        names = page.locator(".meeting-name").all_inner_texts()
        body_text = page.inner_text("body")
    finally:
        context.close()
    assert not errors, f"crouton threw: {errors[:3]}"
    assert len(names) == len(expected), "every meeting is rendered"
    assert {m["meeting_name"] for m in expected} == {n.strip() for n in names}
    assert "No meetings found" not in body_text
