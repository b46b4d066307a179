"""The interface every source adapter implements.

An adapter turns a source's bytes into normalised records plus a list of problems. It may
ask a `Fetcher` for documents (a BMLT harvest needs several requests) but it never touches
the store: sync decides what to do with what the adapter found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from manyroads.model import ParseResult


class SourceFormatError(Exception):
    """The document as a whole is unusable (not JSON, wrong shape...). Says why."""


class FetchError(Exception):
    """The document could not be fetched (network, HTTP status, refused address...). Says why."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server told us last time, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class Response:
    url: str
    status: int
    body: bytes
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher(Protocol):
    """Fetches one URL or local path politely. Raises FetchError when it cannot."""

    def get(
        self, location: str, *, validators: Validators | None = None, params: dict[str, Any] | None = None
    ) -> Response: ...


@dataclass(slots=True)
class Document:
    """What an adapter fetched: the bytes to parse, and the validators to keep."""

    body: bytes
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    requests: int = 1


@dataclass(frozen=True, slots=True)
class SourceContext:
    name: str
    kind: str
    location: str
    fellowship: str
    default_timezone: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    now: datetime | None = None

    def option_path(self, key: str) -> Path | None:
        value = self.options.get(key)
        return Path(value) if value else None


class SourceAdapter(Protocol):
    kind: ClassVar[str]
    default_fellowship: ClassVar[str]

    def fetch(self, context: SourceContext, fetcher: Fetcher, previous: Validators | None) -> Document:
        """Fetch the source's current document(s); `previous` allows a conditional request."""
        ...

    def parse(self, document: bytes, context: SourceContext) -> ParseResult:
        """Normalise the document. Raises SourceFormatError if the whole document is unusable."""
        ...


class SingleDocumentAdapter:
    """Base for sources that are one document at one location (a feed URL or a file)."""

    kind: ClassVar[str] = ""
    default_fellowship: ClassVar[str] = ""

    def fetch(self, context: SourceContext, fetcher: Fetcher, previous: Validators | None) -> Document:
        response = fetcher.get(context.location, validators=previous)
        return Document(response.body, response.validators, response.not_modified)
