"""Settings, read from the environment (prefix ``PIXSIM7_``) and a ``.env`` file."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    cors_origins: list[str] = Field(default_factory=list)

    # Users and auth
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    allow_registration: bool = True
    access_token_minutes: int = 60 * 24 * 7
    login_max_attempts: int = 10  # per email and per client address, per window
    login_window_seconds: int = 300

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
    allow_private_urls: bool = False  # upload-from-url to private/loopback addresses

    # Logs
    log_level: str = "INFO"
    log_json: bool = True

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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.media_dir.mkdir(parents=True, exist_ok=True)

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
