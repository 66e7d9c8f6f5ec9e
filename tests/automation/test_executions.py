"""Executions through the API and the worker's step, on a phone behind the fake ADB server:
the seeded presets log in and claim the reward, credits are synced, failures say where,
the app password never shows, screenshots are served, cancel works."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import httpx
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.automation import executions, runner
from tests.automation.conftest import (
    API,
    APP_PASSWORD,
    EMAIL,
    Phones,
    context,
    pixverse_account,
    preset,
    share_local_devices,
    work,
)
from tests.conftest import Users


async def test_log_in_and_claim_then_credits_are_synced(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    ann = await users.create()
    (device_id,) = await share_local_devices(client, admin)
    account = await pixverse_account(client, ann)
    assert account["has_password"] is True and APP_PASSWORD not in json.dumps(account)
    events: list[str] = []

    async def listen() -> None:
        async with app.state.bus.subscribe() as queue:
            while True:
                events.append((await queue.get()).to_json())

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0)

    login = await preset(client, ann, "login")
    r = await client.post(
        f"{API}/executions",
        json={"preset_id": login, "account_id": account["id"], "device_id": device_id},
        headers=ann,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "queued"
    execution_id = await work(app)
    r = await client.get(f"{API}/executions/{execution_id}", headers=ann)
    body = r.json()
    assert body["status"] == "completed", body
    app_state = phones.phone.app
    assert app_state is not None and app_state.signed_in == EMAIL
    typed = [line["message"] for line in body["logs"] if line["type"] == "type_text"]
    assert typed == [f"typed '{EMAIL}'", "typed '***'"]
    assert all({"path", "duration_ms", "started_at", "ok"} <= set(line) for line in body["logs"])
    assert body["credits_synced"] is True  # a login preset: the balance was read after

    shot = body["screenshots"][0]
    png = await client.get(shot["url"], headers=ann)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert png.headers["content-type"] == "image/png"

    reward = await preset(client, ann, "reward")
    r = await client.post(
        f"{API}/executions", json={"preset_id": reward, "account_id": account["id"]}, headers=ann
    )
    assert r.status_code == 201, r.text
    execution_id = await work(app)
    body = (await client.get(f"{API}/executions/{execution_id}", headers=ann)).json()
    assert body["status"] == "completed", body
    assert phones.accounts[EMAIL].credits == 130
    credits = (await client.get(f"/api/v1/accounts/{account['id']}", headers=ann)).json()
    assert credits["credits"]["web"] == 130

    listener.cancel()
    everything = "\n".join(events) + r.text
    assert any('"execution.updated"' in e for e in events)
    assert APP_PASSWORD not in everything
    assert APP_PASSWORD not in (await client.get(f"{API}/executions", headers=ann)).text


async def test_a_wrong_password_fails_at_its_action_with_its_params(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    ann = await users.create()
    await share_local_devices(client, admin)
    account = await pixverse_account(client, ann, password="not the one")
    r = await client.post(
        f"{API}/presets",
        json={
            "name": "quick login",
            "category": "login",
            "actions": [
                {"type": "launch_app", "package": "com.pixverse.pixverse"},
                {"type": "tap", "element": {"resource_id": "btn_login"}},
                {"type": "type_text", "text": "{email}", "element": {"resource_id": "et_email"}},
                {
                    "type": "type_text",
                    "text": "{password}",
                    "element": {"resource_id": "et_password"},
                },
                {"type": "tap", "element": {"text": "Log in"}},
                {"type": "assert_element", "element": {"text": "Profile"}, "message": "no luck"},
            ],
        },
        headers=ann,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{API}/executions",
        json={"preset_id": r.json()["id"], "account_id": account["id"]},
        headers=ann,
    )
    execution_id = await work(app)
    body = (await client.get(f"{API}/executions/{execution_id}", headers=ann)).json()
    assert body["status"] == "failed"
    assert body["error_message"] == "no luck"
    assert body["error_action_path"] == "5" and body["error_action_type"] == "assert_element"
    assert body["error_params"]["element"]["text"] == "Profile"
    assert [s["label"] for s in body["screenshots"]] == ["failure"]
    assert body["credits_synced"] is False
    assert "not the one" not in json.dumps(body)


async def test_one_execution_at_a_time_per_device_and_a_lost_worker_is_recovered(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    await share_local_devices(client, admin)
    r = await client.post(
        f"{API}/presets",
        json={"name": "home", "actions": [{"type": "key", "key": "home"}]},
        headers=admin,
    )
    preset_id = r.json()["id"]
    ids = []
    for _ in range(2):
        r = await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=admin)
        ids.append(r.json()["id"])
    first = await runner.claim(context(app, "worker-a"))
    assert first is not None and first.execution_id == ids[0]
    # The only device is leased: the second waits, whichever worker asks.
    assert await runner.claim(context(app, "worker-b")) is None
    device = (await client.get(f"{API}/devices/{first.device_id}", headers=admin)).json()
    assert device["status"] == "busy" and device["execution_id"] == ids[0]

    # worker-a dies without a word: nothing happens until its lease lapses...
    ctx = context(app, "worker-b")
    assert await runner.recover(ctx) == 0
    from pixsim7 import clock

    clock.advance(ctx.lease * 2)
    assert await runner.recover(ctx) == 1
    lost = (await client.get(f"{API}/executions/{ids[0]}", headers=admin)).json()
    assert lost["status"] == "failed" and "lease lapsed" in lost["error_message"]
    # ...then the device is free and the second runs.
    assert await work(app) == ids[1]
    assert (await client.get(f"{API}/executions/{ids[1]}", headers=admin)).json()[
        "status"
    ] == "completed"


async def test_cancel_queued_and_running(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    await share_local_devices(client, admin)
    r = await client.post(
        f"{API}/presets",
        json={
            "name": "slow",
            "actions": [{"type": "key", "key": "home"}, {"type": "wait", "seconds": 30}],
        },
        headers=admin,
    )
    preset_id = r.json()["id"]
    queued = (
        await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=admin)
    ).json()
    r = await client.post(f"{API}/executions/{queued['id']}/cancel", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = await client.post(f"{API}/executions/{queued['id']}/cancel", headers=admin)
    assert r.status_code == 409

    running = (
        await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=admin)
    ).json()
    ctx = context(app)
    ctx.heartbeat_s = 0.05
    claimed = await runner.claim(ctx)
    assert claimed is not None
    async with app.state.bus.subscribe() as queue:  # its first step is logged
        task = asyncio.create_task(runner.run(ctx, claimed))
        while not (await queue.get()).data.get("step"):
            pass
    r = await client.post(f"{API}/executions/{running['id']}/cancel", headers=admin)
    assert r.status_code == 200 and r.json()["cancel_requested"] is True
    await asyncio.wait_for(task, 20)
    body = (await client.get(f"{API}/executions/{running['id']}", headers=admin)).json()
    assert body["status"] == "cancelled"
    device = (await client.get(f"{API}/devices/{claimed.device_id}", headers=admin)).json()
    assert device["status"] == "online"


async def test_inputs_are_checked(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    ann = await users.create()
    login = await preset(client, ann, "login")
    r = await client.post(f"{API}/executions", json={"preset_id": login}, headers=ann)
    assert r.status_code == 422 and "account_id" in r.json()["error"]["fields"]
    account = await pixverse_account(client, ann, password=None, jwt_token=None)
    r = await client.post(
        f"{API}/executions", json={"preset_id": login, "account_id": account["id"]}, headers=ann
    )
    assert r.status_code == 422 and "app password" in r.json()["error"]["message"]
    r = await client.post(
        f"{API}/executions",
        json={"preset_id": login, "account_id": account["id"], "variables": {"x": "1"}},
        headers=ann,
    )
    assert r.status_code == 422
    r = await client.post(
        f"{API}/executions", json={"preset_id": login, "device_id": 999}, headers=ann
    )
    assert r.status_code == 422


async def test_delete_an_execution_with_its_screenshots(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    ann, bob = await users.create(), await users.create()
    (device_id,) = await share_local_devices(client, admin)
    account = await pixverse_account(client, ann)
    login = await preset(client, ann, "login")
    run = {"preset_id": login, "account_id": account["id"], "device_id": device_id}
    r = await client.post(f"{API}/executions", json=run, headers=ann)
    execution_id = r.json()["id"]
    # Queued: cancel it first.
    r = await client.delete(f"{API}/executions/{execution_id}", headers=ann)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "execution_active"
    assert await work(app) == execution_id
    body = (await client.get(f"{API}/executions/{execution_id}", headers=ann)).json()
    settings = app.state.settings
    stored = sorted((settings.data_dir / "automation").rglob("*.png"))
    assert body["screenshots"] and len(stored) == len(body["screenshots"])
    # Another user's is not found; anonymous is 401; nothing was deleted.
    assert (await client.delete(f"{API}/executions/{execution_id}", headers=bob)).status_code == 404
    assert (await client.delete(f"{API}/executions/{execution_id}")).status_code == 401
    assert all(p.is_file() for p in stored)
    r = await client.delete(f"{API}/executions/{execution_id}", headers=ann)
    assert r.status_code == 204, r.text
    assert not any(p.exists() for p in stored)
    assert (await client.get(f"{API}/executions/{execution_id}", headers=ann)).status_code == 404
    shot = body["screenshots"][0]["url"]
    assert (await client.get(shot, headers=ann)).status_code == 404
    assert (await client.delete(f"{API}/executions/{execution_id}", headers=ann)).status_code == 404
    listed = (await client.get(f"{API}/executions", headers=ann)).json()["items"]
    assert execution_id not in [e["id"] for e in listed]


async def test_old_screenshots_are_pruned_by_retention(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    admin = await users.create(admin=True)
    ann = await users.create()
    (device_id,) = await share_local_devices(client, admin)
    account = await pixverse_account(client, ann)
    login = await preset(client, ann, "login")
    run = {"preset_id": login, "account_id": account["id"], "device_id": device_id}
    clock.freeze()
    ids = []
    for _ in range(2):
        r = await client.post(f"{API}/executions", json=run, headers=ann)
        ids.append(r.json()["id"])
        assert await work(app) == ids[-1]
        clock.advance(dt.timedelta(days=2))
    settings = app.state.settings
    before = sorted((settings.data_dir / "automation").rglob("*.png"))
    assert before
    # Now: the first ended 4 days ago, the second 2; a retention of 3 days.
    async with app.state.db.session() as session:
        three = settings.model_copy(update={"automation_screenshot_retention_days": 3})
        assert await executions.prune_screenshots(session, three, batch=1) > 0
    first = (await client.get(f"{API}/executions/{ids[0]}", headers=ann)).json()
    second = (await client.get(f"{API}/executions/{ids[1]}", headers=ann)).json()
    assert first["status"] == "completed" and first["logs"] and first["screenshots"] == []
    assert second["screenshots"]
    after = sorted((settings.data_dir / "automation").rglob("*.png"))
    assert len(after) == len(second["screenshots"]) < len(before)
    png = await client.get(second["screenshots"][0]["url"], headers=ann)
    assert png.status_code == 200
    # A retention of 0 keeps everything.
    clock.advance(dt.timedelta(days=365))
    async with app.state.db.session() as session:
        kept = settings.model_copy(update={"automation_screenshot_retention_days": 0})
        assert await executions.prune_screenshots(session, kept) == 0
        assert await executions.prune_screenshots(session, settings) == len(after)
    assert not list((settings.data_dir / "automation").rglob("*.png"))
