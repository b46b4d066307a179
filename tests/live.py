"""A real manyroads server (uvicorn) on a loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from manyroads.config import Settings
from manyroads.surfaces.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(
        self,
        data_dir: Path,
        database_url: str | None = None,
        *,
        log_level: str = "warning",
        own_log_handlers: bool = True,
        **settings: object,
    ):
        """`own_log_handlers=False` leaves uvicorn's loggers (access log included) to propagate
        to the root logger, where pytest's caplog sees them."""
        self.port = free_port()
        config_settings = Settings(data_dir=data_dir, database_url=database_url, **settings)  # type: ignore[arg-type]
        self.app = create_app(config_settings)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level=log_level,
            lifespan="on",
            **({} if own_log_handlers else {"log_config": None}),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the manyroads test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def context(self):  # type: ignore[no-untyped-def]
        return self.app.state.context
