"""What every request handler needs: settings, the store, the index and the geocoder."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from fastapi import Request

from manyroads.config import Settings
from manyroads.geo import Geocoder, make_geocoder
from manyroads.index.holder import IndexHolder
from manyroads.index.snapshot import snapshot_path
from manyroads.medication.provider import StanceEvidence
from manyroads.store import Store
from manyroads.treatment.index import FacilityIndexHolder


@dataclass
class AppContext:
    settings: Settings
    store: Store
    index: IndexHolder
    geocoder: Geocoder
    stance: StanceEvidence
    facilities: FacilityIndexHolder
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.resolved_database_url)
        stance = StanceEvidence(store)
        index = open_index(store, settings, stance)
        return cls(settings, store, index, make_geocoder(settings.geocoder_url), stance, FacilityIndexHolder(store))

    @property
    def base_url(self) -> str:
        """The configured public URL, else the base URL of the request being answered."""
        return (self.settings.public_url or request_base.get()).rstrip("/")


def open_index(store: Store, settings: Settings, stance: StanceEvidence | None = None) -> IndexHolder:
    """The meeting index as every process builds it: with all stance evidence, and the same
    snapshot file (so `manyroads sync` saves what servers load)."""
    return IndexHolder(
        store,
        stance=(stance or StanceEvidence(store)).index_stance(),
        snapshot_file=snapshot_path(settings.data_dir, settings.resolved_database_url),
    )


# Set per request by the app's middleware, so links point where the request came in.
request_base: ContextVar[str] = ContextVar("request_base", default="http://127.0.0.1:8000")


async def get_context(request: Request) -> AppContext:
    context = request.app.state.context
    assert isinstance(context, AppContext)
    return context
