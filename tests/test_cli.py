"""The command line, run in-process with Typer's runner against a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from manyroads.cli import app
from tests.helpers import write_json

runner = CliRunner()


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), *args])
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_sources_add_list_sync_and_look(cli, tmp_path: Path, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    feed = shared_data / "meeting-guide/sussexaa.json"
    assert "Added source" in cli("sources", "add", "sussex", str(feed), "--kind", "meeting-guide")
    cli(
        "sources",
        "add",
        "broken",
        str(shared_data / "meeting-guide/edge-cases/invalid.json.txt"),
        "--kind",
        "meeting-guide",
    )
    output = cli("sync", code=1)
    assert "applied" in output and "failed" in output
    listed = orjson.loads(cli("sources", "list", "--json"))
    by_name = {s["name"]: s for s in listed}
    assert by_name["sussex"]["status"] == "ok" and by_name["sussex"]["meetings"] == 123
    assert by_name["broken"]["status"] == "failed" and "not valid JSON" in by_name["broken"]["last_error"]
    meetings = orjson.loads(cli("meetings", "list", "--source", "sussex", "--json", "--limit", "500"))
    assert len(meetings) == 123
    shown = orjson.loads(cli("meetings", "show", meetings[0]["id"], "--json"))
    assert shown["id"] == meetings[0]["id"] and "also_listed_as" in shown
    history = orjson.loads(cli("history", "--source", "sussex", "--json", "--limit", "1000"))
    assert len(history) == 123 and {h["action"] for h in history} == {"added"}
    assert isinstance(orjson.loads(cli("problems", "--json")), list)
    assert "sussex" in cli("sources", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources", "add", "x", "feed.json", "--kind", "rss"], "unknown source kind 'rss'"),
        (
            ["sources", "add", "x", "feed.json", "--kind", "meeting-guide", "--timezone", "Mars/Olympus"],
            "not an IANA zone",
        ),
        (
            ["sources", "add", "x", "missing.json", "--kind", "meeting-guide"],
            "neither an http(s) URL nor a readable file",
        ),
        (["sources", "add", "Bad Name", "feed.json", "--kind", "meeting-guide"], "must be lowercase"),
        (["sources", "add", "x", "feed.json", "--kind", "manual"], "--fellowship is required"),
        (["meetings", "show", "nope:1"], "no meeting with id"),
        (["sync", "ghost"], "no source named ghost"),
    ],
)
def test_clear_errors(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    write_json(tmp_path / "feed.json", [])
    output = cli(*args, code=1)
    assert message in " ".join(output.split())


def test_duplicate_source_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = write_json(tmp_path / "feed.json", [])
    cli("sources", "add", "x", str(feed), "--kind", "meeting-guide")
    assert "already exists" in cli("sources", "add", "x", str(feed), "--kind", "meeting-guide", code=1)


def test_add_bmlt_servers(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    assert "Registered 42" in cli("sources", "add-bmlt-servers", str(shared_data / "bmlt/aggregator_serverList.json"))
    assert "Registered 0" in cli(
        "sources", "add-bmlt-servers", str(shared_data / "bmlt/aggregator_rootServerList.json")
    )
    listed = orjson.loads(cli("sources", "list", "--json"))
    assert len(listed) == 42 and all(s["kind"] == "bmlt" and s["status"] == "new" for s in listed)


def test_demo_builds_and_syncs(cli) -> None:  # type: ignore[no-untyped-def]
    output = cli("demo", "--meetings", "300", "--files", "3")
    assert "meetings stored" in output and "aa-broken-feed" in output
    listed = {s["name"]: s for s in orjson.loads(cli("sources", "list", "--json"))}
    assert listed["aa-broken-feed"]["status"] == "failed"
    assert listed["hand-kept-online"]["meetings"] >= 9
    problems = orjson.loads(cli("problems", "--source", "aa-rough-edges", "--json"))
    assert {p["record"] for p in problems if p["severity"] == "quarantined"} == {"bad-day", "bad-time"}
    republished = orjson.loads(cli("meetings", "list", "--source", "na-area-website", "--json"))
    assert republished and all(m["canonical_id"] for m in republished), "the NA area site's copies are linked"
    again = cli("demo", "--meetings", "300", "--files", "3")
    assert "unchanged" in again, "running the demo twice does not duplicate anything"


def test_operator_accounts(tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None, code: int = 0) -> str:
        result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), *args], input=stdin)
        assert result.exit_code == code, result.output
        return " ".join(result.output.split())

    assert "needs at least 12" in run("users", "add", "ops", "--password-stdin", stdin="short\n", code=1)
    assert "Operator ops added" in run("users", "add", "ops", "--password-stdin", stdin="correct horse battery\n")
    assert "already exists" in run("users", "add", "ops", "--password-stdin", stdin="correct horse battery\n", code=1)
    [listed] = orjson.loads(run("users", "list", "--json"))
    assert listed["username"] == "ops" and listed["last_login_at"] is None
    assert "Password changed" in run("users", "password", "ops", "--password-stdin", stdin="another passphrase!\n")
    assert "removed" in run("users", "remove", "ops")
    assert "no operator named" in run("users", "remove", "ops", code=1)
    assert orjson.loads(run("users", "list", "--json")) == []
