from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, Users


async def test_me_shows_quotas_and_usage(client: httpx.AsyncClient, users: Users) -> None:
    headers = await users.create()
    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    assert me["max_jobs_per_day"] > 0 and me["max_storage_bytes"] > 0
    assert me["usage"]["jobs_created"] == 0
    assert "password_hash" not in me


async def test_update_display_name_and_preferences(client: httpx.AsyncClient, users: Users) -> None:
    headers = await users.create()
    r = await client.patch(
        "/api/v1/users/me",
        headers=headers,
        json={"display_name": "Dee", "preferences": {"theme": "dark"}},
    )
    assert r.status_code == 200
    assert r.json()["display_name"] == "Dee" and r.json()["preferences"] == {"theme": "dark"}
    r = await client.patch("/api/v1/users/me", headers=headers, json={"role": "admin"})
    assert r.status_code == 422  # not a field users may set on themselves
    r = await client.patch(
        "/api/v1/users/me", headers=headers, json={"preferences": {"x": "y" * 70_000}}
    )
    assert r.status_code == 422 and "preferences" in r.json()["error"]["fields"]


async def test_password_change_needs_current_and_revokes_other_sessions(
    client: httpx.AsyncClient, users: Users
) -> None:
    email = "pw@example.com"
    first = await users.create(email)
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    second = {"Authorization": f"Bearer {login.json()['access_token']}"}

    r = await client.patch(
        "/api/v1/users/me",
        headers=first,
        json={"current_password": "wrong password", "new_password": "a brand new secret"},
    )
    assert r.status_code == 422 and "current_password" in r.json()["error"]["fields"]

    r = await client.patch(
        "/api/v1/users/me",
        headers=first,
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
    )
    assert r.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=first)).status_code == 200
    assert (await client.get("/api/v1/users/me", headers=second)).status_code == 401
    old = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    new = {"email": email, "password": "a brand new secret"}
    assert (await client.post("/api/v1/auth/login", json=new)).status_code == 200


async def test_admin_lists_and_updates_users(client: httpx.AsyncClient, users: Users) -> None:
    admin = await users.create(admin=True)
    plain = await users.create()
    me = (await client.get("/api/v1/users/me", headers=plain)).json()

    page = (await client.get("/api/v1/users?limit=1", headers=admin)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await client.get(f"/api/v1/users?limit=10&cursor={page['next_cursor']}", headers=admin)
    ids = {u["id"] for u in page["items"]} | {u["id"] for u in rest.json()["items"]}
    assert me["id"] in ids and len(ids) == 2

    r = await client.patch(
        f"/api/v1/users/{me['id']}", headers=admin, json={"max_jobs_per_day": 3, "role": "admin"}
    )
    assert r.status_code == 200 and r.json()["max_jobs_per_day"] == 3
    assert r.json()["role"] == "admin"

    r = await client.patch(f"/api/v1/users/{me['id']}", headers=admin, json={"is_active": False})
    assert r.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=plain)).status_code == 401


async def test_non_admin_gets_403_on_admin_endpoints(
    client: httpx.AsyncClient, users: Users
) -> None:
    plain = await users.create()
    assert (await client.get("/api/v1/users", headers=plain)).status_code == 403
    r = await client.patch("/api/v1/users/1", headers=plain, json={"role": "admin"})
    assert r.status_code == 403


async def test_last_admin_cannot_be_demoted(client: httpx.AsyncClient, users: Users) -> None:
    admin = await users.create(admin=True)
    me = (await client.get("/api/v1/users/me", headers=admin)).json()
    r = await client.patch(f"/api/v1/users/{me['id']}", headers=admin, json={"role": "user"})
    assert r.status_code == 409


async def test_admin_update_validates_quota_values(client: httpx.AsyncClient, users: Users) -> None:
    admin = await users.create(admin=True)
    r = await client.patch("/api/v1/users/1", headers=admin, json={"max_jobs_per_day": -5})
    assert r.status_code == 422 and "max_jobs_per_day" in r.json()["error"]["fields"]
    r = await client.patch("/api/v1/users/999999", headers=admin, json={"max_jobs_per_day": 5})
    assert r.status_code == 404
