from __future__ import annotations

import datetime as dt

import httpx
import jwt
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.config import Settings
from tests.conftest import PASSWORD, Users


async def _register(client: httpx.AsyncClient, email: str, **extra: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, **extra}
    )


async def test_register_signs_in_then_login_returns_bearer_token(
    client: httpx.AsyncClient,
) -> None:
    r = await _register(client, "Alice@Example.com", username="alice")
    assert r.status_code == 201
    registered = r.json()
    user = registered["user"]
    assert user["email"] == "alice@example.com" and user["role"] == "user"
    assert "password" not in r.text and "hash" not in r.text
    # Registering signed the new user in: a token, and the cookie for media and events.
    assert "pixsim7_token" in r.cookies
    mine = {"Authorization": f"Bearer {registered['access_token']}"}
    assert (await client.get("/api/v1/users/me", headers=mine)).json()["id"] == user["id"]
    client.cookies.clear()

    r = await client.post("/api/v1/auth/login", json={"email": "alice", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["user"]["id"] == user["id"]
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["username"] == "alice"


async def test_wrong_password_and_unknown_user_look_the_same(client: httpx.AsyncClient) -> None:
    await _register(client, "bob@example.com")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": "not it at all"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


async def test_duplicate_email_or_username_is_409(client: httpx.AsyncClient) -> None:
    assert (await _register(client, "c@example.com", username="carol")).status_code == 201
    r = await _register(client, "C@example.com")
    assert r.status_code == 409 and "email" in r.json()["error"]["fields"]
    r = await _register(client, "other@example.com", username="carol")
    assert r.status_code == 409 and "username" in r.json()["error"]["fields"]


async def test_bad_register_bodies_are_422_naming_fields(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/register",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    r = await client.post("/api/v1/auth/register", json={"email": "x@example.com"})
    assert r.status_code == 422 and "password" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": "p" * 300}
    )
    fields = r.json()["error"]["fields"]
    assert r.status_code == 422 and {"email", "password"} <= set(fields)
    r = await _register(client, "y@example.com", username="bad name!")
    assert r.status_code == 422 and "username" in r.json()["error"]["fields"]


async def test_registration_is_closed_by_default(client: httpx.AsyncClient, app: FastAPI) -> None:
    assert Settings(_env_file=None).allow_registration is False  # type: ignore[call-arg]
    r = await client.get("/api/v1/auth/registration")
    assert r.status_code == 200 and r.json() == {"open": True}  # the test app opens it

    app.state.settings.allow_registration = False
    assert (await client.get("/api/v1/auth/registration")).json() == {"open": False}
    r = await _register(client, "late@example.com")
    assert r.status_code == 403 and r.json()["error"]["code"] == "registration_disabled"
    r = await client.post(
        "/api/v1/auth/login", json={"email": "late@example.com", "password": PASSWORD}
    )
    assert r.status_code == 401  # nothing was created


async def test_logout_revokes_the_token(client: httpx.AsyncClient, users: Users) -> None:
    headers = await users.create()
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    r = await client.get("/api/v1/users/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


async def test_expired_and_forged_tokens_are_401(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    headers = await users.create()
    token = headers["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, "a-wrong-key-that-is-long-enough-for-hs256-signing")
    r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    r = await client.get("/api/v1/users/me", headers={"Authorization": "Bearer garbage"})
    assert r.status_code == 401
    assert (await client.get("/api/v1/users/me")).status_code == 401

    minutes = app.state.settings.access_token_minutes
    clock.advance(dt.timedelta(minutes=minutes + 1))
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401


async def test_sessions_list_and_revoke_one(client: httpx.AsyncClient, users: Users) -> None:
    email = "multi@example.com"
    first = await users.create(email)
    r = await client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"User-Agent": "second-device"},
    )
    second = {"Authorization": f"Bearer {r.json()['access_token']}"}
    page = (await client.get("/api/v1/auth/sessions", headers=first)).json()
    assert page["next_cursor"] is None
    sessions = page["items"]
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if s["user_agent"] == "second-device")
    assert (
        await client.delete(f"/api/v1/auth/sessions/{other['id']}", headers=first)
    ).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=second)).status_code == 401
    assert (await client.get("/api/v1/users/me", headers=first)).status_code == 200


async def test_sessions_are_paginated_with_a_cursor(
    client: httpx.AsyncClient, users: Users
) -> None:
    email = "pages@example.com"
    headers = await users.create(email)
    for _ in range(4):
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        r = await client.get("/api/v1/auth/sessions", headers=headers, params=params)
        assert r.status_code == 200
        body = r.json()
        assert len(body["items"]) <= 2
        seen += [s["id"] for s in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 5 and len(set(seen)) == 5
    created = [
        s["created_at"]
        for s in (await client.get("/api/v1/auth/sessions", headers=headers)).json()["items"]
    ]
    assert created == sorted(created, reverse=True)
    r = await client.get("/api/v1/auth/sessions", headers=headers, params={"cursor": "garbage"})
    assert r.status_code == 422 and "cursor" in r.json()["error"]["fields"]


async def test_cannot_revoke_another_users_session(client: httpx.AsyncClient, users: Users) -> None:
    mine = await users.create()
    theirs = await users.create()
    listed = (await client.get("/api/v1/auth/sessions", headers=theirs)).json()
    their_session = listed["items"][0]["id"]
    r = await client.delete(f"/api/v1/auth/sessions/{their_session}", headers=mine)
    assert r.status_code == 404
    assert (await client.get("/api/v1/users/me", headers=theirs)).status_code == 200


async def test_cookie_auth_only_for_reads(client: httpx.AsyncClient) -> None:
    await _register(client, "cookie@example.com")
    r = await client.post(
        "/api/v1/auth/login", json={"email": "cookie@example.com", "password": PASSWORD}
    )
    assert "pixsim7_token" in r.cookies
    assert (await client.get("/api/v1/users/me")).status_code == 200  # cookie on a GET
    r = await client.patch("/api/v1/users/me", json={"display_name": "x"})  # not on a write
    assert r.status_code == 401
