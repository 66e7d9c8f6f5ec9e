"""The login throttle through the API: no one can lock another out, behind a proxy or not.

Each client is its own ASGI transport with its own peer address. On PostgreSQL the test
app counts in Redis, on SQLite in memory: both limiters are exercised.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.config import Settings
from tests.conftest import PASSWORD, Users

PROXY = "10.9.0.1"
CLIENT_BOUND = 12


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.trusted_proxies = [ipaddress.ip_network(PROXY)]
    settings.login_client_max_failures = CLIENT_BOUND  # fewer argon2 checks than 100
    return settings


@pytest.fixture(autouse=True)
def _frozen_clock() -> None:
    # The waits checked here are whole seconds: on a loaded machine a second of real time
    # passes between two requests and the wait would already be over.
    clock.freeze()


def at(app: FastAPI, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 123))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def login(
    c: httpx.AsyncClient, email: str, password: str = PASSWORD, via: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": via} if via else {}
    return await c.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )


async def hammer(c: httpx.AsyncClient, email: str, times: int, via: str | None = None) -> None:
    for _ in range(times):
        r = await login(c, email, "wrong guess", via)
        assert r.status_code == 401, r.text


def retry_after(r: httpx.Response) -> int:
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    return int(r.headers["Retry-After"])


async def sessions_ips(client: httpx.AsyncClient, token: str) -> list[Any]:
    r = await client.get("/api/v1/auth/sessions", headers={"Authorization": f"Bearer {token}"})
    return [s["ip_address"] for s in r.json()["items"]]


async def test_the_owner_signs_in_while_an_attacker_hammers_their_email(
    app: FastAPI, users: Users
) -> None:
    free = app.state.settings.login_free_attempts
    await users.create("owner@example.com", password=PASSWORD)
    await users.create("bystander@example.com")
    async with at(app, "203.0.113.66") as attacker, at(app, "198.51.100.7") as owner:
        await hammer(attacker, "owner@example.com", free)
        # The attacker now waits, longer after each further failure.
        assert retry_after(await login(attacker, "owner@example.com", "again")) == 1
        clock.advance(dt.timedelta(seconds=1))
        await hammer(attacker, "owner@example.com", 1)
        assert retry_after(await login(attacker, "Owner@Example.com", "again")) == 2
        # Even the right password waits on the attacker's client: that client failed.
        assert retry_after(await login(attacker, "owner@example.com")) == 2

        # The owner, on a client that has not failed, is not refused; nor is anyone else
        # on the attacker's client.
        r = await login(owner, "owner@example.com")
        assert r.status_code == 200, r.text
        assert (await login(attacker, "bystander@example.com")).status_code == 200

        # The owner's own mistakes count for the owner's client only.
        await hammer(owner, "owner@example.com", free)
        assert retry_after(await login(owner, "owner@example.com")) == 1
        clock.advance(dt.timedelta(seconds=1))
        assert (await login(owner, "owner@example.com")).status_code == 200
        # A success cleared that client's count: its free attempts are back.
        await hammer(owner, "owner@example.com", free)


async def test_many_users_behind_one_proxy(app: FastAPI, users: Users) -> None:
    free = app.state.settings.login_free_attempts
    emails = [f"office-{i}@example.com" for i in range(3)]
    for email in emails:
        await users.create(email)

    # A proxy that is not trusted: every user shares its address, yet hammering one
    # email holds back only that email on it, never the others.
    async with at(app, "192.0.2.10") as shared:
        await hammer(shared, emails[0], free)
        assert retry_after(await login(shared, emails[0])) >= 1
        for email in emails[1:]:
            assert (await login(shared, email)).status_code == 200

    # A trusted proxy: each user is known by the address it forwards. One client
    # spraying guesses over many accounts reaches its own bound; the others sign in.
    async with at(app, PROXY) as proxy:
        for i in range(CLIENT_BOUND):
            r = await login(proxy, f"guess-{i}@example.com", "wrong guess", via="203.0.113.66")
            assert r.status_code == 401
        assert retry_after(await login(proxy, emails[1], via="203.0.113.66")) >= 1
        for i, email in enumerate(emails):
            r = await login(proxy, email, via=f"198.51.100.{i + 1}")
            assert r.status_code == 200, r.text
        # The session remembers the user's address, not the proxy's.
        assert "198.51.100.3" in await sessions_ips(proxy, r.json()["access_token"])


async def test_a_forwarded_for_header_from_an_untrusted_client_is_ignored(
    app: FastAPI, users: Users
) -> None:
    free = app.state.settings.login_free_attempts
    await users.create("target@example.com")
    await users.create("spoofer@example.com")
    async with at(app, "203.0.113.66") as spoofer:
        # A new forwarded address on each try does not make a new client.
        for i in range(free):
            r = await login(spoofer, "target@example.com", "wrong guess", via=f"198.51.100.{i}")
            assert r.status_code == 401
        assert retry_after(await login(spoofer, "target@example.com", via="198.51.100.99")) >= 1
        r = await login(spoofer, "spoofer@example.com", via="198.51.100.99")
        assert r.status_code == 200
        ips = await sessions_ips(spoofer, r.json()["access_token"])
        assert "203.0.113.66" in ips and "198.51.100.99" not in ips

    # Through the trusted proxy, what the client itself wrote at the left is ignored too:
    # the client is the rightmost address that is not a trusted proxy.
    async with at(app, PROXY) as proxy:
        chain = "198.51.100.50, 203.0.113.66"
        assert retry_after(await login(proxy, "target@example.com", via=chain)) >= 1
        r = await login(proxy, "target@example.com", via="198.51.100.50, 198.51.100.51")
        assert r.status_code == 200
        ips = await sessions_ips(proxy, r.json()["access_token"])
        assert "198.51.100.51" in ips and "198.51.100.50" not in ips
