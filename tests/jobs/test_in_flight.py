"""While a provider call is under way: a cancel keeps the account slot until the call
returns, and a create whose connection breaks after it was sent is settled as in doubt
(the provider is asked first) instead of being retried blindly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer, FakeState
from tests.jobs.conftest import add_account, pixverse_job, wait_for
from tests.jobs.test_crash import SlowCreates, is_create


class DropAfterCreate:
    """The provider carries out the first create, then the connection breaks before its
    answer is complete (the client sees the peer close mid-body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.dropped = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_create(scope["path"]) or self.dropped:
            await self.app(scope, receive, send)
            return
        self.dropped += 1

        async def swallow(message: Message) -> None:
            pass

        await self.app(scope, receive, swallow)
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
        )
        await send({"type": "http.response.body", "body": b'{"ErrCode"', "more_body": True})
        raise ConnectionAbortedError("fake: connection dropped after the create was carried out")


@pytest.fixture
async def slow() -> AsyncIterator[tuple[FakeServer, FakeState]]:
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=0.3, limit=None)
    async with FakeServer(SlowCreates(app, 1.0)) as server:
        yield server, app.state.fake


@pytest.fixture
async def dropping() -> AsyncIterator[tuple[FakeServer, FakeState, DropAfterCreate]]:
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=0.3, limit=None)
    drop = DropAfterCreate(app)
    async with FakeServer(drop) as server:
        yield server, app.state.fake, drop


async def _post(client: httpx.AsyncClient, h: dict[str, str], body: dict[str, Any]) -> Any:
    r = await client.post("/api/v1/jobs", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def _events(job: dict[str, Any]) -> list[str]:
    return [e["event"] for e in job["history"]]


async def test_cancel_while_submitting_keeps_the_slot_until_the_provider_answers(
    client: httpx.AsyncClient, users, slow: tuple[FakeServer, FakeState], worker: JobWorker
) -> None:
    server, fake = slow
    h = await users.create()
    await add_account(client, h, server, "tok-cancel", max_concurrent_jobs=1)
    first = await _post(client, h, pixverse_job("first"))
    second = await _post(client, h, pixverse_job("second"))
    await wait_for(client, h, first["id"], lambda j: j["status"] == "submitting")
    r = await client.post(f"/api/v1/jobs/{first['id']}/cancel", headers=h)
    assert r.status_code == 200, r.text
    asked = r.json()
    # The create is still on its way: the job stays submitting, marked, and holds the slot.
    assert asked["status"] == "submitting" and asked["cancel_requested_at"], asked
    again = await client.post(f"/api/v1/jobs/{first['id']}/cancel", headers=h)
    assert again.status_code == 200 and again.json()["status"] == "submitting"
    await asyncio.sleep(0.4)
    waiting = (await client.get(f"/api/v1/jobs/{second['id']}", headers=h)).json()
    assert waiting["status"] == "pending", waiting

    done = await wait_for(client, h, first["id"])
    assert done["status"] == "cancelled", done
    assert done["provider_job_id"], done  # the provider made it; we know which one
    assert _events(done)[-3:] == ["claimed", "cancel requested", "cancelled"], done["history"]
    [sub] = done["submissions"]
    assert sub["status"] == "cancelled" and sub["provider_job_id"] == done["provider_job_id"]
    # Stopped at the provider, before the slot went to the next job.
    deletes = fake.log.all("/creative_platform/video/delete")
    assert len(deletes) == 1 and str(done["provider_job_id"]) in str(deletes[0].json), deletes
    finished = await wait_for(client, h, second["id"])
    assert finished["status"] == "completed", finished
    assert finished["started_at"] >= done["completed_at"]
    assert fake.snapshot("tok-cancel")["max_running"] == 1
    r = await client.post(f"/api/v1/jobs/{first['id']}/cancel", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "job_finished"


async def test_cancel_while_submitting_where_the_provider_cannot_stop_the_job(
    client: httpx.AsyncClient, users, slow: tuple[FakeServer, FakeState], worker: JobWorker
) -> None:
    """The platform API has no cancel: the job is polled, holding its slot, until it ends
    there, and is cancelled then."""
    server, fake = slow
    h = await users.create()
    account = await add_account(client, h, server, "key-no-cancel", platform=True)
    job = await _post(client, h, pixverse_job("cannot stop [secs:1]"))
    await wait_for(client, h, job["id"], lambda j: j["status"] == "submitting")
    r = await client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=h)
    assert r.json()["status"] == "submitting", r.text
    running = await wait_for(client, h, job["id"], lambda j: j["status"] != "submitting")
    assert running["status"] == "processing" and running["cancel_requested_at"], running
    acc = (await client.get(f"/api/v1/accounts/{account}", headers=h)).json()
    assert acc["in_flight_jobs"] == 1, acc
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "cancelled" and done["asset_id"] is None, done
    events = _events(done)
    assert events[-4:] == [
        "cancel requested",
        "not cancelled at the provider",
        "submitted",
        "cancelled",
    ], done["history"]
    assert len(fake.jobs_of("key-no-cancel")) == 1


async def test_cancel_while_a_refused_submit_is_under_way_ends_cancelled(
    client: httpx.AsyncClient, users, slow: tuple[FakeServer, FakeState], worker: JobWorker
) -> None:
    """A refused call would normally be retried (transient) or fail; cancelled wins, and
    its dependents fail with it."""
    h = await users.create()
    account = await add_account(client, h, slow[0], "tok-refused")
    job = await _post(client, h, pixverse_job("[fail:500041] busy"))
    child = await _post(client, h, {**pixverse_job("after"), "depends_on": [job["id"]]})
    await wait_for(client, h, job["id"], lambda j: j["status"] == "submitting")
    r = await client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=h)
    assert r.json()["status"] == "submitting", r.text
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "cancelled" and done["attempts"] == 1, done
    assert _events(done)[-1] == "cancelled"
    assert [s["status"] for s in done["submissions"]] == ["rejected"]
    failed = await wait_for(client, h, child["id"])
    assert failed["status"] == "failed" and failed["error_class"] == "dependency", failed
    acc = (await client.get(f"/api/v1/accounts/{account}", headers=h)).json()
    assert acc["in_flight_jobs"] == 0, acc


async def test_create_cut_off_after_sending_is_found_at_the_provider(
    client: httpx.AsyncClient,
    users,
    dropping: tuple[FakeServer, FakeState, DropAfterCreate],
    worker: JobWorker,
) -> None:
    """The web API lists an account's videos: the attempt is found there, not sent again."""
    server, fake, drop = dropping
    h = await users.create()
    await add_account(client, h, server, "tok-doubt")
    job = await _post(client, h, pixverse_job("cut off"))
    done = await wait_for(client, h, job["id"])
    assert drop.dropped == 1
    assert done["status"] == "completed", done
    assert len(fake.jobs_of("tok-doubt")) == 1  # one create at the provider
    events = _events(done)
    assert "submit in doubt" in events, events
    [recovered] = [e for e in done["history"] if e["event"] == "recovered"]
    assert recovered["how"] == "found at provider"
    [sub] = done["submissions"]
    assert sub["status"] == "succeeded" and not sub["may_be_duplicate"], sub
    assert done["attempts"] == 1 and done["retries"] == 0, done


async def test_create_cut_off_where_the_provider_cannot_be_asked_is_sent_once_more(
    client: httpx.AsyncClient,
    users,
    dropping: tuple[FakeServer, FakeState, DropAfterCreate],
    worker: JobWorker,
) -> None:
    """The platform API has no list: one more attempt, flagged as a possible double charge."""
    server, fake, drop = dropping
    h = await users.create()
    await add_account(client, h, server, "key-doubt", platform=True)
    job = await _post(client, h, pixverse_job("cut off"))
    done = await wait_for(client, h, job["id"])
    assert drop.dropped == 1
    assert done["status"] == "completed", done
    assert len(fake.jobs_of("key-doubt")) == 2  # the provider did run both
    [warning] = [e for e in done["history"] if e["event"] == "resubmitted"]
    assert "charged twice" in warning["warning"]
    subs = done["submissions"]
    assert [s["status"] for s in subs] == ["lost", "succeeded"], subs
    assert all(s["may_be_duplicate"] for s in subs), subs
