from __future__ import annotations

import httpx
from fastapi import FastAPI

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


async def test_admin_creates_users_whether_registration_is_open_or_not(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    app.state.settings.allow_registration = False
    admin = await users.create(admin=True)
    body = {"email": "New@Example.com", "password": PASSWORD, "username": "newbie"}
    r = await client.post("/api/v1/users", headers=admin, json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["email"] == "new@example.com" and created["role"] == "user"
    assert "password" not in r.text and "hash" not in r.text
    login = {"email": "newbie", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/login", json=login)).status_code == 200

    r = await client.post(
        "/api/v1/users",
        headers=admin,
        json={"email": "deputy@example.com", "password": PASSWORD, "role": "admin"},
    )
    assert r.status_code == 201 and r.json()["role"] == "admin"

    r = await client.post("/api/v1/users", headers=admin, json=body)
    assert r.status_code == 409 and {"email", "username"} <= set(r.json()["error"]["fields"])
    r = await client.post(
        "/api/v1/users", headers=admin, json={"email": "x", "password": "short", "role": "boss"}
    )
    assert r.status_code == 422
    assert {"email", "password", "role"} <= set(r.json()["error"]["fields"])


async def test_admin_resets_a_password_and_the_users_sessions_end(
    client: httpx.AsyncClient, users: Users
) -> None:
    admin = await users.create(admin=True)
    email = "forgetful@example.com"
    theirs = await users.create(email)
    me = (await client.get("/api/v1/users/me", headers=theirs)).json()

    new = "a fresh password"
    r = await client.post(
        f"/api/v1/users/{me['id']}/password", headers=admin, json={"new_password": new}
    )
    assert r.status_code == 204
    assert (await client.get("/api/v1/users/me", headers=theirs)).status_code == 401
    old = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": new})
    assert r.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=admin)).status_code == 200

    # An admin resetting their own password keeps the session they do it from.
    admin_id = (await client.get("/api/v1/users/me", headers=admin)).json()["id"]
    r = await client.post(
        f"/api/v1/users/{admin_id}/password", headers=admin, json={"new_password": new}
    )
    assert r.status_code == 204
    assert (await client.get("/api/v1/users/me", headers=admin)).status_code == 200

    r = await client.post(
        f"/api/v1/users/{me['id']}/password", headers=admin, json={"new_password": "short"}
    )
    assert r.status_code == 422 and "new_password" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/users/999999/password", headers=admin, json={"new_password": new}
    )
    assert r.status_code == 404


async def test_only_admins_create_users_or_reset_passwords(
    client: httpx.AsyncClient, users: Users
) -> None:
    plain = await users.create()
    other = await users.create()
    other_id = (await client.get("/api/v1/users/me", headers=other)).json()["id"]
    body = {"email": "sneaky@example.com", "password": PASSWORD, "role": "admin"}
    assert (await client.post("/api/v1/users", headers=plain, json=body)).status_code == 403
    r = await client.post(
        f"/api/v1/users/{other_id}/password", headers=plain, json={"new_password": "taken over"}
    )
    assert r.status_code == 403
    assert (await client.post("/api/v1/users", json=body)).status_code == 401
    assert (await client.get("/api/v1/users/me", headers=other)).status_code == 200
