"""Keeps each server process's index current with the store.

Every process checks the store's data version at most every `check_seconds`; when it moved,
a background thread builds a new index and swaps it in, while requests keep using the old
one. No process ever serves a half-built index. With a snapshot file, a process whose store
has not changed since the last build loads the saved index instead of building one.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from manyroads.index import snapshot
from manyroads.index.columns import MeetingColumns, StanceProvider, default_stance
from manyroads.store import Store

log = logging.getLogger(__name__)


class IndexHolder:
    def __init__(
        self,
        store: Store,
        *,
        stance: StanceProvider = default_stance,
        check_seconds: float = 2.0,
        snapshot_file: Path | None = None,
    ):
        self.store = store
        self.stance = stance
        self.check_seconds = check_seconds
        self.snapshot_file = snapshot_file
        self._columns: MeetingColumns | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None

    def current(self) -> MeetingColumns:
        columns = self._columns
        if columns is None:
            with self._lock:
                if self._columns is None:
                    self._columns = self._build()
                return self._columns
        now = time.monotonic()
        if now - self._checked >= self.check_seconds:
            self._checked = now
            self._refresh_in_background(columns.version)
        return columns

    def rebuild(self) -> MeetingColumns:
        """Load or build now, in this thread (used at start-up and after operator actions)."""
        with self._lock:
            self._columns = self._build()
            return self._columns

    def _build(self) -> MeetingColumns:
        started = time.perf_counter()
        version = self.store.data_version()
        if self.snapshot_file is not None:
            saved = snapshot.load(self.snapshot_file, version)
            if saved is not None:
                log.info("index loaded from %s: %d meetings, version %d", self.snapshot_file, saved.size, version)
                return saved
        columns = MeetingColumns.build(self.store, stance=self.stance)
        log.info(
            "index built: %d meetings, version %d, %.2f s", columns.size, columns.version, time.perf_counter() - started
        )
        if self.snapshot_file is not None:
            try:
                snapshot.save(self.snapshot_file, columns)
            except OSError:
                log.exception("could not save the index snapshot to %s", self.snapshot_file)
        return columns

    def _refresh_in_background(self, have: int) -> None:
        if self._building is not None and self._building.is_alive():
            return
        try:
            version = self.store.data_version()
        except Exception:  # the store being briefly unavailable must not take search down
            log.exception("could not read the store's data version")
            return
        if version == have:
            return

        def work() -> None:
            try:
                columns = self._build()
                with self._lock:
                    self._columns = columns
            except Exception:
                log.exception("index rebuild failed; still serving version %d", have)

        self._building = threading.Thread(target=work, name="index-rebuild", daemon=True)
        self._building.start()
