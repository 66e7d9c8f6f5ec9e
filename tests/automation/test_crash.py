"""A real `pixsim7 worker` killed (-9) in the middle of an execution: once its lease lapses
the execution is failed with the reason and the device is free for the next one, which a
second worker runs. The phone is the fake one behind the fake ADB server (this process)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.config import Settings
from tests.automation.conftest import API, Phones, share_local_devices
from tests.conftest import TEST_SECRET, Users

pytestmark = pytest.mark.crash
CLI = Path(sys.executable).parent / "pixsim7"
LEASE_S = 5


def _worker(settings: Settings, tmp: Path, n: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PIXSIM7_DATABASE_URL": settings.effective_database_url,
        "PIXSIM7_DATA_DIR": str(settings.data_dir),
        "PIXSIM7_SECRET_KEY": TEST_SECRET,
        "PIXSIM7_REDIS_PREFIX": settings.redis_prefix,
        "PIXSIM7_PIXVERSE_BASE_URL": settings.pixverse_base_url,
        "PIXSIM7_ADB_ADDRESS": settings.adb_address,
        "PIXSIM7_AUTOMATION_LEASE_S": str(LEASE_S),
        "PIXSIM7_LOG_LEVEL": "WARNING",
    }
    if settings.redis_url:
        env["PIXSIM7_REDIS_URL"] = settings.redis_url
    with open(tmp / f"worker-{n}.log", "wb") as log:
        return subprocess.Popen(
            [str(CLI), "worker", "--tick", "0.1"],
            env=env,
            cwd=tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def _status(client: httpx.AsyncClient, headers: dict[str, str], execution_id: int) -> dict:
    return dict((await client.get(f"{API}/executions/{execution_id}", headers=headers)).json())


async def _until(
    client: httpx.AsyncClient, headers: dict, execution_id: int, check: object
) -> dict:
    assert callable(check)
    for _ in range(1200):
        body = await _status(client, headers, execution_id)
        if check(body):
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting: {body}")


async def test_a_worker_killed_mid_execution(
    client: httpx.AsyncClient,
    app: FastAPI,
    users: Users,
    phones: Phones,
    settings: Settings,
    tmp_path: Path,
) -> None:
    admin = await users.create(admin=True)
    await share_local_devices(client, admin)
    r = await client.post(
        f"{API}/presets",
        json={
            "name": "long",
            "actions": [{"type": "key", "key": "home"}, {"type": "wait", "seconds": 120}],
        },
        headers=admin,
    )
    preset_id = r.json()["id"]
    first = (
        await client.post(f"{API}/executions", json={"preset_id": preset_id}, headers=admin)
    ).json()
    worker = _worker(settings, tmp_path, 0)
    try:
        await _until(client, admin, first["id"], lambda b: b["status"] == "running" and b["logs"])
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        r = await client.post(
            f"{API}/presets",
            json={"name": "short", "actions": [{"type": "key", "key": "home"}]},
            headers=admin,
        )
        second = (
            await client.post(
                f"{API}/executions", json={"preset_id": r.json()["id"]}, headers=admin
            )
        ).json()
        worker = _worker(settings, tmp_path, 1)
        lost = await _until(client, admin, first["id"], lambda b: b["status"] != "running")
        assert lost["status"] == "failed" and "lease lapsed" in lost["error_message"]
        done = await _until(client, admin, second["id"], lambda b: b["status"] == "completed")
        assert done["device_id"] == lost["device_id"]
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=15)
