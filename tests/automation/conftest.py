"""A fake ADB server with a phone running the (fake) Pixverse app, the fake Pixverse API
that the app's rewards show up at, and a hand on the worker's execution step."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.automation import runner
from pixsim7.automation.fake_adb import FakeAdbServer
from pixsim7.automation.fake_app import FakeAccount, FakePhone, pixverse_phone
from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse.fake import create_app as pixverse_app

API = "/api/v1/automation"
APP_PASSWORD = "app pass 42"
EMAIL = "ann@example.com"
TOKEN = "tok-ann"


@pytest.fixture(scope="session")
def pixverse() -> Iterator[FakeServer]:
    with FakeServer(pixverse_app(job_seconds=0.0)) as srv:
        yield srv


@dataclass
class Phones:
    server: FakeAdbServer
    phone: FakePhone
    accounts: dict[str, FakeAccount]


@pytest.fixture
async def phones(pixverse: FakeServer) -> AsyncIterator[Phones]:
    accounts = {EMAIL: FakeAccount(APP_PASSWORD, credits=100)}

    def claimed(email: str, balance: int) -> None:
        # The app's reward shows at the provider's API (where credits are synced from).
        account = pixverse.state.account(TOKEN)
        assert account is not None
        account.credits["web"] = float(balance)

    phone = pixverse_phone("emulator-5554", accounts, on_claim=claimed)
    async with FakeAdbServer([phone]) as server:
        yield Phones(server, phone, accounts)


@pytest.fixture
def settings(settings: Settings, pixverse: FakeServer, phones: Phones) -> Settings:
    settings.pixverse_base_url = pixverse.url
    settings.adb_address = phones.server.address
    return settings


def context(app: FastAPI, worker_id: str = "test-worker") -> runner.Context:
    state = app.state
    return runner.Context(worker_id, state.db, state.bus, state.registry, state.settings)


async def work(app: FastAPI) -> int | None:
    """One worker step: claim an execution and run it to its end; its id, or None."""
    ctx = context(app)
    claimed = await runner.claim(ctx)
    if claimed is None:
        return None
    await runner.run(ctx, claimed)
    return claimed.execution_id


async def pixverse_account(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/accounts",
        json={
            "provider_id": "pixverse",
            "email": EMAIL,
            "password": APP_PASSWORD,
            "jwt_token": TOKEN,
            **body,
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def preset(client: httpx.AsyncClient, headers: dict[str, str], category: str) -> int:
    """The id of the built-in Pixverse preset of that category."""
    r = await client.get(f"{API}/presets", headers=headers)
    assert r.status_code == 200, r.text
    found = [p for p in r.json()["items"] if p["is_builtin"] and p["category"] == category]
    return int(found[0]["id"])


async def share_local_devices(client: httpx.AsyncClient, admin: dict[str, str]) -> list[int]:
    """The admin scans the server's ADB server and shares what it finds."""
    r = await client.post(f"{API}/devices/scan", headers=admin)
    assert r.status_code == 200, r.text
    ids = [d["id"] for d in r.json()]
    for device_id in ids:
        r = await client.patch(
            f"{API}/devices/{device_id}", json={"is_shared": True}, headers=admin
        )
        assert r.status_code == 200, r.text
    return ids
