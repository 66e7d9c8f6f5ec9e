"""Credentials at rest: encrypted in the row, rotatable to a new key (also by the CLI)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from pixsim7.accounts import credentials
from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import SECRET_KEY_FILE, Settings
from pixsim7.db import Database
from tests.accounts.conftest import create
from tests.conftest import Users

API_KEY = "sk-plaintext-api-key-0001"
JWT = "jwt-plaintext-token-0002"
COOKIE = "cookie-plaintext-0003"
OLD, NEW = "old-secret-key-for-tests-aaaaaaaaaaaa", "new-secret-key-for-tests-bbbbbbbbbbbb"


async def test_credentials_are_encrypted_in_the_row(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    alice = await users.create()
    acc = await create(
        client,
        alice,
        provider_id="pixverse",
        api_key=API_KEY,
        jwt_token=JWT,
        cookies=f"_ai_token={COOKIE}; lang=en",
    )
    async with app.state.db.session() as s:
        row = (
            await s.execute(
                text(
                    "SELECT api_key_enc, jwt_token_enc, cookies_enc, api_key_hint, jwt_token_hint"
                    " FROM provider_accounts WHERE id = :id"
                ),
                {"id": acc["id"]},
            )
        ).one()
        stored = " ".join(str(v) for v in row)
        for secret in (API_KEY, JWT, COOKIE, API_KEY[:-4], JWT[:-4]):
            assert secret not in stored
        account = await s.get(ProviderAccount, acc["id"])
        assert account is not None
        creds = credentials.load(account, credentials.box(app.state.settings))
    assert (creds.api_key, creds.jwt_token) == (API_KEY, JWT)
    assert creds.cookies == {"_ai_token": COOKIE, "lang": "en"}
    assert API_KEY not in repr(creds)


def _settings(database_url: str, data_dir: Path, secret: str | None, old: str | None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret,  # type: ignore[arg-type]
        old_secret_keys=old,  # type: ignore[arg-type]
    )


async def _seed(settings: Settings, n: int = 3) -> list[int]:
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as s:
            ids = []
            for i in range(n):
                account = ProviderAccount(provider_id="runway", is_shared=True)
                credentials.store(
                    account,
                    credentials.box(settings),
                    api_key=f"{API_KEY}-{i}",
                    jwt_token=JWT if i else None,
                    cookies={"c": COOKIE} if i == 2 else None,
                )
                s.add(account)
                await s.flush()
                ids.append(account.id)
            await s.commit()
            return ids
    finally:
        await db.dispose()


async def _read_all(settings: Settings) -> list[str | None]:
    """Every account's API key as decrypted with `settings`' keys (ValueError if not)."""
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as s:
            rows = (await s.scalars(select(ProviderAccount).order_by(ProviderAccount.id))).all()
            box = credentials.box(settings)
            return [credentials.load(a, box).api_key for a in rows]
    finally:
        await db.dispose()


async def test_rotation_reencrypts_so_the_old_key_is_no_longer_needed(
    database_url: str, tmp_path: Path
) -> None:
    before = _settings(database_url, tmp_path, OLD, None)
    await _seed(before)
    expected = [f"{API_KEY}-{i}" for i in range(3)]

    # The new key alone cannot read them yet, and a rotation without the old key
    # changes nothing.
    new_only = _settings(database_url, tmp_path, NEW, None)
    with pytest.raises(ValueError):
        await _read_all(new_only)
    db = Database(database_url)
    try:
        async with db.session() as s:
            with pytest.raises(credentials.RotationFailed) as failed:
                await credentials.rotate_all(s, credentials.box(new_only))
        assert len(failed.value.account_ids) == 3
        assert await _read_all(before) == expected

        during = _settings(database_url, tmp_path, NEW, f"{OLD}, another-old-key")
        assert await _read_all(during) == expected
        async with db.session() as s:
            assert await credentials.rotate_all(s, credentials.box(during)) == 3
    finally:
        await db.dispose()
    assert await _read_all(new_only) == expected
    with pytest.raises(ValueError):
        await _read_all(before)


def _cli(data_dir: Path, database_url: str, *args: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PIXSIM7_")}
    clean.update(
        PIXSIM7_DATA_DIR=str(data_dir),
        PIXSIM7_DATABASE_URL=database_url,
        PIXSIM7_LOG_LEVEL="WARNING",
        **env,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pixsim7.cli", "secrets", "rotate", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=data_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_cli_rotate_generate_replaces_the_key_file(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    before = _settings(database_url, data_dir, None, None)  # generated key file
    asyncio.run(_seed(before))
    old_key = (data_dir / SECRET_KEY_FILE).read_text()

    out = _cli(data_dir, database_url, "--generate")
    assert "re-encrypted 3 account(s)" in out
    new_key = (data_dir / SECRET_KEY_FILE).read_text()
    assert new_key != old_key and len(new_key) >= 32
    assert (data_dir / SECRET_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert not (data_dir / credentials.OLD_KEYS_FILE).exists()
    after = _settings(database_url, data_dir, None, None)
    assert asyncio.run(_read_all(after)) == [f"{API_KEY}-{i}" for i in range(3)]
    with pytest.raises(ValueError):
        asyncio.run(_read_all(_settings(database_url, data_dir, old_key, None)))


def test_cli_rotate_with_keys_from_the_environment(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_seed(_settings(database_url, tmp_path, OLD, None)))
    out = _cli(tmp_path, database_url, PIXSIM7_SECRET_KEY=NEW, PIXSIM7_OLD_SECRET_KEYS=OLD)
    assert "re-encrypted 3 account(s)" in out
    expected = [f"{API_KEY}-{i}" for i in range(3)]
    assert asyncio.run(_read_all(_settings(database_url, tmp_path, NEW, None))) == expected
