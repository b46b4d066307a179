"""Ingest benchmark: full sync of a synthetic world from local feed files, then a re-sync.

    python -m bench.ingest [--meetings 300000] [--files 400]

Reports wall time, records/s and peak RSS for (a) a full sync into an empty SQLite store and
(b) a re-sync of the same unchanged files; the baseline, measured in the same run, is just
reading and JSON-decoding every file (no normalising, no database). Targets on the 2-core
machine: full ingest <= 60 s, unchanged re-sync <= 5 s, peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import peak_rss_mib, report, table

_CHILD = "bench.ingest"


def _child_sync(database: str) -> None:
    from manyroads.store import Store
    from manyroads.sync import HttpFetcher, Syncer

    store = Store(database)
    started = time.perf_counter()
    reports = Syncer(store, HttpFetcher(host_interval=0), parse_workers=1).sync()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "meetings": store.count_meetings(),
                "outcomes": sorted({r.outcome for r in reports}),
                "rss_mib": peak_rss_mib(),
            }
        )
    )


def _child_decode(directory: str) -> None:
    import orjson

    started = time.perf_counter()
    rows = 0
    for path in sorted(Path(directory).glob("*.json")):
        data = orjson.loads(path.read_bytes())
        rows += len(data["meetings"] if isinstance(data, dict) else data)
    print(json.dumps({"seconds": time.perf_counter() - started, "meetings": rows, "rss_mib": peak_rss_mib()}))


def _run(kind: str, argument: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", _CHILD, f"--child-{kind}", argument], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=300_000)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--child-sync")
    parser.add_argument("--child-decode")
    args = parser.parse_args()
    if args.child_sync:
        return _child_sync(args.child_sync)
    if args.child_decode:
        return _child_decode(args.child_decode)

    from manyroads.store import Store
    from manyroads.synthetic import WorldSpec, write_world

    with tempfile.TemporaryDirectory(prefix="manyroads-bench-") as tmp:
        world = Path(tmp) / "world"
        started = time.perf_counter()
        sources = write_world(world, WorldSpec(meetings=args.meetings, files=args.files, seed=11))
        generated = time.perf_counter() - started
        database = f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = Store(database)
        for source in sources:
            store.add_source(
                name=source.name,
                kind=source.kind,
                location=str(source.path),
                fellowship=source.fellowship,
                default_timezone=source.default_timezone,
            )
        store.close()
        size_mb = sum(p.stat().st_size for p in world.iterdir()) / 1e6
        baseline = _run("decode", str(world))
        full = _run("sync", database)
        again = _run("sync", database)

    def row(name: str, result: dict[str, float], target: str) -> list[str]:
        rate = result["meetings"] / result["seconds"] if result["seconds"] else 0
        return [name, f"{result['seconds']:.1f} s", f"{rate:,.0f}", f"{result['rss_mib']:.0f} MiB", target]

    body = (
        f"{args.meetings:,} synthetic meetings in {args.files} local feed files ({size_mb:.0f} MB); "
        f"writing them took {generated:.1f} s (not counted).\n\n"
        + table(
            ["step", "wall time", "meetings/s", "peak RSS (process + parse worker)", "target"],
            [
                row("baseline: read + JSON-decode every file", baseline, "(floor)"),
                row("full sync into an empty SQLite store", full, "<= 60 s, <= 1 GB"),
                row("re-sync, feeds unchanged", again, "<= 5 s"),
            ],
        )
        + f"\n\nFull sync outcomes: {', '.join(full['outcomes'])}; re-sync outcomes: {', '.join(again['outcomes'])}; "
        f"{full['meetings']:,} meetings stored.\n"
    )
    report(
        "ingest", "Ingest benchmark", f"python -m bench.ingest --meetings {args.meetings} --files {args.files}", body
    )


if __name__ == "__main__":
    main()
