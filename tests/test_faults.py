"""A sync killed half-way leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manyroads.store import Store
from manyroads.synthetic import WorldSpec, write_world
from tests.helpers import syncer

_RUNNER = """
import sys
from manyroads.store import Store
from manyroads.sync import HttpFetcher, Syncer

store = Store(sys.argv[1])
def progress(source, stage):
    print(stage, flush=True)
Syncer(store, HttpFetcher(host_interval=0)).sync(force=True, progress=progress)
print("done", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_sync_killed_mid_apply(store_url: str, tmp_path: Path, delay: float) -> None:
    world = tmp_path / "world"
    [old] = write_world(world, WorldSpec(meetings=2000, files=1, seed=1, bmlt_share=0))
    store = Store(store_url)
    store.add_source(
        name="big",
        kind=old.kind,
        location=str(old.path),
        fellowship=old.fellowship,
        default_timezone=old.default_timezone,
    )
    syncer(store).sync()
    before = {r["id"]: r["content_hash"] for r in store.meeting_records()}
    version = store.data_version()
    # The same file now holds a different, larger world: every row changes or is added.
    [new] = write_world(tmp_path / "next", WorldSpec(meetings=20000, files=1, seed=2, bmlt_share=0))
    new.path.replace(old.path)

    process = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, store_url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "applying":
            break
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()

    after = {r["id"]: r["content_hash"] for r in store.meeting_records()}
    if delay == 0.0:
        # Writing 20,000 rows takes seconds; a kill right after "applying" is mid-transaction.
        assert after == before
    if after == before:
        assert store.data_version() == version
        assert store.source("big").meeting_count == 2000
    else:  # the kill came after the commit: then everything is the new world, not a mixture
        assert len(after) == 20000 and store.source("big").meeting_count == 20000
    store.close()
