"""The automation API's contract: every route needs a signed-in user (401), another user's
preset, device, execution or agent is 404, presets are validated, built-in ones are
read-only, the action schema is served, devices are shared only by an admin."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from tests.automation.conftest import API, Phones, preset, share_local_devices, work
from tests.conftest import Users

QUICK = {"name": "quick", "actions": [{"type": "key", "key": "home"}]}


async def test_every_route_needs_a_user(client: httpx.AsyncClient, app: FastAPI) -> None:
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path.startswith(f"{API}/") or path.startswith(f"{API}/agent/"):
            continue
        for method in getattr(route, "methods", ()):
            r = await client.request(method, re.sub(r"\{[^}]+\}", "1", path))
            assert r.status_code == 401, (method, path, r.status_code)


async def test_the_action_schema_is_served(client: httpx.AsyncClient, users: Users) -> None:
    ann = await users.create()
    body = (await client.get(f"{API}/action-schema", headers=ann)).json()
    assert "tap" in body["action"]["discriminator"]["mapping"]
    assert body["account_variables"] == ["email", "password", "nickname"]
    assert body["secret_variables"] == ["password"] and "back" in body["keys"]


async def test_presets_are_validated_and_private(
    client: httpx.AsyncClient, users: Users, phones: Phones
) -> None:
    ann, bob = await users.create(), await users.create()
    r = await client.post(f"{API}/presets", json=QUICK, headers=ann)
    assert r.status_code == 201 and r.json()["can_edit"] is True
    mine = r.json()["id"]
    bad_bodies = [
        {**QUICK, "actions": []},
        {**QUICK, "actions": [{"type": "type_text", "text": "{pin}"}]},  # undeclared variable
        {**QUICK, "variables": {"password": "x"}},  # the account's own
        {**QUICK, "actions": [{"type": "tap"}]},
        {**QUICK, "name": ""},
        {**QUICK, "unknown": 1},
    ]
    for body in bad_bodies:
        r = await client.post(f"{API}/presets", json=body, headers=ann)
        assert r.status_code == 422, (body, r.text)
    r = await client.post(
        f"{API}/presets",
        json={
            **QUICK,
            "actions": [{"type": "type_text", "text": "{pin}"}],
            "variables": {"pin": "1"},
        },
        headers=ann,
    )
    assert r.status_code == 201, r.text
    r = await client.patch(
        f"{API}/presets/{mine}",
        json={"actions": [{"type": "type_text", "text": "{pin}"}]},
        headers=ann,
    )
    assert r.status_code == 422  # this preset declares no {pin}
    r = await client.patch(f"{API}/presets/{mine}", json={"name": "renamed"}, headers=ann)
    assert r.status_code == 200 and r.json()["name"] == "renamed"

    for method in ("GET", "PATCH", "DELETE"):
        r = await client.request(
            method, f"{API}/presets/{mine}", headers=bob, json={} if method == "PATCH" else None
        )
        assert r.status_code == 404, method
    names = [p["name"] for p in (await client.get(f"{API}/presets", headers=bob)).json()["items"]]
    assert "renamed" not in names and any(n.startswith("Pixverse") for n in names)

    builtin = await preset(client, bob, "login")
    r = await client.patch(f"{API}/presets/{builtin}", json={"name": "mine"}, headers=bob)
    assert r.status_code == 403
    assert (await client.delete(f"{API}/presets/{builtin}", headers=bob)).status_code == 403
    assert (await client.delete(f"{API}/presets/{mine}", headers=ann)).status_code == 204


async def test_devices_and_executions_are_private(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    ann, bob = await users.create(), await users.create()
    r = await client.post(f"{API}/devices/scan", headers=ann)
    assert r.status_code == 403
    r = await client.post(f"{API}/devices/scan", headers=admin)
    (device,) = r.json()
    assert device["owner_id"] is None and not device["is_shared"]
    # The server's own devices: admins only, until an admin shares them.
    assert (await client.get(f"{API}/devices", headers=ann)).json() == []
    assert (await client.get(f"{API}/devices/{device['id']}", headers=ann)).status_code == 404
    r = await client.patch(f"{API}/devices/{device['id']}", json={"name": "x"}, headers=ann)
    assert r.status_code == 404
    await share_local_devices(client, admin)
    r = await client.patch(f"{API}/devices/{device['id']}", json={"is_shared": False}, headers=ann)
    assert r.status_code == 403  # only an admin shares

    preset_id = (await client.post(f"{API}/presets", json=QUICK, headers=ann)).json()["id"]
    r = await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=bob)
    assert r.status_code == 404  # not bob's preset
    execution = (
        await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=ann)
    ).json()
    await work(app)
    assert (await client.get(f"{API}/executions/{execution['id']}", headers=bob)).status_code == 404
    r = await client.post(f"{API}/executions/{execution['id']}/cancel", headers=bob)
    assert r.status_code == 404
    assert (await client.get(f"{API}/executions", headers=bob)).json()["items"] == []
    r = await client.get(f"{API}/executions/{execution['id']}/screenshots/1", headers=ann)
    assert r.status_code == 404

    # Another user's account cannot be run, nor assigned to a device.
    r = await client.post(
        "/api/v1/accounts",
        json={"provider_id": "pixverse", "email": "b@example.com", "jwt_token": "tb"},
        headers=bob,
    )
    bobs = r.json()["id"]
    r = await client.post(
        f"{API}/executions", json={"preset_id": preset_id, "account_id": bobs}, headers=ann
    )
    assert r.status_code == 422
    r = await client.patch(f"{API}/devices/{device['id']}", json={"account_id": bobs}, headers=ann)
    assert r.status_code == 422

    r = await client.post(f"{API}/agents", json={"name": "a"}, headers=ann)
    agent_id = r.json()["agent"]["id"]
    assert (await client.get(f"{API}/agents/{agent_id}", headers=bob)).status_code == 404
    assert (await client.get(f"{API}/agents", headers=bob)).json() == []
    r = await client.patch(f"{API}/agents/{agent_id}", json={"is_shared": True}, headers=ann)
    assert r.status_code == 403
    r = await client.patch(f"{API}/agents/{agent_id}", json={"is_shared": True}, headers=admin)
    assert r.status_code == 200 and r.json()["is_shared"] is True
