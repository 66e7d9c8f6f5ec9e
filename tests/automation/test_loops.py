"""Loops on a movable clock: steps taken once whatever the number of workers, accounts
picked by rule, the daily cap, the window, stop after failures in a row, run now, pause."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.automation import loops
from pixsim7.automation.schemas import LoopConfig
from tests.automation.conftest import API, Phones, share_local_devices, work
from tests.conftest import Users

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_schedule() -> None:
    window = LoopConfig(
        schedule="daily_window", window_start="08:00", window_end="10:00", preset_ids=[1]
    )
    assert loops.in_window(window, T0)
    assert not loops.in_window(window, T0.replace(hour=10))
    assert loops.window_start_after(window, T0.replace(hour=11)) == T0.replace(
        day=2, hour=8, minute=0
    )
    night = LoopConfig(
        schedule="daily_window", window_start="22:00", window_end="02:00", preset_ids=[1]
    )
    assert loops.in_window(night, T0.replace(hour=23)) and loops.in_window(
        night, T0.replace(hour=1)
    )
    assert not loops.in_window(night, T0)
    every = LoopConfig(interval_s=3600, delay_s=60, preset_ids=[1])
    ended = T0 + dt.timedelta(minutes=5)
    assert loops.next_after_step(every, T0, ended) == T0 + dt.timedelta(hours=1)
    slow = T0 + dt.timedelta(hours=2)
    assert loops.next_after_step(every, T0, slow) == slow + dt.timedelta(seconds=60)
    assert loops.next_after_step(window, T0, ended) == ended  # back to back inside the window
    late = T0.replace(hour=10, minute=0, second=30)  # ended past the window
    assert loops.next_after_step(window, T0, late) == T0.replace(day=2, hour=8, minute=0)
    with pytest.raises(ValueError):
        LoopConfig(preset_ids=[])
    with pytest.raises(ValueError):
        LoopConfig(preset_ids=[1], selection="specific")
    with pytest.raises(ValueError):
        LoopConfig(preset_ids=[1], min_credits=5, max_credits=1)


async def _setup(client: httpx.AsyncClient, users: Users, accounts: int) -> tuple[dict, list[int]]:
    admin = await users.create(admin=True)
    await share_local_devices(client, admin)
    ann = await users.create()
    ids = []
    for i in range(accounts):
        r = await client.post(
            "/api/v1/accounts",
            json={"provider_id": "pixverse", "email": f"a{i}@example.com", "jwt_token": f"t{i}"},
            headers=ann,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ann, ids


async def _preset(client: httpx.AsyncClient, headers: dict, *, ok: bool = True) -> int:
    action: dict[str, Any] = {"type": "key", "key": "home"}
    if not ok:
        action = {"type": "assert_element", "element": {"text": "Nowhere"}, "message": "nope"}
    r = await client.post(
        f"{API}/presets", json={"name": "p", "actions": [action]}, headers=headers
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _loop(client: httpx.AsyncClient, headers: dict, **config: Any) -> dict[str, Any]:
    r = await client.post(f"{API}/loops", json={"name": "daily", "config": config}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _step(app: FastAPI) -> int:
    return await loops.tick(app.state.db, app.state.bus)


async def _account_of(client: httpx.AsyncClient, headers: dict, execution_id: int | None) -> int:
    assert execution_id is not None
    r = await client.get(f"{API}/executions/{execution_id}", headers=headers)
    return int(r.json()["account_id"])


async def test_round_robin_on_an_interval_with_a_daily_cap(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    clock.freeze()
    ann, accounts = await _setup(client, users, 3)
    preset_id = await _preset(client, ann)
    loop = await _loop(client, ann, preset_ids=[preset_id], interval_s=3600, daily_cap=2)
    # Two workers look at once: one step is taken.
    taken = await asyncio.gather(_step(app), _step(app))
    assert sorted(taken) == [0, 1]
    assert await _step(app) == 0  # the step's execution has not ended
    first = await work(app)
    assert await _account_of(client, ann, first) == accounts[0]
    state = (await client.get(f"{API}/loops/{loop['id']}", headers=ann)).json()
    assert state["runs_today"] == 1 and state["current_execution_id"] is None
    assert state["next_run_at"] is not None
    assert await _step(app) == 0  # not due for an hour
    clock.advance(dt.timedelta(hours=1))
    assert await _step(app) == 1
    assert await _account_of(client, ann, await work(app)) == accounts[1]
    clock.advance(dt.timedelta(hours=1))
    assert await _step(app) == 0  # the daily cap
    state = (await client.get(f"{API}/loops/{loop['id']}", headers=ann)).json()
    assert "daily cap" in state["status_message"]
    # Run now takes a step all the same, for the next account in turn.
    r = await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)
    assert r.status_code == 200, r.text
    assert r.json()["account_id"] == accounts[2]
    r = await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)
    assert r.status_code == 409  # a step is under way
    await work(app)
    history = (await client.get(f"{API}/executions?loop_id={loop['id']}", headers=ann)).json()
    assert len(history["items"]) == 3


async def test_selection_rules(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    clock.freeze()
    ann, accounts = await _setup(client, users, 3)
    for account_id, amount in zip(accounts, (50, 500, 5), strict=True):
        r = await client.post(
            f"/api/v1/accounts/{account_id}/credits",
            json={"credit_type": "web", "amount": amount},
            headers=ann,
        )
        assert r.status_code == 200, r.text
    preset_id = await _preset(client, ann)

    async def chosen(**config: Any) -> int:
        loop = await _loop(client, ann, preset_ids=[preset_id], **config)
        r = await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)
        assert r.status_code == 200, r.text
        await work(app)
        await client.delete(f"{API}/loops/{loop['id']}", headers=ann)
        return int(r.json()["account_id"])

    # The fake provider's balances were read when the accounts were added: ours replace them.
    assert await chosen(selection="most_credits", max_credits=1000) == accounts[1]
    assert await chosen(selection="least_credits") == accounts[2]
    assert await chosen(selection="most_credits", max_credits=100) == accounts[0]
    assert await chosen(selection="specific", account_ids=[accounts[2]]) == accounts[2]
    assert await chosen(selection="least_credits", min_credits=10) == accounts[0]

    loop = await _loop(
        client, ann, preset_ids=[preset_id], selection="least_credits", skip_success_within_h=20
    )
    first = (await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)).json()
    await work(app)
    second = (await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)).json()
    assert first["account_id"] == accounts[2] and second["account_id"] == accounts[0]


async def test_a_loop_stops_after_failures_in_a_row_and_is_resumed(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    clock.freeze()
    ann, _ = await _setup(client, users, 1)
    failing = await _preset(client, ann, ok=False)
    loop = await _loop(client, ann, preset_ids=[failing], interval_s=60, max_consecutive_failures=2)
    for _ in range(2):
        assert await _step(app) == 1
        await work(app)
        clock.advance(dt.timedelta(minutes=1))
    state = (await client.get(f"{API}/loops/{loop['id']}", headers=ann)).json()
    assert state["status"] == "stopped" and "2 failures" in state["status_message"]
    assert await _step(app) == 0
    r = await client.post(f"{API}/loops/{loop['id']}/pause", headers=ann)
    assert r.json()["status"] == "paused"
    r = await client.post(f"{API}/loops/{loop['id']}/resume", headers=ann)
    assert r.json()["status"] == "active" and r.json()["consecutive_failures"] == 0
    assert await _step(app) == 1


async def test_presets_of_a_step_run_in_order_and_per_account(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    ann, accounts = await _setup(client, users, 2)
    one, two = await _preset(client, ann), await _preset(client, ann)
    loop = await _loop(
        client,
        ann,
        preset_ids=[one, two],
        account_presets={str(accounts[1]): [two]},
        selection="specific",
        account_ids=accounts,
    )
    r = await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)
    assert r.json()["preset_id"] == one
    await work(app)  # the first ends: the step's second is queued at once
    state = (await client.get(f"{API}/loops/{loop['id']}", headers=ann)).json()
    assert state["current_execution_id"] is not None
    follow = await work(app)
    r = await client.get(f"{API}/executions/{follow}", headers=ann)
    assert r.json()["preset_id"] == two and r.json()["account_id"] == accounts[0]
    r = await client.post(f"{API}/loops/{loop['id']}/run-now", headers=ann)
    assert r.json()["account_id"] == accounts[1] and r.json()["preset_id"] == two


async def test_loops_are_checked_and_private(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    ann, _ = await _setup(client, users, 1)
    bob = await users.create()
    preset_id = await _preset(client, ann)
    r = await client.post(
        f"{API}/loops", json={"name": "x", "config": {"preset_ids": [preset_id]}}, headers=bob
    )
    assert r.status_code == 422  # not bob's preset
    r = await client.post(
        f"{API}/loops",
        json={
            "name": "x",
            "config": {"preset_ids": [preset_id], "selection": "specific", "account_ids": [999]},
        },
        headers=ann,
    )
    assert r.status_code == 422
    loop = await _loop(client, ann, preset_ids=[preset_id])
    for method, path in [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/pause"),
        ("POST", "/resume"),
        ("POST", "/run-now"),
    ]:
        r = await client.request(
            method,
            f"{API}/loops/{loop['id']}{path}",
            headers=bob,
            json={} if method == "PATCH" else None,
        )
        assert r.status_code == 404, (method, path, r.text)
    assert (await client.get(f"{API}/loops", headers=bob)).json() == []


async def test_the_worker_runs_a_loop_on_its_own(
    client: httpx.AsyncClient, app: FastAPI, users: Users, phones: Phones
) -> None:
    from pixsim7.automation import worker

    ann, accounts = await _setup(client, users, 1)
    preset_id = await _preset(client, ann)
    loop = await _loop(client, ann, preset_ids=[preset_id], interval_s=3600)
    state = app.state
    config = worker.AutomationConfig(tick_s=0.05, heartbeat_s=0.2, scan_s=60)
    async with worker.running("w1", state.db, state.bus, state.registry, state.settings, config):
        for _ in range(400):
            body = (await client.get(f"{API}/executions?loop_id={loop['id']}", headers=ann)).json()
            if body["items"] and body["items"][0]["status"] == "completed":
                break
            await asyncio.sleep(0.05)
    assert body["items"][0]["status"] == "completed", body
    assert body["items"][0]["account_id"] == accounts[0]
    state_after = (await client.get(f"{API}/loops/{loop['id']}", headers=ann)).json()
    assert state_after["runs_today"] == 1 and state_after["current_execution_id"] is None
