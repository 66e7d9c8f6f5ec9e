"""Plain bad input is a 422 naming the field, on both databases, never a 500.

Each case here was seen answering 500 (PostgreSQL refusing NUL or a too-wide integer,
SQLite an integer past 64 bits, a NOT NULL column given null, a cookie httpx cannot put
in a header). The shared field types (`pixsim7.fields`) refuse them all; the fuzz test
(`test_fuzz.py`) looks for the rest of their kind.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from pixsim7.pagination import encode_cursor
from tests.jobs.conftest import text_job

API = "/api/v1"
HUGE = 2714254970933763637248  # past 64 bits
NUL = "a\x00b"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 10, 200)).save(buffer, "PNG")
    return buffer.getvalue()


async def _expect_422(r: httpx.Response, field: str) -> None:
    assert r.status_code == 422, (field, r.status_code, r.text)
    named = r.json()["error"]["fields"]
    assert [f for f in named if f == field or f.startswith(field + ".")], (field, named)


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, users) -> dict[str, str]:
    return await users.create()


async def test_nul_in_any_string(client: httpx.AsyncClient, signed_in: dict[str, str]) -> None:
    h = signed_in
    cases: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None, str]] = [
        ("POST", "/workspaces", {"name": NUL}, None, "name"),
        ("POST", "/jobs", text_job(prompt=NUL), None, "params"),
        ("POST", "/jobs", text_job(name=NUL), None, "name"),
        ("PATCH", "/users/me", {"display_name": NUL}, None, "display_name"),
        ("GET", "/assets", None, {"q": NUL}, "q"),
        ("GET", "/assets", None, {"tag": NUL}, "tag"),
        ("GET", "/jobs", None, {"status": NUL}, "status"),
        ("POST", "/accounts", {"provider_id": "pixverse", "nickname": NUL}, None, "nickname"),
    ]
    for method, path, body, query, field in cases:
        r = await client.request(method, API + path, json=body, params=query, headers=h)
        await _expect_422(r, field)
    # Before anyone signs in, too.
    r = await client.post(f"{API}/auth/login", json={"email": NUL, "password": "x"})
    await _expect_422(r, "email")
    r = await client.post(f"{API}/auth/login", json={"email": "a@b.c", "password": NUL})
    await _expect_422(r, "password")


async def test_integers_past_their_column(
    client: httpx.AsyncClient, signed_in: dict[str, str]
) -> None:
    h = signed_in
    asset = await client.post(f"{API}/assets/upload", headers=h, files={"file": ("a.png", _png())})
    asset_id = asset.json()["id"]
    r = await client.get(f"{API}/accounts/{HUGE}", headers=h)
    await _expect_422(r, "account_id")
    for path in ("/workspaces/", "/jobs/", "/assets/"):
        await _expect_422(await client.get(f"{API}{path}{2**63}", headers=h), path[1:-2] + "_id")
    r = await client.post(
        f"{API}/workspaces", json={"name": "w", "parent_id": int("9" * 4000)}, headers=h
    )
    await _expect_422(r, "parent_id")
    r = await client.get(f"{API}/workspaces", params={"parent_id": HUGE}, headers=h)
    await _expect_422(r, "parent_id")
    account = {"provider_id": "pixverse", "api_key": "k", "daily_cap": 2**31}
    await _expect_422(await client.post(f"{API}/accounts", json=account, headers=h), "daily_cap")
    clip = {"start_time": 0, "end_time": 1, "start_frame": 2**40, "clip_name": "c"}
    r = await client.post(f"{API}/assets/{asset_id}/clips", json=clip, headers=h)
    await _expect_422(r, "start_frame")
    variant = {"variant_type": "thumb", "width": 2**40, "height": 10}
    r = await client.post(f"{API}/assets/{asset_id}/variants", json=variant, headers=h)
    await _expect_422(r, "width")
    r = await client.post(f"{API}/jobs", json=text_job(depends_on=[HUGE]), headers=h)
    await _expect_422(r, "depends_on.0")
    # A field's own bounds hold inside the column's.
    edge = {"parent_asset_id": asset_id, "sequence_order": -1}
    r = await client.post(f"{API}/assets/{asset_id}/lineage", json=edge, headers=h)
    await _expect_422(r, "sequence_order")
    await _expect_422(
        await client.post(f"{API}/jobs", json=text_job(priority=1001), headers=h), "priority"
    )


async def test_null_for_a_field_that_cannot_be_empty(
    client: httpx.AsyncClient, signed_in: dict[str, str]
) -> None:
    h = signed_in
    ws = (await client.post(f"{API}/workspaces", json={"name": "w"}, headers=h)).json()
    asset = await client.post(f"{API}/assets/upload", headers=h, files={"file": ("a.png", _png())})
    job = (await client.post(f"{API}/jobs", json=text_job(), headers=h)).json()
    cases = [
        (f"/workspaces/{ws['id']}", "archived"),
        (f"/workspaces/{ws['id']}", "name"),
        (f"/assets/{asset.json()['id']}", "age_restricted"),
        (f"/assets/{asset.json()['id']}", "content_rating"),
        (f"/jobs/{job['id']}", "priority"),
        ("/users/me", "preferences"),
    ]
    for path, field in cases:
        await _expect_422(await client.patch(API + path, json={field: None}, headers=h), field)
    # Left out, they are left as they are; fields where null means "clear" still take it.
    r = await client.patch(f"{API}/workspaces/{ws['id']}", json={"description": None}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["archived"] is False and r.json()["name"] == "w"


async def test_a_cookie_no_header_can_carry(
    client: httpx.AsyncClient, signed_in: dict[str, str]
) -> None:
    for cookies in ({"_token": "jwt-é"}, "_token=jwt-é; other=1", {"bad;name": "v"}, "a=b\nc"):
        body = {"provider_id": "pixverse", "raw_data": {"cookies": cookies}}
        r = await client.post(f"{API}/accounts/import-cookies", json=body, headers=signed_in)
        await _expect_422(r, "raw_data.cookies")
    account = {"provider_id": "pixverse", "cookies": {"_token": "é"}}
    r = await client.post(f"{API}/accounts", json=account, headers=signed_in)
    await _expect_422(r, "cookies")
    account = {"provider_id": "pixverse", "api_key": "clé"}
    r = await client.post(f"{API}/accounts", json=account, headers=signed_in)
    await _expect_422(r, "api_key")


async def test_more_of_the_kind(client: httpx.AsyncClient, signed_in: dict[str, str]) -> None:
    """What the databases refuse besides: non-finite numbers, unpaired surrogates, times
    with no UTC date, forged cursors, free-form JSON holding any of those."""
    h = signed_in
    asset = await client.post(f"{API}/assets/upload", headers=h, files={"file": ("a.png", _png())})
    asset_id = asset.json()["id"]
    raw = b'{"credit_type": "web", "amount": NaN}'
    r = await client.post(
        f"{API}/accounts/1/credits",
        content=raw,
        headers={**h, "content-type": "application/json"},
    )
    await _expect_422(r, "amount")
    surrogate = b'{"name": "\\ud800"}'
    r = await client.post(
        f"{API}/workspaces", content=surrogate, headers={**h, "content-type": "application/json"}
    )
    await _expect_422(r, "name")
    r = await client.get(
        f"{API}/jobs", params={"created_after": "0001-01-01T00:00:00+05:00"}, headers=h
    )
    await _expect_422(r, "created_after")
    for forged in ([10**22], [NUL]):
        r = await client.get(f"{API}/jobs", params={"cursor": encode_cursor(forged)}, headers=h)
        await _expect_422(r, "cursor")
    r = await client.get(
        f"{API}/auth/sessions",
        params={"cursor": encode_cursor(["2026-01-01T00:00:00+00:00", NUL])},
        headers=h,
    )
    await _expect_422(r, "cursor")
    segment = {"start_time": 0, "end_time": 1, "segment_type": "s", "extra": {"k": NUL}}
    r = await client.post(f"{API}/assets/{asset_id}/segments", json=segment, headers=h)
    await _expect_422(r, "extra")
    r = await client.put(f"{API}/assets/{asset_id}/metadata/audio", json={NUL: 1}, headers=h)
    await _expect_422(r, "body")
    form = {"workspace_id": "²", "description": NUL}
    r = await client.post(
        f"{API}/assets/upload", headers=h, files={"file": ("b.png", _png())}, data=form
    )
    assert r.status_code == 422, r.text
    assert set(r.json()["error"]["fields"]) == {"workspace_id", "description"}
