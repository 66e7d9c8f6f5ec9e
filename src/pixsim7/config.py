"""Settings, read from the environment (prefix ``PIXSIM7_``) and a ``.env`` file."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PIXSIM7_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where everything lives
    data_dir: Path = Path("./data")
    database_url: str | None = None  # default: SQLite file in data_dir
    redis_url: str | None = None  # unset: in-process events
    redis_prefix: str = "pixsim7:"  # keys and channels; lets several installs share one Redis
    secret_key: SecretStr | None = None  # unset: generated into data_dir on first start
    # Comma-separated previous keys, still accepted for decryption while
    # `pixsim7 secrets rotate` re-encrypts under `secret_key` (docs/operations.md).
    old_secret_keys: SecretStr | None = None

    # HTTP
    host: str = "127.0.0.1"
    port: int = 8000
    web_dist_dir: Path | None = None  # built web app; default web/dist next to the sources
    # The browser extension's folder (its build in dist/ and the zip beside it); default
    # extension/ next to the sources.
    extension_dir: Path | None = None
    # Origins whose pages may call the API with a bearer token (comma-separated); none
    # by default: the web app is served from the API's own origin.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)
    # On SIGTERM or SIGINT: the longest requests and provider calls under way may take
    # before the process exits (event streams end at once; Docker kills after 10 s).
    shutdown_grace_s: float = Field(default=5.0, ge=0.0, le=600.0)

    # Users and auth
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    allow_registration: bool = False  # closed on a fresh install: the admin creates users
    access_token_minutes: int = 60 * 24 * 7
    # The login throttle (auth/ratelimit.py): per account and client, free failures, then
    # a delay that doubles from the first up to the most; per client, failures per window.
    login_free_attempts: int = Field(default=5, ge=1)
    login_first_delay_seconds: float = Field(default=1.0, gt=0)
    login_max_delay_seconds: float = Field(default=900.0, gt=0)
    login_client_max_failures: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)

    # Default per-user quotas (admins can change each user's)
    default_max_jobs_per_day: int = 1000
    default_max_concurrent_jobs: int = 20
    default_max_storage_bytes: int = 50 * 1024**3
    default_max_provider_accounts: int = 50

    # Providers
    pixverse_base_url: str = "https://app-api.pixverse.ai"
    sora_base_url: str = "https://api.openai.com/v1"
    runway_base_url: str = "https://api.dev.runwayml.com"
    comfyui_base_url: str = "http://127.0.0.1:8188"
    local_max_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1)
    comfyui_max_concurrency: int = 1
    provider_timeout_s: float = 30.0
    # How often each account's balance and plan are read from its provider, besides after
    # its jobs end; one read per account per interval whatever the number of workers.
    # 0 turns the periodic read off.
    account_refresh_s: float = 600.0
    # How the scheduler picks among a provider's equally prioritised accounts, per provider,
    # e.g. PIXSIM7_ACCOUNT_STRATEGIES='{"pixverse": "most_credits"}'; unnamed providers
    # use least_recently_used.
    account_strategies: dict[str, Literal["least_recently_used", "most_credits", "round_robin"]] = (
        Field(default_factory=dict)
    )

    # Media
    media_cache_gb: float = 50.0
    max_upload_bytes: int = 500 * 1024**2
    max_download_bytes: int = 2 * 1024**3
    max_image_pixels: int = 64_000_000
    # Deleted assets stay in the trash this long (restorable), then go for good.
    trash_days: int = Field(default=30, ge=1, le=3650)

    # Outbound requests made for users (pixsim7/outbound.py). Private, loopback and other
    # special addresses are refused except hosts and networks listed here, e.g.
    # PIXSIM7_OUTBOUND_ALLOW=192.168.1.0/24,comfy.lan. The provider base URLs above are
    # trusted as configured. `allow_private_urls` allows every address (the old switch).
    outbound_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allow_private_urls: bool = False

    # Scenes
    scene_revisions_kept: int = Field(default=20, ge=1, le=1000)  # newest revisions per scene
    scene_player_dir: Path | None = None  # built standalone player; default web/dist-player

    # Android automation (docs/automation.md): the server's own ADB server ("" turns it
    # off; devices behind device agents need none), how long a worker's hold on a running
    # execution lasts unrenewed, and when an agent that stopped heart-beating is offline.
    adb_address: str = "127.0.0.1:5037"
    automation_lease_s: float = Field(default=60.0, ge=5.0, le=3600.0)
    agent_offline_after_s: float = Field(default=60.0, ge=5.0, le=3600.0)
    # Screenshots of executions that ended longer ago than this are deleted (0 keeps them).
    automation_screenshot_retention_days: float = Field(default=30.0, ge=0.0, le=3650.0)

    # Logs (docs/configuration.md). Lines at or above `log_db_level` are also stored in the
    # database, in batches of `log_db_batch` or every `log_db_flush_s`; while it is away up
    # to `log_db_buffer` lines wait in memory, more are dropped (and counted).
    log_level: str = "INFO"
    log_json: bool = True
    log_db: bool = True
    log_db_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_db_batch: int = Field(default=500, ge=1, le=10_000)
    log_db_flush_s: float = Field(default=1.0, gt=0, le=60)
    log_db_buffer: int = Field(default=10_000, ge=1, le=1_000_000)
    # Stored lines older than this or beyond the newest `log_retention_rows` are deleted
    # every `log_retention_every_s` (0 turns either bound off).
    log_retention_days: float = Field(default=14.0, ge=0)
    log_retention_rows: int = Field(default=1_000_000, ge=0)
    log_retention_every_s: float = Field(default=600.0, gt=0)
    # Lines the web app and the extension may post, per user and minute.
    client_logs_per_minute: int = Field(default=60, ge=1, le=100_000)
    # GET /metrics: with this token (Authorization: Bearer <token>), or as an admin.
    metrics_token: SecretStr | None = None

    @field_validator("cors_origins", "trusted_proxies", "outbound_allow", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("outbound_allow")
    @classmethod
    def _allow_list(cls, value: list[str]) -> list[str]:
        from pixsim7.outbound import parse_allow

        parse_allow(value)  # a bad entry stops the start, naming it
        return [entry.strip() for entry in value if entry.strip()]

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return async_url(self.database_url)
        return f"sqlite+aiosqlite:///{self.data_dir / 'pixsim7.db'}"

    @property
    def events_channel(self) -> str:
        return f"{self.redis_prefix}events"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def ensure_dirs(self) -> None:
        # Owner only: the data dir holds the database (password hashes, sessions), the
        # secret key and every user's media. An existing dir keeps the mode it was given.
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    @cached_property
    def secret(self) -> str:
        """The secret key: from the environment, else a 0600 file in the data dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _load_or_create_secret(self.data_dir / SECRET_KEY_FILE)


def _load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48))
    # link() is atomic and refuses to overwrite: two processes starting at once agree on one key.
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def async_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs; use the async drivers for them."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def set_settings(settings: Settings | None) -> None:
    global _settings
    _settings = settings
