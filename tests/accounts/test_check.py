"""Every path that adds credentials asks the provider at once: create, new credentials,
import. The answer says what the provider said; a failed check leaves the account kept,
with its status and the provider's message, never shown as active."""

from __future__ import annotations

import uuid

import httpx

from pixsim7.providers.fakekit import FakeServer
from tests.accounts.conftest import API
from tests.conftest import Users


def _key(prefix: str = "pk") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _calls(server: FakeServer, path: str, header: str, key: str) -> int:
    return sum(r.headers.get(header) == key for r in server.state.log.all(path))


async def test_an_added_pixverse_key_is_checked_and_its_balance_read_at_once(
    client: httpx.AsyncClient, users: Users, pixverse: FakeServer
) -> None:
    alice = await users.create()
    key = _key()
    pixverse.state.configure(key, credits={"openapi": 640})
    r = await client.post(API, json={"provider_id": "pixverse", "api_key": key}, headers=alice)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["check"] == {
        "ok": True,
        "error_class": None,
        "message": None,
        "credits": {"openapi": 640.0},
        "max_concurrency": None,
        "daily_cap": None,
    }
    assert body["status"] == "active" and body["status_message"] is None
    assert body["credits"] == {"openapi": 640.0} and body["credit_pool"] == "openapi"
    assert body["last_synced_at"] is not None
    assert _calls(pixverse, "/openapi/v2/account/balance", "api-key", key) == 1
    assert key not in r.text


async def test_the_plans_concurrency_is_the_limit_unless_the_user_set_one(
    client: httpx.AsyncClient, users: Users, pixverse: FakeServer
) -> None:
    """Pixverse's `gen_simultaneously` (4 here) is the limit in force, not the default of 2;
    a limit the user set is kept (below the plan), and dropping it follows the plan again."""
    alice = await users.create()
    plan, mine = _key("tok"), _key("tok")
    for token in (plan, mine):
        pixverse.state.configure(token, limit=4)
    r = await client.post(API, json={"provider_id": "pixverse", "jwt_token": plan}, headers=alice)
    body = r.json()
    following = body["id"]
    assert body["check"]["max_concurrency"] == 4
    assert (body["max_concurrent_jobs"], body["max_concurrent_jobs_ceiling"]) == (4, 4)
    assert body["max_concurrent_jobs_setting"] is None

    r = await client.post(
        API,
        json={"provider_id": "pixverse", "jwt_token": mine, "max_concurrent_jobs": 1},
        headers=alice,
    )
    body = r.json()
    assert (body["max_concurrent_jobs"], body["max_concurrent_jobs_setting"]) == (1, 1)
    synced = (await client.post(f"{API}/{body['id']}/sync", headers=alice)).json()["account"]
    assert synced["max_concurrent_jobs"] == 1  # the user's, kept through a sync

    # Above the plan, the plan wins (the provider would refuse the rest), checked at once.
    r = await client.patch(f"{API}/{body['id']}", json={"max_concurrent_jobs": 9}, headers=alice)
    body = r.json()
    assert body["check"]["ok"] and body["max_concurrent_jobs_setting"] == 9
    assert (body["max_concurrent_jobs"], body["max_concurrent_jobs_ceiling"]) == (4, 4)
    # No setting: the plan's again, read at once.
    r = await client.patch(f"{API}/{body['id']}", json={"max_concurrent_jobs": None}, headers=alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["max_concurrent_jobs_setting"] is None and body["max_concurrent_jobs"] == 4

    # The plan grows: the limit follows it.
    pixverse.state.configure(plan, limit=6)
    synced = (await client.post(f"{API}/{following}/sync", headers=alice)).json()["account"]
    assert (synced["max_concurrent_jobs"], synced["max_concurrent_jobs_ceiling"]) == (6, 6)


async def test_rejected_credentials_are_kept_with_the_status_and_the_providers_message(
    client: httpx.AsyncClient, users: Users, pixverse: FakeServer
) -> None:
    alice = await users.create()
    key = _key()
    pixverse.state.configure(key, revoked=True)
    r = await client.post(API, json={"provider_id": "pixverse", "api_key": key}, headers=alice)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["check"]["ok"] is False and body["check"]["error_class"] == "auth"
    assert body["status"] == "auth_failed"
    assert body["status_message"] == body["check"]["message"] and body["status_message"]
    assert body["credits"] == {} and body["last_synced_at"] is None

    # New credentials are checked too: a good key brings it back with its balance.
    good = _key()
    pixverse.state.configure(good, credits={"openapi": 77})
    r = await client.patch(f"{API}/{body['id']}", json={"api_key": good}, headers=alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["check"]["ok"] and body["status"] == "active"
    assert body["credits"] == {"openapi": 77.0} and body["status_message"] is None
    # A change that touches no credential asks nothing.
    before = _calls(pixverse, "/openapi/v2/account/balance", "api-key", good)
    r = await client.patch(f"{API}/{body['id']}", json={"nickname": "main"}, headers=alice)
    assert r.json()["check"] is None
    assert _calls(pixverse, "/openapi/v2/account/balance", "api-key", good) == before


async def test_an_unreachable_provider_leaves_the_account_cooling_down_not_active(
    client: httpx.AsyncClient, users: Users
) -> None:
    """Nothing listens on the discard port: the account is kept, cooling down with the
    error, and is checked again later (its balance unknown, not zero)."""
    alice = await users.create()
    r = await client.post(
        API,
        json={"provider_id": "runway", "api_key": _key(), "base_url": "http://127.0.0.1:9"},
        headers=alice,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["check"]["ok"] is False and body["check"]["error_class"] == "transient"
    assert body["status"] == "cooling_down" and body["cooldown_until"] is not None
    assert body["status_message"] and body["credits"] == {}


async def test_an_account_without_credentials_says_so(
    client: httpx.AsyncClient, users: Users
) -> None:
    alice = await users.create()
    r = await client.post(API, json={"provider_id": "pixverse"}, headers=alice)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["check"]["ok"] is False and body["status"] == "auth_failed"
    assert body["status_message"]


async def test_an_import_whose_balance_cannot_be_read_is_not_shown_active(
    client: httpx.AsyncClient, users: Users, pixverse: FakeServer
) -> None:
    alice = await users.create()
    token = _key("tok")
    acc_id = 800_000 + uuid.uuid4().int % 100_000
    # 500069: "system is under high load", a transient error in the envelope.
    pixverse.state.configure(
        token, extra={"acc_id": acc_id}, errors=[{"code": "500069", "on": "balance"}]
    )
    r = await client.post(
        f"{API}/import-cookies",
        json={"provider_id": "pixverse", "raw_data": {"cookies": {"_ai_token": token}}},
        headers=alice,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] and body["ok"] is False and body["error_class"] == "transient"
    assert body["account"]["status"] == "cooling_down" and body["account"]["status_message"]


async def test_a_provider_without_a_balance_is_checked_and_has_no_credits(
    client: httpx.AsyncClient, users: Users
) -> None:
    """Sora shows no balance: the key is checked, and no pool is invented (a budget is
    the user's to set)."""
    alice = await users.create()
    r = await client.post(API, json={"provider_id": "sora", "api_key": _key("sk")}, headers=alice)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["check"]["ok"] and body["status"] == "active" and body["credits"] == {}
