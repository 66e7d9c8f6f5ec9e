"""The accounts API: CRUD, ownership, credits, sync/test/import against fakes over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.accounts import service
from pixsim7.jobs.models import Job
from pixsim7.providers.fakekit import FakeServer
from tests.accounts.conftest import API, create
from tests.conftest import Users


def _key() -> str:
    return f"rk-{uuid.uuid4().hex}"


async def test_crud_says_which_credentials_are_set_never_their_values(
    client: httpx.AsyncClient, users: Users
) -> None:
    alice = await users.create()
    key = _key()
    acc = await create(client, alice, nickname="main", api_key=key, priority=3)
    assert acc["has_api_key"] and not acc["has_jwt_token"] and not acc["has_cookies"]
    assert acc["api_key_hint"] == "…" + key[-4:]
    assert acc["status"] == "active" and acc["priority"] == 3 and acc["can_manage"]
    # Checked at the fake when added: its credits, and the tier's 2 at once (not the
    # default of 1).
    assert acc["check"]["ok"] and acc["credits"] == {"credits": 1000.0}
    assert acc["max_concurrent_jobs"] == 2 and acc["max_concurrent_jobs_setting"] is None
    assert acc["in_flight_jobs"] == 0 and acc["jobs_today"] == 0

    got = await client.get(f"{API}/{acc['id']}", headers=alice)
    assert got.status_code == 200 and got.json()["nickname"] == "main"
    listed = await client.get(API, headers=alice)
    assert [a["id"] for a in listed.json()["items"]] == [acc["id"]]

    r = await client.patch(
        f"{API}/{acc['id']}",
        json={"nickname": "renamed", "jwt_token": "jwt-value-123456", "max_concurrent_jobs": 3},
        headers=alice,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nickname"] == "renamed" and body["has_jwt_token"] and body["has_api_key"]
    assert body["max_concurrent_jobs_setting"] == 3
    assert body["max_concurrent_jobs"] == body["max_concurrent_jobs_ceiling"] == 2  # the tier's
    r = await client.patch(f"{API}/{acc['id']}", json={"api_key": None}, headers=alice)
    assert not r.json()["has_api_key"] and r.json()["api_key_hint"] is None
    for text in (got.text, listed.text, body.__repr__()):
        assert key not in text and "jwt-value-123456" not in text

    assert (await client.delete(f"{API}/{acc['id']}", headers=alice)).status_code == 204
    assert (await client.get(f"{API}/{acc['id']}", headers=alice)).status_code == 404


async def test_unknown_provider_and_bad_bodies_are_422_naming_the_field(
    client: httpx.AsyncClient, users: Users
) -> None:
    alice = await users.create()
    r = await client.post(API, json={"provider_id": "nope"}, headers=alice)
    assert r.status_code == 422 and "provider_id" in r.json()["error"]["fields"]
    r = await client.post(
        API, json={"provider_id": "runway", "base_url": "file:///etc"}, headers=alice
    )
    assert r.status_code == 422 and "base_url" in r.json()["error"]["fields"]
    acc = await create(client, alice)
    r = await client.post(
        f"{API}/{acc['id']}/credits", json={"credit_type": "gold", "amount": 5}, headers=alice
    )
    assert r.status_code == 422 and "credit_type" in r.json()["error"]["fields"]


async def test_another_user_cannot_see_use_sync_or_delete_a_private_account(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    alice, bob = await users.create(), await users.create()
    acc = await create(client, alice, api_key=_key())
    aid = acc["id"]
    assert (await client.get(API, headers=bob)).json()["items"] == []
    for method, path, body in [
        ("GET", f"{API}/{aid}", None),
        ("PATCH", f"{API}/{aid}", {"nickname": "mine"}),
        ("DELETE", f"{API}/{aid}", None),
        ("POST", f"{API}/{aid}/sync", None),
        ("POST", f"{API}/{aid}/test", None),
        ("POST", f"{API}/{aid}/credits", {"credit_type": "credits", "amount": 1}),
    ]:
        r = await client.request(method, path, json=body, headers=bob)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "account_not_found"
    r = await client.post(
        f"{API}/credits/bulk-update",
        json={"updates": [{"account_id": aid, "credits": {"credits": 5}}]},
        headers=bob,
    )
    assert r.status_code == 422 and r.json()["error"]["fields"] == {
        "updates.0.account_id": "account not found"
    }
    # Nor can the scheduler run bob's jobs on it.
    bob_user = await _user(app, bob, client)
    async with app.state.db.session() as session:
        with pytest.raises(service.AccountNotFound):
            await service.get_usable(session, bob_user, aid)
    assert (await client.get(f"{API}/{aid}", headers=alice)).json()["nickname"] is None


async def _user(app: FastAPI, headers: dict[str, str], client: httpx.AsyncClient) -> Any:
    from pixsim7.users.models import User

    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    async with app.state.db.session() as s:
        return await s.get(User, me["id"])


async def test_shared_accounts_are_visible_to_all_managed_by_admins_only(
    client: httpx.AsyncClient, users: Users
) -> None:
    admin, bob = await users.create(admin=True), await users.create()
    key = _key()
    r = await client.post(
        API, json={"provider_id": "runway", "is_shared": True, "api_key": key}, headers=bob
    )
    assert r.status_code == 403
    shared = await create(client, admin, is_shared=True, api_key=key, email="ops@example.com")
    seen = (await client.get(API, headers=bob)).json()["items"]
    assert [a["id"] for a in seen] == [shared["id"]]
    view = seen[0]
    assert view["has_api_key"] and view["api_key_hint"] is None and view["email"] is None
    assert not view["can_manage"]
    for method, path, body in [
        ("PATCH", f"{API}/{shared['id']}", {"priority": 9}),
        ("DELETE", f"{API}/{shared['id']}", None),
        ("POST", f"{API}/{shared['id']}/sync", None),
        ("POST", f"{API}/{shared['id']}/credits", {"credit_type": "credits", "amount": 1}),
    ]:
        r = await client.request(method, path, json=body, headers=bob)
        assert r.status_code == 403, (method, path, r.text)
    r = await client.patch(f"{API}/{shared['id']}", json={"priority": 9}, headers=admin)
    assert r.status_code == 200 and r.json()["priority"] == 9
    own = await create(client, bob)
    r = await client.patch(f"{API}/{own['id']}", json={"is_shared": True}, headers=bob)
    assert r.status_code == 403


async def test_bulk_credit_update_is_all_or_nothing(
    client: httpx.AsyncClient, users: Users
) -> None:
    alice = await users.create()
    a = await create(client, alice, provider_id="pixverse")
    b = await create(client, alice, provider_id="pixverse")
    bad = {
        "updates": [
            {"account_id": a["id"], "credits": {"web": 100, "openapi": 50}},
            {"account_id": b["id"], "credits": {"web": 7, "gems": 1}},
        ]
    }
    r = await client.post(f"{API}/credits/bulk-update", json=bad, headers=alice)
    assert r.status_code == 422 and list(r.json()["error"]["fields"]) == ["updates.1.credits.gems"]
    for acc in (a, b):
        assert (await client.get(f"{API}/{acc['id']}", headers=alice)).json()["credits"] == {}

    good = {
        "updates": [
            {"account_id": a["id"], "credits": {"web": 100, "openapi": 50}},
            {"account_id": b["id"], "credits": {"web": 7}},
        ]
    }
    r = await client.post(f"{API}/credits/bulk-update", json=good, headers=alice)
    assert r.status_code == 200, r.text
    assert {x["id"]: x["credits"] for x in r.json()} == {
        a["id"]: {"web": 100.0, "openapi": 50.0},
        b["id"]: {"web": 7.0},
    }
    r = await client.post(
        f"{API}/{b['id']}/credits", json={"credit_type": "web", "amount": 3.5}, headers=alice
    )
    assert r.json()["credits"] == {"web": 3.5}


async def test_sync_reads_credits_plan_concurrency_and_daily_cap(
    client: httpx.AsyncClient, users: Users, runway: FakeServer
) -> None:
    alice = await users.create()
    key = _key()
    runway.state.configure(key, credits={"credits": 420})
    acc = await create(client, alice, api_key=key, base_url=runway.url, max_concurrent_jobs=5)
    r = await client.post(f"{API}/{acc['id']}/sync", headers=alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] and body["credits"] == {"credits": 420.0}
    synced = body["account"]
    assert synced["credits"] == {"credits": 420.0}
    # The tier allows 2 at once: the ceiling, and the user's 5 clamped to it.
    assert synced["max_concurrent_jobs_ceiling"] == 2 and synced["max_concurrent_jobs"] == 2
    assert synced["daily_cap"] == 100 and synced["last_synced_at"] is not None
    assert runway.state.log.all("/v1/organization")[-1].headers["authorization"].endswith(key)

    # `test` reports without changing anything.
    runway.state.configure(key, credits={"credits": 10})
    r = await client.post(f"{API}/{acc['id']}/test", headers=alice)
    assert r.json() == {
        "ok": True,
        "error_class": None,
        "message": None,
        "credits": {"credits": 10.0},
        "max_concurrency": 2,
        "daily_cap": 100,
    }
    assert (await client.get(f"{API}/{acc['id']}", headers=alice)).json()["credits"] == {
        "credits": 420.0
    }

    runway.state.configure(key, revoked=True)
    r = await client.post(f"{API}/{acc['id']}/test", headers=alice)
    assert r.json()["ok"] is False and r.json()["error_class"] == "auth"
    assert (await client.get(f"{API}/{acc['id']}", headers=alice)).json()["status"] == "active"
    r = await client.post(f"{API}/{acc['id']}/sync", headers=alice)
    assert r.json()["ok"] is False and r.json()["error_class"] == "auth"
    assert r.json()["account"]["status"] == "auth_failed"
    assert r.json()["account"]["credits"] == {"credits": 420.0}

    # Fixed at the provider: a sync brings it back.
    runway.state.configure(key, revoked=False)
    r = await client.post(f"{API}/{acc['id']}/sync", headers=alice)
    assert r.json()["ok"] and r.json()["account"]["status"] == "active"
    assert r.json()["account"]["credits"] == {"credits": 10.0}


async def test_sync_of_the_local_builtin_account(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    admin, bob = await users.create(admin=True), await users.create()
    async with app.state.db.session() as session:
        builtin = await service.ensure_builtin(session, app.state.settings)
        again = await service.ensure_builtin(session, app.state.settings)
    assert again.id == builtin.id
    listed = (await client.get(API, headers=bob)).json()["items"]
    assert [(a["provider_id"], a["is_builtin"], a["is_shared"]) for a in listed] == [
        ("local", True, True)
    ]
    assert listed[0]["max_concurrent_jobs"] == 2  # settings.local_max_concurrency
    r = await client.post(f"{API}/{builtin.id}/sync", headers=admin)
    assert r.json()["ok"] and r.json()["account"]["credits"] == {}
    assert (await client.delete(f"{API}/{builtin.id}", headers=admin)).status_code == 409
    assert (await client.delete(f"{API}/{builtin.id}", headers=bob)).status_code == 403


async def test_import_cookies_creates_then_updates_the_account_of_that_identity(
    client: httpx.AsyncClient, users: Users, pixverse: FakeServer
) -> None:
    alice = await users.create()
    token, token2 = f"tok-{uuid.uuid4().hex}", f"tok-{uuid.uuid4().hex}"
    acc_id = 700_000 + uuid.uuid4().int % 100_000
    pixverse.state.configure(token, credits={"web": 230}, limit=3, extra={"acc_id": acc_id})
    raw = {"cookies": f"_ai_token={token}; ai_anonymous_id=anon-1", "bearer_token": None}
    r = await client.post(
        f"{API}/import-cookies", json={"provider_id": "pixverse", "raw_data": raw}, headers=alice
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] and body["ok"]
    acc = body["account"]
    assert acc["provider_user_id"] == str(acc_id) and acc["email"] == f"user{acc_id}@example.com"
    assert acc["has_jwt_token"] and acc["has_cookies"] and acc["credits"] == {"web": 230.0}
    assert acc["max_concurrent_jobs_ceiling"] == 3
    assert token not in r.text

    # A fresh session of the same Pixverse user updates that account.
    pixverse.state.configure(token2, credits={"web": 99}, extra={"acc_id": acc_id})
    r = await client.post(
        f"{API}/import-cookies",
        json={"provider_id": "pixverse", "raw_data": {"cookies": {}, "bearer_token": token2}},
        headers=alice,
    )
    assert r.status_code == 200, r.text
    assert not r.json()["created"] and r.json()["account"]["id"] == acc["id"]
    assert r.json()["account"]["jwt_token_hint"] == "…" + token2[-4:]
    assert r.json()["account"]["credits"] == {"web": 99.0}
    assert len((await client.get(API, headers=alice)).json()["items"]) == 1


async def test_import_cookies_garbage_is_422(client: httpx.AsyncClient, users: Users) -> None:
    alice = await users.create()
    for body, field in [
        ({"provider_id": "pixverse", "raw_data": "garbage"}, "raw_data"),
        ({"provider_id": "pixverse", "raw_data": {"cookies": 12}}, "raw_data.cookies"),
        ({"provider_id": "pixverse", "raw_data": {"cookies": {"a": "b"}}}, "raw_data"),
        ({"provider_id": "pixverse", "raw_data": {"cookies": "no token here"}}, "raw_data"),
        ({"provider_id": "runway", "raw_data": {"cookies": {"a": "b"}}}, "raw_data"),
        ({"provider_id": "nope", "raw_data": {"cookies": {}}}, "provider_id"),
    ]:
        r = await client.post(f"{API}/import-cookies", json=body, headers=alice)
        assert r.status_code == 422, (body, r.text)
        fields = r.json()["error"]["fields"]
        assert any(f == field or f.startswith(field + ".") for f in fields), (body, fields)
    assert (await client.get(API, headers=alice)).json()["items"] == []


async def test_in_flight_and_jobs_today_are_counted_from_jobs_and_block_deletion(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    alice = await users.create()
    acc = await create(client, alice)
    owner = (await client.get("/api/v1/users/me", headers=alice)).json()["id"]
    now = clock.now()
    yesterday = now - dt.timedelta(days=1, hours=1)
    async with app.state.db.session() as session:
        for status, submitted in [
            ("submitting", now),
            ("processing", now),
            ("processing", yesterday),
            ("completed", now),
            ("pending", None),
            ("failed", yesterday),
        ]:
            session.add(
                Job(
                    owner_id=owner,
                    provider_id="runway",
                    operation_type="text_to_video",
                    status=status,
                    account_id=acc["id"],
                    submitted_at=submitted,
                )
            )
        await session.commit()
    got = (await client.get(f"{API}/{acc['id']}", headers=alice)).json()
    assert got["in_flight_jobs"] == 3
    assert got["jobs_today"] == 3  # submitted since midnight UTC; yesterday's drop out
    r = await client.delete(f"{API}/{acc['id']}", headers=alice)
    assert r.status_code == 409 and r.json()["error"]["code"] == "account_busy"


async def test_account_quota_is_enforced(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    from sqlalchemy import update

    from pixsim7.users.models import User

    alice = await users.create()
    me = (await client.get("/api/v1/users/me", headers=alice)).json()
    async with app.state.db.session() as s:
        await s.execute(update(User).where(User.id == me["id"]).values(max_provider_accounts=1))
        await s.commit()
    await create(client, alice)
    r = await client.post(API, json={"provider_id": "runway"}, headers=alice)
    assert r.status_code == 429 and r.json()["error"]["code"] == "quota_accounts"
