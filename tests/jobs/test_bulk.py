"""Batch actions on the queue: all or none, owner-checked, bounded, by ids or by filter."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.events import BATCH_THRESHOLD, Event
from tests.jobs.conftest import text_job, wait_for

LATER = {"scheduled_at": "2999-01-01T00:00:00Z"}  # waits: no worker runs in these tests


async def _jobs(client: httpx.AsyncClient, h: dict[str, str], n: int, **extra: Any) -> list[int]:
    body = {"jobs": [text_job(f"prompt {i}", **{**LATER, **extra}) for i in range(n)]}
    r = await client.post("/api/v1/jobs/batch", json=body, headers=h)
    assert r.status_code == 201, r.text
    return [j["id"] for j in r.json()["jobs"]]


async def _statuses(client: httpx.AsyncClient, h: dict[str, str], ids: list[int]) -> list[str]:
    return [(await client.get(f"/api/v1/jobs/{i}", headers=h)).json()["status"] for i in ids]


async def _nickname(client: httpx.AsyncClient, h: dict[str, str], account_id: int) -> str | None:
    accounts = (await client.get("/api/v1/accounts", headers=h)).json()["items"]
    return next(a["nickname"] for a in accounts if a["id"] == account_id)


async def test_cancel_is_all_or_none_and_owner_checked(
    client: httpx.AsyncClient, users, builtin: int
) -> None:
    alice, bob = await users.create(), await users.create()
    mine = await _jobs(client, alice, 3)
    theirs = await _jobs(client, bob, 1)
    child = (
        await client.post("/api/v1/jobs", json=text_job(depends_on=[mine[0]]), headers=alice)
    ).json()["id"]

    # Another user's job in the batch: 404, as for that job alone, and nothing changes.
    r = await client.post(
        "/api/v1/jobs/batch/cancel", json={"ids": [*mine, theirs[0]]}, headers=alice
    )
    assert r.status_code == 404, r.text
    assert await _statuses(client, alice, mine) == ["pending"] * 3
    assert await _statuses(client, bob, theirs) == ["pending"]

    r = await client.post("/api/v1/jobs/batch/cancel", json={"ids": mine[:2]}, headers=alice)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["ids"]) == sorted(mine[:2])
    assert await _statuses(client, alice, mine) == ["cancelled", "cancelled", "pending"]
    # What waited for a cancelled job fails with it, as when it is cancelled alone.
    assert await _statuses(client, alice, [child]) == ["failed"]

    # A finished job in the batch: 409 naming it, and the pending one stays pending.
    r = await client.post("/api/v1/jobs/batch/cancel", json={"ids": mine}, headers=alice)
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "jobs_not_applicable"
    assert sorted(error["ids"]) == sorted(mine[:2])
    assert f"job {mine[0]} is already cancelled" in error["fields"]["ids"]
    assert await _statuses(client, alice, [mine[2]]) == ["pending"]


async def test_cancel_all_waiting_by_filter(client: httpx.AsyncClient, users, builtin: int) -> None:
    alice, bob = await users.create(), await users.create()
    waiting = await _jobs(client, alice, 4)
    theirs = await _jobs(client, bob, 2)
    done = await _jobs(client, alice, 1)
    await client.post("/api/v1/jobs/batch/cancel", json={"ids": done}, headers=alice)

    r = await client.post(
        "/api/v1/jobs/batch/cancel", json={"filter": {"status": "pending"}}, headers=alice
    )
    assert r.status_code == 200, r.text
    assert sorted(r.json()["ids"]) == sorted(waiting)
    assert await _statuses(client, alice, waiting) == ["cancelled"] * 4
    assert await _statuses(client, bob, theirs) == ["pending"] * 2
    # Nothing left to cancel: an empty answer, not an error.
    r = await client.post("/api/v1/jobs/batch/cancel", json={"filter": {}}, headers=alice)
    assert r.status_code == 200 and r.json()["ids"] == []


async def _events(queue: asyncio.Queue[Event]) -> list[Event]:
    """What the bus delivered until it has been quiet a moment."""
    got = [await asyncio.wait_for(queue.get(), 10)]
    while True:
        try:
            got.append(await asyncio.wait_for(queue.get(), 0.5))
        except TimeoutError:
            return got


async def test_many_at_once_are_one_batch_event(
    app: FastAPI, client: httpx.AsyncClient, users, builtin: int
) -> None:
    h = await users.create()
    ids = await _jobs(client, h, 100) + await _jobs(client, h, BATCH_THRESHOLD + 1 - 100)
    async with app.state.bus.subscribe() as queue:
        r = await client.post("/api/v1/jobs/batch/cancel", json={"filter": {}}, headers=h)
        assert r.status_code == 200, r.text
        events = [e for e in await _events(queue) if e.type.startswith("job.")]
    assert sorted(r.json()["ids"]) == sorted(ids)
    # One event for them all: what they now are, for the pages and for the worker.
    assert [e.type for e in events] == ["job.batch"]
    assert events[0].data["action"] == "updated" and sorted(events[0].data["ids"]) == sorted(ids)
    assert events[0].data["statuses"] == ["cancelled"] and events[0].data["count"] == len(ids)
    assert set(await _statuses(client, h, ids)) == {"cancelled"}

    async with app.state.bus.subscribe() as queue:
        r = await client.post("/api/v1/jobs/batch/retry", json={"filter": {}}, headers=h)
        assert r.status_code == 200, r.text
        events = [e for e in await _events(queue) if e.type.startswith("job.")]
    assert [e.type for e in events] == ["job.batch"] and events[0].data["statuses"] == ["pending"]
    assert events[0].data["scheduled_at"].startswith("2999-01-01")


async def test_retry_priority_move_and_delete(
    client: httpx.AsyncClient, users, builtin: int
) -> None:
    alice, bob = await users.create(), await users.create()
    ids = await _jobs(client, alice, 3)
    r = await client.post(
        "/api/v1/jobs/batch/priority", json={"ids": ids, "priority": 50}, headers=alice
    )
    assert r.status_code == 200, r.text
    listed = (await client.get("/api/v1/jobs", headers=alice)).json()["items"]
    assert {j["id"]: j["priority"] for j in listed} == dict.fromkeys(ids, 50)

    await client.post("/api/v1/jobs/batch/cancel", json={"ids": ids[:2]}, headers=alice)
    # A priority is for waiting jobs: the cancelled ones make the whole batch a 409.
    r = await client.post(
        "/api/v1/jobs/batch/priority", json={"ids": ids, "priority": 1}, headers=alice
    )
    assert r.status_code == 409
    assert (await client.get(f"/api/v1/jobs/{ids[2]}", headers=alice)).json()["priority"] == 50

    # Retry: only failed or cancelled ones.
    r = await client.post("/api/v1/jobs/batch/retry", json={"ids": ids}, headers=alice)
    assert r.status_code == 409
    r = await client.post("/api/v1/jobs/batch/retry", json={"ids": ids[:2]}, headers=alice)
    assert r.status_code == 200, r.text
    assert await _statuses(client, alice, ids) == ["pending"] * 3

    # Move: to the user's own workspace only.
    ws = (await client.post("/api/v1/workspaces", json={"name": "B"}, headers=alice)).json()
    other = (await client.post("/api/v1/workspaces", json={"name": "X"}, headers=bob)).json()
    r = await client.post(
        "/api/v1/jobs/batch/move", json={"ids": ids, "workspace_id": other["id"]}, headers=alice
    )
    assert r.status_code == 422 and "workspace_id" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/jobs/batch/move", json={"ids": ids[:2], "workspace_id": ws["id"]}, headers=alice
    )
    assert r.status_code == 200, r.text
    in_ws = (await client.get(f"/api/v1/jobs?workspace_id={ws['id']}", headers=alice)).json()
    assert sorted(j["id"] for j in in_ws["items"]) == sorted(ids[:2])

    # Delete: finished jobs only; a pending one in the batch refuses it all.
    await client.post("/api/v1/jobs/batch/cancel", json={"ids": ids[:2]}, headers=alice)
    r = await client.post("/api/v1/jobs/batch/delete", json={"ids": ids}, headers=alice)
    assert r.status_code == 409 and "cancel it first" in r.json()["error"]["fields"]["ids"]
    r = await client.post("/api/v1/jobs/batch/delete", json={"ids": ids[:2]}, headers=bob)
    assert r.status_code == 404
    r = await client.post("/api/v1/jobs/batch/delete", json={"ids": ids[:2]}, headers=alice)
    assert r.status_code == 200 and sorted(r.json()["ids"]) == sorted(ids[:2])
    for gone in ids[:2]:
        assert (await client.get(f"/api/v1/jobs/{gone}", headers=alice)).status_code == 404
    assert await _statuses(client, alice, ids[2:]) == ["pending"]


async def test_a_finished_job_still_needed_is_not_deleted(
    client: httpx.AsyncClient, users, worker
) -> None:
    h = await users.create()
    parent = (await client.post("/api/v1/jobs", json=text_job("parent"), headers=h)).json()["id"]
    done = await wait_for(client, h, parent)
    assert done["status"] == "completed"
    # The output's page tells what made it: the job's parameters, account and cost.
    made = (await client.get(f"/api/v1/assets/{done['asset_id']}", headers=h)).json()["job"]
    assert made["params"] == done["params"] and made["params"]["prompt"] == "parent"
    assert made["account_id"] == done["account_id"] is not None
    assert made["account_nickname"] == (await _nickname(client, h, done["account_id"]))
    assert (made["actual_credits"], made["estimated_credits"]) == (
        done["actual_credits"],
        done["estimated_credits"],
    )
    child = (
        await client.post(
            "/api/v1/jobs", json=text_job("child", depends_on=[parent], **LATER), headers=h
        )
    ).json()["id"]
    r = await client.post("/api/v1/jobs/batch/delete", json={"ids": [parent]}, headers=h)
    assert r.status_code == 409
    assert f"is waited for by job {child}" in r.json()["error"]["fields"]["ids"]
    # By filter, the job is left out; once the child is cancelled, it may go.
    r = await client.post("/api/v1/jobs/batch/delete", json={"filter": {}}, headers=h)
    assert r.status_code == 200 and r.json()["ids"] == []
    await client.post("/api/v1/jobs/batch/cancel", json={"ids": [child]}, headers=h)
    r = await client.post("/api/v1/jobs/batch/delete", json={"filter": {}}, headers=h)
    assert sorted(r.json()["ids"]) == sorted([parent, child])
    # Its output stays in the gallery.
    assets = (await client.get("/api/v1/assets", headers=h)).json()["items"]
    assert len(assets) == 1 and assets[0]["source_job_id"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": []},
        {"ids": [0]},
        {"ids": [2**63]},
        {"ids": [1], "filter": {}},
        {"ids": list(range(1, 5002))},
        {"ids": [1], "extra": True},
        {"filter": {"q": "a\x00b"}},
        {"filter": {"q": "x" * 201}},
        {"filter": {"nope": 1}},
        {"ids": "1,2"},
    ],
)
async def test_bad_selections_are_422(
    client: httpx.AsyncClient, users, body: dict[str, Any]
) -> None:
    h = await users.create()
    for action in ("cancel", "retry", "delete"):
        r = await client.post(f"/api/v1/jobs/batch/{action}", json=body, headers=h)
        assert r.status_code == 422, (action, r.text)
    r = await client.post("/api/v1/jobs/batch/priority", json={"ids": [1]}, headers=h)
    assert r.status_code == 422 and "priority" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/jobs/batch/priority", json={"ids": [1], "priority": 1001}, headers=h
    )
    assert r.status_code == 422
    assert (await client.post("/api/v1/jobs/batch/cancel", json={"ids": [1]})).status_code == 401


async def test_search_over_prompts(client: httpx.AsyncClient, users, builtin: int) -> None:
    h = await users.create()
    for prompt in ("A red fox at dawn", "blue_whale 100%", "Red wine"):
        r = await client.post("/api/v1/jobs", json=text_job(prompt, **LATER), headers=h)
        assert r.status_code == 201
    named = await client.post(
        "/api/v1/jobs", json=text_job("plain", name="Fox remix", **LATER), headers=h
    )
    assert named.json()["prompt"] == "plain"

    async def found(q: str) -> list[str]:
        r = await client.get("/api/v1/jobs", params={"q": q}, headers=h)
        assert r.status_code == 200, r.text
        return sorted(j["params"]["prompt"] for j in r.json()["items"])

    assert await found("red") == ["A red fox at dawn", "Red wine"]
    assert await found("fox") == ["A red fox at dawn", "plain"]  # the name too
    assert await found("_") == ["blue_whale 100%"]  # wildcards are taken literally
    assert await found("0%") == ["blue_whale 100%"]
    assert await found("%") == ["blue_whale 100%"]
    # Search and status together select what a batch acts on.
    r = await client.post(
        "/api/v1/jobs/batch/cancel", json={"filter": {"q": "red", "status": "pending"}}, headers=h
    )
    assert len(r.json()["ids"]) == 2
    assert await found("red") == ["A red fox at dawn", "Red wine"]
    r = await client.get("/api/v1/jobs", params={"q": "red", "status": "pending"}, headers=h)
    assert r.json()["items"] == []
    old = (clock.now() - dt.timedelta(days=1)).isoformat()
    r = await client.get("/api/v1/jobs", params={"created_before": old}, headers=h)
    assert r.json()["items"] == []


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("cancel", {}),
        ("retry", {}),
        ("priority", {"priority": 10}),
        ("move", {"workspace_id": None}),
        ("delete", {}),
    ],
)
async def test_every_batch_action_refuses_another_users_job_whole(
    client: httpx.AsyncClient, users, builtin: int, action: str, extra: dict[str, Any]
) -> None:
    alice, bob = await users.create(), await users.create()
    mine, theirs = await _jobs(client, alice, 2), await _jobs(client, bob, 1)
    r = await client.post(
        f"/api/v1/jobs/batch/{action}", json={"ids": [*mine, *theirs], **extra}, headers=alice
    )
    assert r.status_code == 404, r.text
    for h, ids in ((alice, mine), (bob, theirs)):
        for i in ids:
            job = (await client.get(f"/api/v1/jobs/{i}", headers=h)).json()
            assert (job["status"], job["priority"]) == ("pending", 0), job
