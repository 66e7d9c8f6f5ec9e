"""A device agent over its real connection: paired with the web app's code, heart-beating
the devices of its ADB server (the fake one) to a live server, carrying out the ADB
commands of an execution, revoked, and marked offline when it falls silent."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.app import create_app
from pixsim7.automation import agent, agents
from pixsim7.config import Settings
from tests.automation.conftest import API, EMAIL, Phones, pixverse_account, preset, work
from tests.conftest import Users


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.adb_address = ""  # the phones are behind the agent only
    return settings


@pytest.fixture
def live(settings: Settings) -> Iterator[str]:
    """The API in a uvicorn server on a thread (the agent is a separate client)."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=30)


async def _devices(client: httpx.AsyncClient, headers: dict[str, str], count: int) -> list[dict]:
    for _ in range(200):
        r = await client.get(f"{API}/devices", headers=headers)
        if len(r.json()) >= count and all(d["status"] != "offline" for d in r.json()):
            return list(r.json())
        await asyncio.sleep(0.05)
    raise AssertionError(f"devices never showed: {r.text}")


async def test_an_agent_pairs_reports_runs_commands_and_is_revoked(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones, live: str
) -> None:
    ann = await users.create()
    bob = await users.create()
    r = await client.post(f"{API}/agents", json={"name": "desk"}, headers=ann)
    assert r.status_code == 201, r.text
    pairing = r.json()
    assert pairing["agent"]["status"] == "pairing"
    assert pairing["command"].endswith(f"--pair {pairing['pairing_code']}")

    device_agent = agent.DeviceAgentClient(
        server=live, adb_address=phones.server.address, heartbeat_s=0.1, wait_s=1.0
    )
    token = await device_agent.pair(pairing["pairing_code"])
    assert token.startswith(agents.TOKEN_PREFIX)
    with pytest.raises(agent.Revoked):  # a code is good once
        await agent.DeviceAgentClient(server=live, adb_address="").pair(pairing["pairing_code"])
    running = asyncio.create_task(device_agent.run())

    (device,) = await _devices(client, ann, 1)
    assert device["serial"] == "emulator-5554" and device["agent_id"] == pairing["agent"]["id"]
    assert device["model"] == "Pixel_7" and device["android_version"] == "14"
    assert (await client.get(f"{API}/devices", headers=bob)).json() == []
    assert (await client.get(f"{API}/devices/{device['id']}", headers=bob)).status_code == 404
    r = await client.get(f"{API}/agents/{pairing['agent']['id']}", headers=ann)
    assert r.json()["status"] == "online" and r.json()["devices"] == 1

    account = await pixverse_account(client, ann)
    r = await client.post(
        f"{API}/executions",
        json={
            "preset_id": await preset(client, ann, "login"),
            "account_id": account["id"],
            "device_id": device["id"],
        },
        headers=ann,
    )
    assert r.status_code == 201, r.text
    execution_id = await work(app)
    body = (await client.get(f"{API}/executions/{execution_id}", headers=ann)).json()
    assert body["status"] == "completed", body
    assert phones.phone.app is not None and phones.phone.app.signed_in == EMAIL
    assert body["screenshots"]  # screencap went through the agent too

    r = await client.post(f"{API}/agents/{pairing['agent']['id']}/revoke", headers=bob)
    assert r.status_code == 404
    r = await client.post(f"{API}/agents/{pairing['agent']['id']}/revoke", headers=ann)
    assert r.json()["status"] == "revoked"
    with pytest.raises(agent.Revoked):
        await asyncio.wait_for(running, 30)
    devices = (await client.get(f"{API}/devices", headers=ann)).json()
    assert devices[0]["status"] == "offline"


async def test_a_silent_agent_goes_offline_with_its_devices(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones, live: str
) -> None:
    ann = await users.create()
    pairing = (await client.post(f"{API}/agents", json={"name": "x"}, headers=ann)).json()
    device_agent = agent.DeviceAgentClient(server=live, adb_address=phones.server.address)
    await device_agent.pair(pairing["pairing_code"])
    async with device_agent._client() as http:
        await device_agent.heartbeat(http)
    await _devices(client, ann, 1)
    async with app.state.db.session() as session:
        assert await agents.mark_silent(session, app.state.settings) == []
    clock.advance(dt.timedelta(seconds=app.state.settings.agent_offline_after_s * 2))
    async with app.state.db.session() as session:
        assert await agents.mark_silent(session, app.state.settings) == [pairing["agent"]["id"]]
    r = await client.get(f"{API}/agents/{pairing['agent']['id']}", headers=ann)
    assert r.json()["status"] == "offline"
    assert (await client.get(f"{API}/devices", headers=ann)).json()[0]["status"] == "offline"


async def test_agent_routes_take_only_agent_tokens(
    client: httpx.AsyncClient, users: Users, phones: Phones
) -> None:
    ann = await users.create()
    for path in ("/heartbeat", "/commands/next?wait_s=0"):
        r = await client.post(f"{API}/agent{path}", json={}, headers=ann)  # a user's JWT
        assert r.status_code == 401, (path, r.text)
        r = await client.post(f"{API}/agent{path}", json={})
        assert r.status_code == 401
    r = await client.post(f"{API}/agent/pair", json={}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
