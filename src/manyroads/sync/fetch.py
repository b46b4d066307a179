"""Fetching sources politely: timeouts, retries with backoff, conditional requests, a rate
per host, a size cap, and no requests to private addresses unless the operator allows it.
Local paths and file:// URLs are read from disk through the same interface.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from manyroads import __version__
from manyroads.config import Settings
from manyroads.sources.base import FetchError, Response, Validators

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0


class HttpFetcher:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        host_interval: float = 1.0,
        max_bytes: int = 200 * 1024 * 1024,
        allow_private: bool = False,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str | None = None,
    ):
        self.retries = retries
        self.host_interval = host_interval
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.backoff = backoff
        self.sleep = sleep
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
            headers={"User-Agent": user_agent or f"manyroads/{__version__} (meeting list aggregator)"},
            event_hooks={"request": [self._check_redirect_target]},
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpFetcher:
        """The fetcher an operator configured (timeouts, retries, politeness, size cap, private hosts)."""
        return cls(
            timeout=settings.fetch_timeout,
            retries=settings.fetch_retries,
            host_interval=settings.host_interval,
            max_bytes=settings.max_document_bytes,
            allow_private=settings.allow_private_sources,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(
        self, location: str, *, validators: Validators | None = None, params: dict[str, Any] | None = None
    ) -> Response:
        if location.startswith("file://"):
            return self._read_file(Path(unquote(urlsplit(location).path)))
        if not location.startswith(("http://", "https://")):
            return self._read_file(Path(location))
        return self._get_http(location, validators, params)

    def _read_file(self, path: Path) -> Response:
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise FetchError(f"{path} is {size} bytes; the limit is {self.max_bytes}")
            return Response(str(path), 200, path.read_bytes())
        except FileNotFoundError:
            raise FetchError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise FetchError(f"{path} is a directory, not a file") from None
        except PermissionError:
            raise FetchError(f"not allowed to read {path}") from None

    def _get_http(self, url: str, validators: Validators | None, params: dict[str, Any] | None) -> Response:
        host = urlsplit(url).hostname or ""
        self._check_address(host)
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        attempt = 0
        while True:
            self._wait_for_turn(host)
            try:
                response = self._stream(url, headers, params)
            except httpx.TransportError as error:
                if attempt >= self.retries:
                    raise FetchError(f"{url}: {type(error).__name__}: {error or 'no response'}") from None
                self.sleep(self._delay(attempt, None))
                attempt += 1
                continue
            if response.status in RETRY_STATUSES and attempt < self.retries:
                self.sleep(self._delay(attempt, response.retry_after))
                attempt += 1
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return Response(url, response.status, response.body, response.validators)
            raise FetchError(f"{url} answered HTTP {response.status}")

    def _stream(self, url: str, headers: dict[str, str], params: dict[str, Any] | None) -> _Raw:
        with self.client.stream("GET", url, headers=headers, params=params) as response:
            chunks = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > self.max_bytes:
                    raise FetchError(f"{url} sent more than {self.max_bytes} bytes; stopped")
                chunks.append(chunk)
            retry_after = response.headers.get("Retry-After")
            return _Raw(
                response.status_code,
                b"".join(chunks),
                Validators(response.headers.get("ETag"), response.headers.get("Last-Modified")),
                float(retry_after) if retry_after and retry_after.isdigit() else None,
            )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        return float(self.backoff * (2**attempt) * (1 + random.random() * 0.25))

    def _wait_for_turn(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.host_interval
            wait = max(0.0, ready - now)
            self._last_request[host] = now + wait
        if wait:
            self.sleep(wait)

    def _check_redirect_target(self, request: httpx.Request) -> None:
        self._check_address(request.url.host)

    def _check_address(self, host: str) -> None:
        if self.allow_private:
            return
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror as error:
            raise FetchError(f"cannot resolve {host}: {error.strerror}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise FetchError(
                    f"refused: {host} is a private or local address ({address}); "
                    "set MANYROADS_ALLOW_PRIVATE_SOURCES=1 to allow it"
                )


class _Raw:
    __slots__ = ("body", "retry_after", "status", "validators")

    def __init__(self, status: int, body: bytes, validators: Validators, retry_after: float | None):
        self.status = status
        self.body = body
        self.validators = validators
        self.retry_after = retry_after
