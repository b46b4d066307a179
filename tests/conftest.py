"""Shared fixtures: the real sample data, real stores (SQLite and PostgreSQL), real HTTP."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from manyroads.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, the real public feeds (CI always has it)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real sample feeds not found at {SHARED_DATA} (the ../shared checkout is absent)")
    return SHARED_DATA


# -- PostgreSQL: a throwaway server for the session ------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Postgres:
    def __init__(self) -> None:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not candidates:
            raise RuntimeError("PostgreSQL server binaries not installed (Debian: apt-get install postgresql)")
        self.bin = Path(candidates[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="manyroads-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        self.data = data

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[_Postgres]:
    url = os.environ.get("MANYROADS_TEST_POSTGRES_URL")
    if url:
        pytest.skip("external PostgreSQL URLs are not supported by this fixture; unset MANYROADS_TEST_POSTGRES_URL")
    try:
        server = _Postgres()
    except (RuntimeError, subprocess.CalledProcessError, KeyError) as error:
        detail = error.stderr.decode() if isinstance(error, subprocess.CalledProcessError) else str(error)
        pytest.skip(f"cannot start a PostgreSQL server: {detail.strip()[:300]}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: _Postgres = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


# -- a real HTTP server on loopback ------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class LoopbackServer:
    """Serves routes from Python functions; records every request it received."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[dict[str, Any]] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.requests.append({"path": self.path, "headers": dict(self.headers), "at": time.monotonic()})
                route = server.routes.get(path)
                if route is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                status, headers, body = route(self)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        self.routes[path] = lambda _request: (status, headers or {"Content-Type": "application/json"}, body)
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    yield server
    server.close()


# -- a synthetic world served by a real manyroads server --------------------------------------


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """1,500 synthetic meetings (NA BMLT and AA Meeting Guide sources) served on loopback."""
    from manyroads.demo import register_and_sync_plan
    from manyroads.synthetic import WorldSpec, write_world
    from tests.helpers import syncer
    from tests.live import LiveServer

    directory = tmp_path_factory.mktemp("served")
    store = Store(f"sqlite:///{directory / 'manyroads.db'}")
    world = write_world(directory / "world", WorldSpec(meetings=1500, files=6, seed=3, link_host="zoom.us"))
    register_and_sync_plan(store, world)
    syncer(store).sync()
    store.close()
    with LiveServer(directory) as server:
        yield server


# -- the demo data set behind the web finder ------------------------------------------------

# A Monday, 18:00 in New York: the finder's pages take `at=` so every answer is reproducible.
FINDER_AT = "2026-11-23T23:00:00Z"
OPERATOR = ("river", "a long passphrase for tests")
HOSTILE_NAME = '<img src=x onerror="window.hostile=1">Hostile & <b>Bold</b>'


class Finder:
    """The demo data (plus one hostile feed) behind a live server, and an operator account."""

    def __init__(self, server: Any, directory: Path) -> None:
        self.server = server
        self.directory = directory
        self.url = server.url
        self.at = FINDER_AT
        self.operator = OPERATOR

    def page_url(self, path: str, **params: Any) -> str:
        from urllib.parse import urlencode

        query = urlencode({"at": self.at, **params}, doseq=True)
        return f"{self.url}{path}?{query}"


@pytest.fixture(scope="session")
def finder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Finder]:
    import orjson

    from manyroads.demo import register_and_sync_plan, write_demo
    from manyroads.operators import add_operator
    from manyroads.synthetic import WorldSpec
    from tests.helpers import syncer
    from tests.live import LiveServer

    directory = tmp_path_factory.mktemp("finder")
    store = Store(f"sqlite:///{directory / 'manyroads.db'}")
    sources = write_demo(directory / "demo", WorldSpec(meetings=1200, files=6, seed=11))
    register_and_sync_plan(store, sources)
    hostile = directory / "hostile.json"
    hostile.write_bytes(
        orjson.dumps(
            [
                {
                    "slug": "hostile",
                    "name": HOSTILE_NAME,
                    "day": 1,
                    "time": "19:30",
                    "formatted_address": "400 Oak St, Springfield, IL 62701, USA",
                    "latitude": 39.801,
                    "longitude": -89.651,
                    "notes": "<script>window.hostile=2</script><p onclick='x()'>Second floor</p>",
                    "location_notes": "<iframe src='https://evil.example'></iframe>Side door",
                    "types": ["O"],
                    "feedback_url": "javascript:alert(1)",
                }
            ]
        )
    )
    store.add_source(name="hostile", kind="meeting-guide", location=str(hostile), fellowship="AA")
    syncer(store).sync()
    add_operator(store, *OPERATOR)
    store.close()
    with LiveServer(
        directory,
        default_timezone="America/New_York",
        allow_private_sources=True,
        operator_email="operator@example.org",
    ) as server:
        yield Finder(server, directory)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian chromium per test process; each test opens its own context."""
    from tests.browser import browser

    with browser() as launched:
        yield launched
