"""A job's error is its final outcome's: a job that completed (or was cancelled) after a
failed attempt shows none, and earlier attempts are in its history and submissions in
words a user understands, never a Python internal."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import time

import httpx
from fastapi import FastAPI

from pixsim7.jobs import messages
from pixsim7.jobs.outcomes import RetryPolicy
from pixsim7.jobs.worker import JobWorker, running
from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.local import LocalProvider
from tests.jobs.conftest import FAST, add_account, app_runtime, pixverse_job, text_job, wait_for

HIGH_LOAD = "500069"  # Pixverse: transient, retried
PRE_REVIEW = "500063"  # Pixverse: the prompt refused (input moderation), not retried


async def test_a_job_completed_after_a_failed_attempt_shows_no_error(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "flaky-once")
    pixverse.state.configure("flaky-once", errors=[{"code": HIGH_LOAD, "on": "create"}])
    job = (await client.post("/api/v1/jobs", json=pixverse_job("a fox"), headers=h)).json()
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "completed", done
    assert (done["error_class"], done["error_message"]) == (None, None)
    assert done["retries"] == 1  # the failure was a real one: it used the retry budget
    first, second = done["submissions"]
    assert (first["status"], first["error_class"]) == ("rejected", "transient")
    assert first["error_message"].startswith(f"Pixverse error {HIGH_LOAD}")
    assert (second["status"], second["error_message"]) == ("succeeded", None)
    [requeued] = [e for e in done["history"] if e["event"] == "requeued"]
    assert requeued["message"] == first["error_message"]
    listed = (await client.get("/api/v1/jobs", headers=h)).json()["items"]
    assert [(j["id"], j["error_message"]) for j in listed] == [(job["id"], None)]


async def test_a_failed_job_shows_its_last_attempts_error(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "flaky-then-refused")
    pixverse.state.configure(
        "flaky-then-refused",
        errors=[{"code": HIGH_LOAD, "on": "create"}, {"code": PRE_REVIEW, "on": "create"}],
    )
    job = (await client.post("/api/v1/jobs", json=pixverse_job("no"), headers=h)).json()
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "failed", done
    assert done["error_class"] == "input_moderation"
    assert done["error_message"].startswith(f"Pixverse error {PRE_REVIEW}")
    assert [s["error_class"] for s in done["submissions"]] == ["transient", "input_moderation"]


async def test_a_job_cancelled_while_waiting_to_retry_shows_no_error(
    app: FastAPI, client: httpx.AsyncClient, users, builtin: int, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "flaky-cancelled")
    pixverse.state.configure("flaky-cancelled", errors=[{"code": HIGH_LOAD, "on": "create"}])
    slow_retry = dataclasses.replace(FAST, retry=RetryPolicy(base_delay_s=600))
    async with running(app_runtime(app, slow_retry)):
        job = (await client.post("/api/v1/jobs", json=pixverse_job("wait"), headers=h)).json()
        waiting = await wait_for(client, h, job["id"], lambda j: j["retries"] == 1)
        assert waiting["status"] == "pending" and waiting["error_message"] is None
        assert waiting["wait_reason"].startswith("retrying after transient error")
        r = await client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=h)
        assert r.status_code == 200, r.text
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "cancelled"
    assert (done["error_class"], done["error_message"]) == (None, None)


async def test_a_killed_render_is_sent_again_uncounted_and_in_plain_words(
    app: FastAPI, client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    """The render process dies under a running job (killed, out of memory): the job is
    submitted again without using its retry budget, completes with no error, and its
    history says what happened without Python's words for it."""
    h = await users.create()
    long = text_job("long")
    long["params"] |= {"duration": 20, "fps": 30}
    job = (await client.post("/api/v1/jobs", json=long, headers=h)).json()
    await wait_for(client, h, job["id"], lambda j: (j["progress"] or 0) > 0, within=60)
    _kill_renderers(app)
    done = await wait_for(client, h, job["id"], within=120)
    assert done["status"] == "completed", done
    assert (done["error_class"], done["error_message"], done["retries"]) == (None, None, 0)
    lost, ok = done["submissions"]
    assert (lost["status"], ok["status"]) == ("lost", "succeeded")
    [interrupted] = [e for e in done["history"] if e["event"] == "interrupted"]
    assert interrupted["message"] == (
        "the render was interrupted: its process stopped (killed, or out of memory)"
    )
    assert "process pool" not in json.dumps(done)


async def test_a_render_lost_every_time_ends_after_max_attempts(
    app: FastAPI, client: httpx.AsyncClient, users, builtin: int
) -> None:
    """Free resubmission is bounded: a renderer that dies on every try does not loop."""
    h = await users.create()
    few = dataclasses.replace(FAST, retry=dataclasses.replace(FAST.retry, max_attempts=2))
    long = text_job("doomed")
    long["params"] |= {"duration": 20, "fps": 30}
    async with running(app_runtime(app, few)):
        job = (await client.post("/api/v1/jobs", json=long, headers=h)).json()
        deadline = time.monotonic() + 120
        while (current := await wait_for(client, h, job["id"], lambda _: True))["status"] not in (
            "failed",
            "completed",
        ):
            if (current["progress"] or 0) > 0:
                _kill_renderers(app)
            assert time.monotonic() < deadline, current
            await asyncio.sleep(0.05)
    assert current["status"] == "failed", current
    assert current["attempts"] == 2 and current["retries"] == 0
    assert current["error_message"] == (
        "the render was interrupted: its process stopped (killed, or out of memory); "
        "stopped after 2 attempts"
    )


def _kill_renderers(app: FastAPI) -> None:
    """SIGKILL the local provider's render processes, as the out-of-memory killer would."""
    local = app.state.registry.get("local")
    assert isinstance(local, LocalProvider)
    pool = local._pool
    for pid in list(pool._processes or {}) if pool is not None else []:
        with contextlib.suppress(ProcessLookupError):  # (a broken pool's are gone already)
            os.kill(pid, signal.SIGKILL)


def test_internal_errors_read_as_plain_sentences() -> None:
    provider = ProviderError("Pixverse error 500069: high load", error_class=ErrorClass.TRANSIENT)
    assert messages.plain(provider, step="submitting it", job_id=1) == provider.message
    internal = FileNotFoundError(2, "No such file or directory", "/srv/pixsim7/data/media/ab/x")
    text = messages.plain(internal, step="storing its output", job_id=1)
    assert text == "an unexpected error while storing its output; the details are in the server log"
