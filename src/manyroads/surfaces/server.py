"""Serving with several processes: load once, then fork.

The parent imports the application and loads the index (from its snapshot when current),
then forks the workers. A worker starts in milliseconds and shares the index's arrays with
the parent copy-on-write, so N workers cost far less than N times the memory. Each worker
listens on its own SO_REUSEPORT socket, so the kernel spreads connections evenly (with one
shared socket, whichever worker wakes first takes most of them). A worker that dies is
replaced; SIGINT/SIGTERM stop all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from types import FrameType

import uvicorn

from manyroads.config import Settings
from manyroads.surfaces.app import create_app
from manyroads.surfaces.context import AppContext

log = logging.getLogger(__name__)


def serve(settings: Settings, *, host: str, port: int, workers: int, log_level: str = "warning") -> None:
    context = AppContext.open(settings)
    context.index.rebuild()
    app = create_app(settings, context=context)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, proxy_headers=True, lifespan="on")
    if workers == 1:
        uvicorn.Server(config).run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound but not listening: it holds the port (and fails now if the port is taken) without
    # taking connections itself.
    reserved = _reuse_port_socket(family, host, port)
    context.store.engine.dispose()  # connections must not be shared across fork
    children: set[int] = set()
    stopping = False

    def start_worker() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            context.store.engine.dispose(close=False)
            listener = _reuse_port_socket(family, host, port)
            listener.listen(2048)
            uvicorn.Server(config).run(sockets=[listener])
            os._exit(0)
        children.add(pid)

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        start_worker()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        if not stopping:
            log.warning("worker %d exited (status %d); starting another", pid, status)
            time.sleep(0.5)  # do not spin if workers die at once
            start_worker()
    reserved.close()
    sys.exit(0)


def _reuse_port_socket(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock
