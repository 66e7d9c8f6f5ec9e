from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pixsim7.config import Settings, async_url


def test_secret_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    key = first.secret
    path = tmp_path / "secret_key"
    assert len(key) >= 32 and path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert again.secret == key


def test_secret_key_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXSIM7_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PIXSIM7_DATA_DIR", str(tmp_path))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secret == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_defaults_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("PIXSIM7_PORT=9123\nPIXSIM7_ALLOW_REGISTRATION=false\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.port == 9123 and settings.allow_registration is False
    assert settings.data_dir == (tmp_path / "data").resolve()
    expected = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'pixsim7.db'}"
    assert settings.effective_database_url == expected


def test_plain_urls_get_async_drivers() -> None:
    assert async_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert async_url("postgresql+asyncpg://u@h/db") == "postgresql+asyncpg://u@h/db"


def test_data_dir_is_created_for_its_owner_only(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "new" / "data")  # type: ignore[call-arg]
    settings.ensure_dirs()
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.media_dir.stat().st_mode) == 0o700
