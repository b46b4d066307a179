"""Nothing about the person is kept: after referrals through the API, the web form and the CLI,
the database holds exactly what it held before, no file in the data directory changed, and no
log line (at DEBUG, access log and SQL included) carries what was entered."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from manyroads.cli import app as cli_app
from manyroads.demo import register_and_sync_plan, write_demo
from manyroads.store import Store
from manyroads.synthetic import WorldSpec
from tests.helpers import syncer
from tests.live import LiveServer

# What a clinician might type about one person; none of it may be written down anywhere.
PLACE = "Springfield, IL"
UNKNOWN_PLACE = "Quietwater Hollow, ZZ"
SECRETS = ["Springfield", "Quietwater", "methadone", "buprenorphine", "naltrexone", "social_anxiety", "wheelchair"]


@pytest.fixture
def world(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    store = Store(f"sqlite:///{directory / 'manyroads.db'}")
    register_and_sync_plan(store, write_demo(directory / "demo", WorldSpec(meetings=300, files=2, seed=5)))
    syncer(store).sync()
    store.close()
    return directory


def _database(directory: Path) -> list[str]:
    connection = sqlite3.connect(directory / "manyroads.db")
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _files(directory: Path) -> dict[str, tuple[int, int]]:
    # The database's write-ahead files come and go with readers; what they hold is compared above.
    return {
        str(path.relative_to(directory)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in directory.rglob("*")
        if path.is_file() and not path.name.endswith(("-wal", "-shm", "-journal"))
    }


@pytest.fixture
def every_log_line(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    # (In this order: each call also sets the capturing handler's level, and the last one must be DEBUG.)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every SQL statement and its parameters
    caplog.set_level(logging.DEBUG)  # root at DEBUG: our loggers, uvicorn's access log, httpx
    yield caplog


def test_referrals_leave_no_trace(world: Path, every_log_line: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    with LiveServer(world, log_level="debug", own_log_handlers=False) as server:
        httpx.get(f"{server.url}/api/v1/meetings", params={"limit": 1}).raise_for_status()  # warm up
        before_rows, before_files = _database(world), _files(world)
        every_log_line.clear()

        situation = {"place": PLACE, "medication": "methadone", "barriers": ["social_anxiety"], "needs": ["wheelchair"]}
        for output in ("json", "text", "pdf", "ics"):
            response = httpx.post(f"{server.url}/api/v1/referral", params={"format": output}, json=situation)
            assert response.status_code == 200, response.text
        refused = httpx.post(f"{server.url}/api/v1/referral", json={"place": UNKNOWN_PLACE})
        assert refused.status_code == 400 and UNKNOWN_PLACE in refused.json()["error"]["message"]

        form = {"place": PLACE, "medication": "buprenorphine", "barriers": "social_anxiety", "needs": "wheelchair"}
        page = httpx.post(f"{server.url}/referral", data=form)
        assert page.status_code == 200 and "Download the sheet" in page.text
        sheet = httpx.post(f"{server.url}/referral", data={**form, "output": "pdf"})
        assert sheet.content.startswith(b"%PDF")
        assert httpx.post(f"{server.url}/referral", data={"place": UNKNOWN_PLACE}).status_code == 400

        sheet_file = tmp_path / "elsewhere" / "sheet.pdf"
        sheet_file.parent.mkdir()
        run = CliRunner().invoke(
            cli_app,
            [
                "--data-dir",
                str(world),
                "referral",
                "--place",
                PLACE,
                "--medication",
                "naltrexone",
                "--pdf",
                str(sheet_file),
            ],
        )
        assert run.exit_code == 0, run.output
        after_rows, after_files = _database(world), _files(world)

    records = every_log_line.records
    assert any("POST /api/v1/referral" in r.getMessage() for r in records), "the access log was on and was captured"
    assert any(r.name.startswith("sqlalchemy.engine") for r in records), "SQL statements were logged and captured"
    assert any(r.levelno == logging.DEBUG for r in records), "DEBUG lines were captured"
    leaks = [(r.name, r.getMessage()[:200]) for r in records if any(s in r.getMessage() for s in SECRETS)]
    assert leaks == [], f"log lines that carry what was entered: {leaks[:5]}"
    assert after_rows == before_rows, "the database is exactly as it was"
    assert after_files == before_files, "no file in the data directory was written"
    assert not any(s in "\n".join(after_rows) for s in ("Quietwater", "social_anxiety"))
