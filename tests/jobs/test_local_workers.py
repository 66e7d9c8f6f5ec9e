"""The local renderer under several `pixsim7 worker` processes on one PostgreSQL.

A render in progress is known only to the worker process that started it. Before jobs
had a runner, whichever worker polled a job found nothing of a render started by another,
failed it as "render lost" and submitted it again, spending the job's retries with no
fault at all. Now only the runner polls its renders while it lives; once it is gone,
another takes them over, and only the dead worker's renders are done again, uncounted.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7.config import Settings
from pixsim7.jobs.models import Job, Worker
from tests.jobs.conftest import text_job
from tests.jobs.test_crash import CLI, Workers
from tests.jobs.test_resilience import _live

pytestmark = pytest.mark.crash


class RenderWorkers(Workers):
    """Workers with a lease long enough that a busy machine's slow heartbeat is not taken
    for a death: only a killed worker's renders change hands."""

    def start(self) -> subprocess.Popen[bytes]:
        args = ["--lease-seconds", "10", "--tick", "0.05", "--first-poll", "0.1"]
        args += ["--heartbeat", "0.5", "--retry-delay", "0.1"]
        with open(self.tmp / f"worker-{len(self.procs)}.log", "wb") as log:
            proc = subprocess.Popen(
                [str(CLI), "worker", *args],
                env=self.env,
                cwd=self.tmp,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[RenderWorkers]:
    if settings.is_sqlite:
        pytest.skip("several workers is the PostgreSQL deployment")
    pool = RenderWorkers(settings, "", tmp_path)
    pool.env.pop("PIXSIM7_PIXVERSE_BASE_URL")
    yield pool
    pool.stop_all()


async def _start(app: FastAPI, workers: RenderWorkers, n: int) -> list[Worker]:
    """`n` workers, all heartbeating before any job exists (each gets a share)."""
    procs = [workers.start() for _ in range(n)]
    return [await _live(app, proc, 120) for proc in procs]


async def _create(client: httpx.AsyncClient, h: dict[str, str], n: int, **params: Any) -> None:
    jobs = [text_job(f"render {i}") for i in range(n)]
    for job in jobs:
        job["params"] |= params
    r = await client.post("/api/v1/jobs/batch", json={"jobs": jobs}, headers=h)
    assert r.status_code == 201, r.text


async def _jobs(app: FastAPI) -> list[Job]:
    async with app.state.db.session() as session:
        jobs = list((await session.scalars(select(Job).order_by(Job.id))).all())
        await session.commit()
    return jobs


async def _until_done(app: FastAPI, n: int, within: float) -> list[Job]:
    deadline = time.monotonic() + within
    while True:
        jobs = await _jobs(app)
        if len(jobs) == n and all(j.status in ("completed", "failed") for j in jobs):
            return jobs
        assert time.monotonic() < deadline, Counter(j.status for j in jobs)
        await asyncio.sleep(0.2)


def _claimed_by(job: Job) -> list[str]:
    """The workers that took each of the job's attempts, in order."""
    return [e["worker"] for e in job.history if e["event"] == "claimed"]


async def test_forty_renders_on_three_workers_none_lost(
    app: FastAPI, client: httpx.AsyncClient, users, workers: RenderWorkers
) -> None:
    h = await users.create()
    await _start(app, workers, 3)
    await _create(client, h, 40)
    jobs = await _until_done(app, 40, 600)  # (each worker starts its render processes)
    lost = [(j.id, j.history) for j in jobs if j.status != "completed" or j.attempts != 1]
    assert not lost, lost
    assert all(j.retries == 0 and j.error_message is None for j in jobs)
    events = {e["event"] for j in jobs for e in j.history}
    assert events == {"created", "claimed", "submitted", "completed"}, events
    # Renders ran in several workers: each was polled by the one running it.
    runners = Counter(j.runner_id for j in jobs)
    assert len(runners) >= 2 and None not in runners, runners
    assert all(_claimed_by(j) == [j.runner_id] for j in jobs)


async def test_a_killed_worker_s_renders_alone_are_done_again(
    app: FastAPI, client: httpx.AsyncClient, users, workers: RenderWorkers
) -> None:
    h = await users.create()
    live = await _start(app, workers, 3)
    await _create(client, h, 12, duration=10, fps=24)
    deadline = time.monotonic() + 120
    while not (
        running := [j for j in await _jobs(app) if j.status == "processing" and j.runner_id]
    ):
        assert time.monotonic() < deadline, "no render started"
        await asyncio.sleep(0.05)
    victim = next(w for w in live if w.id == running[0].runner_id)
    proc = next(p for p in workers.procs if p.pid == victim.pid)
    renders = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    jobs = await _until_done(app, 12, 600)
    assert all(j.status == "completed" and j.retries == 0 for j in jobs), [
        (j.id, j.status, j.history) for j in jobs
    ]
    redone = {j.id for j in jobs if j.attempts > 1}
    assert running[0].id in redone  # it was mid-render when its worker died
    for job in jobs:
        *earlier, last = _claimed_by(job)
        # Only attempts the killed worker held were done again, by another worker.
        assert all(w == victim.id for w in earlier), job.history
        assert last != victim.id or job.id not in redone, job.history
    # Its render processes did not outlive it (they would wait on their queue forever).
    deadline = time.monotonic() + 15
    while [pid for pid in renders if _running(pid)]:
        assert time.monotonic() < deadline, "render processes outlived their worker"
        await asyncio.sleep(0.1)


def _stat(pid: int | str) -> tuple[str, int] | None:
    """A process's state letter and parent, from /proc; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _children(pid: int) -> list[int]:
    """The processes `pid` started (its render processes)."""
    return [
        int(p.name) for p in Path("/proc").glob("[0-9]*") if (_stat(p.name) or ("", 0))[1] == pid
    ]


def _running(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in "ZX"  # (an exited one nobody reaped yet)
