"""The extension's server side: extension-scoped sessions, the download, and opening a
provider site signed in as one of the caller's own accounts."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.extension.models import SessionOpen
from pixsim7.extension.service import OPEN_LIMIT
from tests.conftest import PASSWORD, Users

API = "/api/v1/extension"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    settings.extension_dir = tmp_path / "extension"
    return settings


async def _extension_login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await client.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD, "kind": "extension"}
    )
    assert r.status_code == 200, r.text
    assert "pixsim7_token" not in r.cookies  # the extension sends its token as a header
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _account(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> int:
    r = await client.post("/api/v1/accounts", headers=headers, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_an_extension_session_is_named_in_the_sessions_list(
    client: httpx.AsyncClient, users: Users
) -> None:
    web = await users.create("ext-list@example.com")
    extension = await _extension_login(client, "ext-list@example.com")
    sessions = (await client.get("/api/v1/auth/sessions", headers=web)).json()["items"]
    assert sorted(s["kind"] for s in sessions) == ["extension", "web"]
    bad = await client.post(
        "/api/v1/auth/login",
        json={"email": "ext-list@example.com", "password": PASSWORD, "kind": "robot"},
    )
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]
    # Revoking it is one call from the web app; the extension's token stops working.
    ext_id = next(s["id"] for s in sessions if s["kind"] == "extension")
    assert (await client.delete(f"/api/v1/auth/sessions/{ext_id}", headers=web)).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=extension)).status_code == 401


async def test_the_download_is_offered_once_built(
    client: httpx.AsyncClient, users: Users, settings: Settings
) -> None:
    h = await users.create()
    assert (await client.get(API)).status_code == 401
    r = await client.get(API, headers=h)
    assert r.status_code == 200 and r.json()["available"] is False
    missing = await client.get(f"{API}/pixsim7-extension.zip", headers=h)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "extension_not_built"

    assert settings.extension_dir is not None
    dist = settings.extension_dir / "dist"
    dist.mkdir(parents=True)
    (dist / "manifest.json").write_text(json.dumps({"manifest_version": 3, "version": "1.2.3"}))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(dist / "manifest.json", "manifest.json")
    (settings.extension_dir / "pixsim7-extension.zip").write_bytes(buffer.getvalue())

    info = (await client.get(API, headers=h)).json()
    assert info["available"] is True and info["version"] == "1.2.3"
    assert info["size_bytes"] == len(buffer.getvalue())
    r = await client.get(info["download_url"], headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "pixsim7-extension.zip" in r.headers["content-disposition"]
    assert zipfile.ZipFile(io.BytesIO(r.content)).namelist() == ["manifest.json"]

    # The unpacked folder, file by file; nothing outside it.
    (dist / "js").mkdir()
    (dist / "js" / "popup.js").write_text("console.log('popup')")
    (settings.extension_dir / "secret.txt").write_text("not for download")
    info = (await client.get(API, headers=h)).json()
    assert info["files"] == ["js/popup.js", "manifest.json"]
    r = await client.get(info["files_url"] + "js/popup.js", headers=h)
    assert r.status_code == 200 and r.text == "console.log('popup')"
    assert (await client.get(info["files_url"] + "js/popup.js")).status_code == 401
    for path in ("../secret.txt", "..%2Fsecret.txt", "js", "nothing.js", "%2E%2E/secret.txt"):
        r = await client.get(info["files_url"] + path, headers=h)
        assert r.status_code == 404, (path, r.status_code)


async def test_open_session_gives_own_account_cookies_to_extension_tokens_only(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    web = await users.create("owner@example.com")
    extension = await _extension_login(client, "owner@example.com")
    mine = await _account(
        client,
        web,
        provider_id="pixverse",
        jwt_token="session-token-1234",
        cookies={"_ai_anonymous_id": "anon-1"},
    )
    r = await client.post(f"{API}/accounts/{mine}/session", headers=extension)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "account_id": mine,
        "provider_id": "pixverse",
        # The session token goes as the cookie the web app keeps it in.
        "cookies": {"_ai_anonymous_id": "anon-1", "_ai_token": "session-token-1234"},
    }
    refused = await client.post(f"{API}/accounts/{mine}/session", headers=web)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "extension_only"

    # Someone else's account, even one shared with everybody, is not found.
    admin = await users.create("admin-ext@example.com", admin=True)
    shared = await _account(
        client, admin, provider_id="pixverse", jwt_token="admin-token-5678", is_shared=True
    )
    other = await users.create("other@example.com")
    private = await _account(client, other, provider_id="pixverse", jwt_token="other-token-90")
    for account_id in (shared, private, 10**9):
        r = await client.post(f"{API}/accounts/{account_id}/session", headers=extension)
        assert r.status_code == 404 and r.json()["error"]["code"] == "account_not_found"

    # An API key is no browser session.
    keyed = await _account(client, web, provider_id="runway", api_key="key_abcdefghijkl")
    r = await client.post(f"{API}/accounts/{keyed}/session", headers=extension)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_browser_session"

    # Each use is recorded: who, which account, by which session; never the values.
    async with app.state.db.session() as session:
        rows = (await session.scalars(select(SessionOpen))).all()
    assert [(row.account_id, row.provider_id) for row in rows] == [(mine, "pixverse")]
    assert rows[0].session_id is not None


async def test_opening_sessions_is_rate_limited_per_user(
    client: httpx.AsyncClient, users: Users
) -> None:
    web = await users.create("busy@example.com")
    extension = await _extension_login(client, "busy@example.com")
    mine = await _account(client, web, provider_id="pixverse", jwt_token="busy-token-123456")
    for _ in range(OPEN_LIMIT):
        assert (await client.post(f"{API}/accounts/{mine}/session", headers=extension)).is_success
    r = await client.post(f"{API}/accounts/{mine}/session", headers=extension)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert (await client.post(f"{API}/accounts/{mine}/session", headers=extension)).is_success
