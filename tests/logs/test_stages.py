"""A job's stages, found by its id: in one process, and across the API process and a
`pixsim7 worker` process sharing the database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from pixsim7.config import Settings
from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from tests.conftest import LOOPBACK, TEST_SECRET, Users
from tests.jobs.conftest import add_account, pixverse_job, text_job, wait_for
from tests.logs.conftest import stored

CLI = Path(sys.executable).parent / "pixsim7"
LIFE = ["created", "claimed", "submitting", "submitted", "polled", "completed"]
OUTPUT = ["downloaded", "ingested"]


def _names(timeline: dict[str, Any]) -> list[str]:
    return [s["stage"] for s in timeline["stages"]]


def _life(names: list[str]) -> list[str]:
    """The life stages in the order first seen (a job is polled more than once)."""
    return list(dict.fromkeys(n for n in names if n in LIFE))


def _start_worker(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    args = ["--tick", "0.05", "--first-poll", "0.1", "--heartbeat", "0.5"]
    with open(tmp_path / "worker.log", "wb") as out:
        return subprocess.Popen(
            [str(CLI), "worker", *args], env=env, cwd=tmp_path, stdout=out, stderr=out
        )


async def test_a_jobs_stages_with_durations(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    worker: JobWorker,
    db_logs: None,
) -> None:
    headers = await users.create()
    r = await client.post(
        "/api/v1/jobs", json=text_job(), headers={**headers, "X-Request-ID": "make-it-1"}
    )
    job_id = r.json()["id"]
    assert (await wait_for(client, headers, job_id))["status"] == "completed"
    await stored(app)
    r = await client.get(f"/api/v1/logs/jobs/{job_id}/timeline", headers=headers)
    assert r.status_code == 200, r.text
    stages = r.json()["stages"]
    names = _names(r.json())
    # The render's output is taken in while the round that saw it finish runs.
    assert _life(names) == LIFE and set(OUTPUT) <= set(names)
    by = {s["stage"]: s for s in stages}
    assert by["submitted"]["extra"]["provider_job_id"]
    assert all(by[n]["duration_ms"] is not None for n in ("claimed", "submitted", "completed"))
    assert by["ingested"]["extra"]["asset_id"] and by["downloaded"]["duration_ms"] is not None
    assert all(s["provider"] == "local" for s in stages)
    assert by["claimed"]["worker_id"] == worker.rt.worker_id
    # The creating request's lines are found by its id.
    lines = await client.get("/api/v1/logs?request_id=make-it-1", headers=headers)
    events = {item["event"] for item in lines.json()["items"]}
    assert {"job created", "request"} <= events
    # Someone else's job: not found.
    other = await users.create()
    r = await client.get(f"/api/v1/logs/jobs/{job_id}/timeline", headers=other)
    assert r.status_code == 404


async def test_stages_across_an_api_and_a_worker_process(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    settings: Settings,
    pixverse: FakeServer,
    tmp_path: Path,
    db_logs: None,
) -> None:
    headers = await users.create()
    await add_account(client, headers, pixverse, "tok-stages")
    r = await client.post("/api/v1/jobs", json=pixverse_job("two processes"), headers=headers)
    job_id = r.json()["id"]
    env = {
        **os.environ,
        "PIXSIM7_DATABASE_URL": settings.effective_database_url,
        "PIXSIM7_DATA_DIR": str(settings.data_dir),
        "PIXSIM7_SECRET_KEY": TEST_SECRET,
        "PIXSIM7_REDIS_URL": settings.redis_url or "",
        "PIXSIM7_REDIS_PREFIX": settings.redis_prefix,
        "PIXSIM7_OUTBOUND_ALLOW": LOOPBACK,
        "PIXSIM7_LOG_LEVEL": "INFO",
        "PIXSIM7_LOG_DB_FLUSH_S": "0.1",
    }
    if not settings.redis_url:
        env.pop("PIXSIM7_REDIS_URL")
    proc = _start_worker(env, tmp_path)
    try:
        for _ in range(600):
            job = (await client.get(f"/api/v1/jobs/{job_id}", headers=headers)).json()
            if job["status"] in ("completed", "failed"):
                break
            await asyncio.sleep(0.05)
        assert job["status"] == "completed", job
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)  # its sink writes what it holds as it stops
    await stored(app)
    timeline = (await client.get(f"/api/v1/logs/jobs/{job_id}/timeline", headers=headers)).json()
    stages = timeline["stages"]
    assert _names(timeline)[:1] == ["created"] and stages[0]["process"] == "api"
    rest = stages[1:]
    assert _life([s["stage"] for s in rest]) == LIFE[1:], _names(timeline)
    assert set(OUTPUT) <= {s["stage"] for s in rest}
    assert {s["process"] for s in rest} == {"worker"}
    assert (
        len({s["worker_id"] for s in rest}) == 1 and rest[0]["worker_id"] != stages[0]["worker_id"]
    )
    # The worker's own lines (not about the job) are there too, for admins.
    admin = await users.create(admin=True)
    r = await client.get("/api/v1/logs?process=worker&q=worker%20started", headers=admin)
    assert r.json()["items"], r.text
