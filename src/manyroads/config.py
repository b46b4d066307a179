"""Settings, read from MANYROADS_* environment variables (or passed explicitly)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MANYROADS_", extra="ignore")

    data_dir: Path = Field(default=Path("manyroads-data"), description="Where the SQLite store and demo files live.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in the data directory.")
    allow_private_sources: bool = Field(
        default=False, description="Allow sources on loopback/private addresses (tests, local mirrors)."
    )
    fetch_timeout: float = 30.0
    fetch_retries: int = 3
    host_interval: float = Field(default=1.0, description="Seconds between requests to one host.")
    max_document_bytes: int = 200 * 1024 * 1024
    shrink_threshold: float = Field(
        default=0.5,
        description="A sync that would leave fewer than this share of a source's meetings is refused.",
    )
    operator_email: str = Field(default="", description="Where problem reports go when a feed names no contact.")
    public_url: str | None = Field(
        default=None, description="Base URL used in links, feeds and QR codes (default: the URL requests arrive at)."
    )
    tile_url: str = Field(default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    tile_attribution: str = "© OpenStreetMap contributors"
    secret_key: str | None = Field(
        default=None, description="Signs operator sessions; default: generated per data dir."
    )
    geocoder_url: str | None = Field(default=None, description="A Nominatim-compatible search URL, if configured.")
    default_timezone: str = Field(
        default="UTC", description="Zone for showing times when the browser does not say its own (JavaScript off)."
    )
    guidance_dir: Path | None = Field(
        default=None, description="Your own copy of the referral guidance (topics.yaml, citations.yaml)."
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Send the operator session cookie over HTTPS only (default: when public_url is https).",
    )

    @property
    def cookies_need_https(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return bool(self.public_url and self.public_url.startswith("https://"))

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'manyroads.db').resolve()}"
