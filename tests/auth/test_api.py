from __future__ import annotations

import datetime as dt

import httpx
import jwt
from fastapi import FastAPI

from pixsim7 import clock
from tests.conftest import PASSWORD, Users


async def _register(client: httpx.AsyncClient, email: str, **extra: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, **extra}
    )


async def test_register_then_login_returns_bearer_token(client: httpx.AsyncClient) -> None:
    r = await _register(client, "Alice@Example.com", username="alice")
    assert r.status_code == 201
    user = r.json()
    assert user["email"] == "alice@example.com" and user["role"] == "user"
    assert "password" not in r.text and "hash" not in r.text

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


async def test_registration_can_be_switched_off(client: httpx.AsyncClient, app: FastAPI) -> None:
    app.state.settings.allow_registration = False
    r = await _register(client, "late@example.com")
    assert r.status_code == 403 and r.json()["error"]["code"] == "registration_disabled"


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


async def test_login_is_rate_limited_per_email_and_per_client(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    limit = app.state.settings.login_max_attempts
    await _register(client, "target@example.com")
    for _ in range(limit):
        r = await client.post(
            "/api/v1/auth/login", json={"email": "target@example.com", "password": "wrong guess"}
        )
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/login", json={"email": "target@example.com", "password": PASSWORD}
    )
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    # The same client is now also blocked for other emails (per-client limit).
    r = await client.post(
        "/api/v1/auth/login", json={"email": "someone@example.com", "password": "x"}
    )
    assert r.status_code == 429


async def test_login_limit_per_email_holds_across_clients(app: FastAPI, users: Users) -> None:
    """Failed attempts spread over several addresses still lock the email.

    The client key is request.client.host (X-Forwarded-For is not trusted), so each
    client gets its own ASGI transport with its own peer address.
    """
    limit = app.state.settings.login_max_attempts
    await users.create("spread@example.com")
    await users.create("bystander@example.com")

    def at(host: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(host, 123))
        return httpx.AsyncClient(transport=transport, base_url="http://test")

    async with at("10.0.0.1") as one, at("10.0.0.2") as two, at("10.0.0.3") as three:
        for i in range(limit):
            r = await (one, two)[i % 2].post(
                "/api/v1/auth/login", json={"email": "spread@example.com", "password": "nope"}
            )
            assert r.status_code == 401
        # Neither address reached the per-client limit on its own (about limit/2 each)...
        assert limit >= 2
        # ...yet the email is locked, even for the right password from a fresh address.
        r = await three.post(
            "/api/v1/auth/login", json={"email": "Spread@Example.com", "password": PASSWORD}
        )
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) >= 1
        # The lock is on the email, not on these clients: another user still signs in.
        for c in (one, two, three):
            r = await c.post(
                "/api/v1/auth/login", json={"email": "bystander@example.com", "password": PASSWORD}
            )
            assert r.status_code == 200, r.text


async def test_cookie_auth_only_for_reads(client: httpx.AsyncClient) -> None:
    await _register(client, "cookie@example.com")
    r = await client.post(
        "/api/v1/auth/login", json={"email": "cookie@example.com", "password": PASSWORD}
    )
    assert "pixsim7_token" in r.cookies
    assert (await client.get("/api/v1/users/me")).status_code == 200  # cookie on a GET
    r = await client.patch("/api/v1/users/me", json={"display_name": "x"})  # not on a write
    assert r.status_code == 401
