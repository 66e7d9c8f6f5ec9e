"""Each error class from the fake Pixverse leads to its handling (providers/base.py)."""

from __future__ import annotations

import httpx

from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import add_account, pixverse_job, wait_for


async def _account(client: httpx.AsyncClient, h: dict[str, str], account_id: int) -> dict:
    r = await client.get(f"/api/v1/accounts/{account_id}", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


async def test_account_errors_move_the_job(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    h = await users.create()
    good = await add_account(client, h, pixverse, "tok-good", priority=0)
    cases = {"auth": "10002", "quota": "500090", "concurrency": "500044"}
    bad = {}
    for cls, code in cases.items():
        bad[cls] = await add_account(
            client, h, pixverse, f"tok-{cls}", priority=10, max_concurrent_jobs=3
        )
        pixverse.state.configure(f"tok-{cls}", errors=[{"code": code, "on": "create"}])
        job = (await client.post("/api/v1/jobs", json=pixverse_job(cls), headers=h)).json()
        done = await wait_for(client, h, job["id"])
        assert done["status"] == "completed", done
        first = done["submissions"][0]
        assert first["account_id"] == bad[cls] and first["error_class"] == cls
        if cls != "concurrency":  # a cooled-down account is not picked again at once
            assert done["account_id"] == good
        # The fake saw exactly one accepted create per successful attempt.
        assert sum(s["status"] == "succeeded" for s in done["submissions"]) == 1
    assert (await _account(client, h, bad["auth"]))["status"] == "auth_failed"
    assert (await _account(client, h, bad["quota"]))["status"] == "exhausted"
    cooled = await _account(client, h, bad["concurrency"])
    assert cooled["status"] == "cooling_down" and cooled["max_concurrent_jobs"] == 2


async def test_job_errors_retry_or_fail(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "tok-jobs", max_concurrent_jobs=5)
    prompts = {
        "transient": "[fail:500069]",
        "output_moderation": "[end:filtered]",
        "input_moderation": "[fail:500063]",
        "invalid": "[fail:400017]",
    }
    ids = {}
    for cls, prompt in prompts.items():
        r = await client.post("/api/v1/jobs", json=pixverse_job(prompt), headers=h)
        ids[cls] = r.json()["id"]
    for cls, job_id in ids.items():
        done = await wait_for(client, h, job_id)
        assert done["status"] == "failed" and done["error_class"] == cls, done
        # retry budget is 2 in these tests: 3 attempts for retried classes, 1 for the rest
        want = 3 if cls in ("transient", "output_moderation") else 1
        assert done["attempts"] == want and len(done["submissions"]) == want, done
        assert done["error_message"]
    pixverse.state.configure("tok-jobs", errors=[{"code": "500069", "on": "create"}])
    job = (await client.post("/api/v1/jobs", json=pixverse_job("once"), headers=h)).json()
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "completed" and done["attempts"] == 2 and done["retries"] == 1
