"""Finder benchmark: what a phone downloads and how soon it shows meetings, in a real browser.

    python -m bench.finder [--data-dir DIR] [--meetings 300000] [--runs 15]

Starts `manyroads serve` on the synthetic world in DIR (built on first use, shared with
bench.search), then loads each finder page in Debian's chromium through Playwright, every run
in a fresh browser context (an empty cache, as on a first visit). Map tiles are refused and not
counted. Reports per page:

- bytes transferred (compressed, headers included, from the browser's own network events);
- time from navigation to the first meeting on screen (or to the page's main content), p50 /
  p95 over the runs; on loopback, and again under a slow mobile profile (1.6 Mbit/s down,
  150 ms round trip, the classic "slow 3G" figures) to show what a cheap phone on a bad
  connection sees;
- the same server's /api/v1/ping loaded the same way, as the floor a browser cannot beat.

Targets: the finder page <= 100 KB transferred; first results <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import report, table
from bench.search import ensure_world, start_server, stop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TILES = "https://tile.openstreetmap.org/**"
# (label, path, selector that means "the person can see what they came for")
PAGES = [
    ("floor: /api/v1/ping", "/api/v1/ping", "body"),
    ("home", "/?tz=America/New_York", "#place"),
    ("results near 10001, starting soon", "/meetings?place=10001&when=soon&tz=America/New_York", ".meetings li"),
    ("results online, any day", "/meetings?attendance=online&when=any&tz=America/New_York", ".meetings li"),
    ("results, map view", "/meetings?place=10001&when=any&view=map&tz=America/New_York", "[data-map][data-ready]"),
    ("meeting page", "{meeting}", "article.meeting-page"),
    ("my meetings", "/my?tz=America/New_York", "[data-my-week]"),
]
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def measure(browser: Any, url: str, selector: str, slow: bool) -> tuple[int, float]:
    """Bytes transferred and milliseconds from navigation to `selector` visible, cold cache."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="America/New_York")
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW)
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="attached" if selector == "body" else "visible", timeout=60_000)
    elapsed = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("manyroads-data/bench-300k"))
    parser.add_argument("--meetings", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    directory = args.data_dir.resolve()
    ensure_world(directory, args.meetings)
    from playwright.sync_api import sync_playwright

    port = 8907
    os.environ["MANYROADS_DEFAULT_TIMEZONE"] = "America/New_York"
    server, _ = start_server(directory, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        import httpx

        found = httpx.get(f"{base}/api/v1/meetings", params={"place": "10001", "limit": 1}).json()["meetings"]
        meeting = f"/meetings/{found[0]['id']}?tz=America/New_York"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for label, path, selector in PAGES:
                url = base + path.format(meeting=meeting)
                measure(browser, url, selector, slow=False)  # warm the server's code paths, not the browser
                fast = [measure(browser, url, selector, slow=False) for _ in range(args.runs)]
                slow = [measure(browser, url, selector, slow=True) for _ in range(max(3, args.runs // 3))]
                size = statistics.median(b for b, _ in fast)
                rows.append(
                    [
                        label,
                        f"{size / 1024:.1f}",
                        f"{statistics.median(t for _, t in fast):.0f}",
                        f"{_p95([t for _, t in fast]):.0f}",
                        f"{statistics.median(t for _, t in slow):.0f}",
                    ]
                )
                print(" | ".join(rows[-1]), flush=True)
            browser.close()
    finally:
        stop(server)
    body = table(
        ["page", "KB transferred", "first content p50 ms", "p95 ms", "slow mobile p50 ms"],
        rows,
    )
    body += (
        f"\n\n{args.runs} cold-cache runs per page on loopback ({max(3, args.runs // 3)} under the slow profile), "
        f"phone viewport 390x844, {args.workers} server workers, {args.meetings:,} meetings. "
        "Map tiles refused and not counted; the map view's size includes Leaflet, which only that view loads."
    )
    report(
        "finder",
        "Finder benchmark",
        f"python -m bench.finder --data-dir {args.data_dir} --meetings {args.meetings} --runs {args.runs}",
        body,
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
