"""Referral benchmark: how long a clinician waits for a plan, a PDF and a calendar.

    python -m bench.referral [--data-dir DIR] [--meetings 300000] [--facilities 18000] [--runs 40]

Uses the search benchmark's world (built on first use) plus a synthetic treatment-locator file
of about the size of SAMHSA's (roughly 18,000 facilities), added as a `findtreatment` source.
Three situations (on methadone in a city; a 17-year-old with no transport on buprenorphine; a
Spanish speaker online only) are planned in many US cities, in process. The baseline is the
one index search at the heart of a plan (near the place, 25 km, the next 200 meetings).

Targets (2-core machine): plan p95 <= 100 ms; PDF p95 <= 300 ms; calendar p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson

from bench.common import report, table
from bench.search import AT, ensure_world

SITUATIONS = {
    "on methadone, in a city": {"medication": "methadone"},
    "17, no transport, buprenorphine": {"age_group": "youth", "barriers": ["transport"], "medication": "buprenorphine"},
    "Spanish speaker, online only": {"online_only": True, "language": "es", "meeting_languages": ["es"]},
}
OPIOID_LABELS = [
    "Buprenorphine used in Treatment",
    "Methadone maintenance",
    "Naltrexone used in Treatment",
    "Accepts clients on opioid medication",
    "SAMHSA-certified Opioid Treatment Program",
]


def ensure_facilities(directory: Path, count: int) -> None:
    """A locator-shaped file of `count` facilities placed near random in-person meetings."""
    from manyroads.store import Store
    from manyroads.sync import HttpFetcher, Syncer

    store = Store(f"sqlite:///{directory / 'manyroads.db'}")
    try:
        if any(s.name == "bench-treatment" for s in store.sources()):
            return
        print(f"adding {count:,} synthetic treatment facilities (once) ...", flush=True)
        rng = random.Random(5)
        with sqlite3.connect(directory / "manyroads.db") as connection:
            points = connection.execute(
                "SELECT location_latitude, location_longitude FROM meetings WHERE location_latitude IS NOT NULL "
                "AND attendance != 'online' "
                "AND timezone LIKE 'America/%' ORDER BY random() LIMIT ?",
                (count,),
            ).fetchall()
        rows = []
        for number, (lat, lon) in enumerate(points):
            labels = rng.sample(OPIOID_LABELS, rng.randint(1, 3))
            services = [{"f1": "Type of Opioid Treatment", "f2": "OT", "f3": "; ".join(labels)}]
            if rng.random() < 0.3:
                services.append({"f1": "Other Languages", "f2": "OL", "f3": "Spanish"})
            if rng.random() < 0.2:
                services.append({"f1": "Age Groups Accepted", "f2": "AGE", "f3": "Children/adolescents; Adults"})
            rows.append(
                {
                    "frid": f"bench{number:06d}",
                    "name1": f"Recovery Services {number}",
                    "street1": f"{number} Health Way",
                    "latitude": f"{lat + rng.uniform(-0.01, 0.01):.6f}",
                    "longitude": f"{lon + rng.uniform(-0.01, 0.01):.6f}",
                    "services": services,
                }
            )
        path = directory / "treatment.json"
        path.write_bytes(orjson.dumps({"page": 1, "totalPages": 1, "recordCount": len(rows), "rows": rows}))
        store.add_source(name="bench-treatment", kind="findtreatment", location=str(path), fellowship="TREATMENT")
        Syncer(store, HttpFetcher(host_interval=0), parse_workers=1).sync(["bench-treatment"])
    finally:
        store.close()


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> list[str]:
    values = np.array(samples)
    return [f"{np.percentile(values, 50):.1f}", f"{np.percentile(values, 95):.1f}", f"{values.max():.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    parser.add_argument("--meetings", type=int, default=300_000)
    parser.add_argument("--facilities", type=int, default=18_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_world(args.data_dir, args.meetings)
    ensure_facilities(args.data_dir, args.facilities)

    from manyroads.config import Settings
    from manyroads.index.query import SearchQuery, search
    from manyroads.referral import Situation, build_plan
    from manyroads.referral.pdf import render_pdf
    from manyroads.referral.present import plan_calendar
    from manyroads.surfaces.context import AppContext

    context = AppContext.open(Settings(data_dir=args.data_dir))
    context.index.current()
    context.facilities.current()
    with sqlite3.connect(args.data_dir / "manyroads.db") as connection:
        towns = [
            f"{city}, {region}"
            for city, region in connection.execute(
                "SELECT DISTINCT location_city, location_region FROM meetings WHERE location_country = 'US' "
                "AND location_city != '' AND length(location_region) = 2 LIMIT 200"
            )
        ]
    places = [p for p in towns if context.geocoder.lookup(p, limit=1)][:40]
    rng = random.Random(3)
    print(f"{len(places)} US towns; {len(context.facilities.current().ids):,} facilities", flush=True)

    def situation(name: str) -> Situation:
        extra = SITUATIONS[name]
        where = {} if extra.get("online_only") else {"place": rng.choice(places)}
        return Situation(at=AT, **where, **extra)  # type: ignore[arg-type]

    def baseline() -> None:
        place = context.geocoder.lookup(rng.choice(places), limit=1)[0]
        query = SearchQuery(near=(place.latitude, place.longitude), radius_km=25, at=AT, limit=200)
        search(context.index.current(), query)

    for _ in range(5):  # warm caches (guidance, geocoder, Babel)
        build_plan(context, situation("on methadone, in a city"))
    rows = [["baseline: one index search near the place (25 km, 200 meetings)", *summary(timed(baseline, args.runs))]]
    sample_plan = build_plan(context, situation("on methadone, in a city"))
    for name in SITUATIONS:
        rows.append([f"plan: {name}", *summary(timed(lambda n=name: build_plan(context, situation(n)), args.runs))])
    base = "https://meetings.example.org"
    rows.append(
        [
            "PDF sheet (with clinician pages)",
            *summary(timed(lambda: render_pdf(sample_plan, base, clinician_pages=True), args.runs)),
        ]
    )
    now = datetime.now(UTC)
    rows.append(
        [
            "calendar (.ics) of the chosen meetings",
            *summary(timed(lambda: plan_calendar(sample_plan, base, now), args.runs)),
        ]
    )
    body = (
        f"{args.meetings:,} meetings, {len(context.facilities.current().ids):,} facilities, {len(places)} US towns, "
        f"{args.runs} runs per row, in process (milliseconds).\n\n"
        + table(["what", "p50 ms", "p95 ms", "max ms"], rows)
        + "\n\nTargets: plan p95 <= 100 ms; PDF p95 <= 300 ms; calendar p95 <= 50 ms."
    )
    context.store.close()
    report(
        "referral",
        "Referral benchmark",
        f"python -m bench.referral --data-dir {args.data_dir} --runs {args.runs}",
        body,
    )


if __name__ == "__main__":
    main()
