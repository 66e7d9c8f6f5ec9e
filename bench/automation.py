"""Automation figures: what an action costs over the ADB protocol (the fake ADB server on
loopback, adbutils in threads, as the server drives a local ADB server).

    .venv/bin/python bench/automation.py [--rounds 50]

Prints the median and p90 of: one `shell:` round trip (`echo`), one UI dump (`uiautomator
dump` then `cat`: two round trips and the parse), a tap on an element (a dump and a tap),
a screenshot (`exec:screencap -p`), and the built-in log-in preset end to end with its
fixed waits cut to zero. Then the same `shell:` round trip to a device behind a device
agent: the API live in uvicorn (SQLite), the real agent client paired and long-polling it
over HTTP, the command relayed as a database row (`relay.AgentDevice`), against the direct
round trip: the relay's extra latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import uvicorn

from pixsim7 import migrate
from pixsim7.accounts import credentials
from pixsim7.app import create_app
from pixsim7.automation import actions, adb, seeds
from pixsim7.automation.agent import DeviceAgentClient
from pixsim7.automation.executor import Executor
from pixsim7.automation.fake_adb import FakeAdbServer
from pixsim7.automation.fake_app import FakeAccount, pixverse_phone
from pixsim7.automation.relay import AgentDevice
from pixsim7.automation.variables import Secrets
from pixsim7.config import Settings
from pixsim7.db import Database


async def _time(rounds: int, step: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    took = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await step()
        took.append((time.perf_counter() - t0) * 1000)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.9) - 1]


def _live(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


async def relay(rounds: int, address: str, serial: str) -> tuple[float, float]:
    """A `shell:` round trip through a paired agent (the API live, the agent over HTTP)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=data,
            database_url=f"sqlite+aiosqlite:///{data / 'relay.db'}",
            secret_key="bench-secret-key-that-is-long-enough-for-hkdf",  # type: ignore[arg-type]
            web_dist_dir=data / "no-web",
            allow_registration=True,
            adb_address="",
        )
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        server, thread, url = _live(settings)
        db = Database(settings.database_url)
        agent_task = None
        try:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                r = await client.post(
                    "/api/v1/auth/register", json={"email": "b@e.ch", "password": "bench-pass-1"}
                )
                r.raise_for_status()
                auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
                r = await client.post(
                    "/api/v1/automation/agents", json={"name": "bench"}, headers=auth
                )
                r.raise_for_status()
                pairing = r.json()
                agent = DeviceAgentClient(server=url, adb_address=address)
                await agent.pair(pairing["pairing_code"])
                agent_task = asyncio.create_task(agent.run())
                for _ in range(400):
                    found = (await client.get("/api/v1/automation/devices", headers=auth)).json()
                    if found and found[0]["status"] == "online":
                        break
                    await asyncio.sleep(0.05)
                else:
                    raise RuntimeError("the agent's device never showed")
            device = AgentDevice(
                db, credentials.box(settings), agent_id=pairing["agent"]["id"], serial=serial
            )
            await device.shell("echo warm")
            return await _time(rounds, lambda: device.shell("echo x"))
        finally:
            if agent_task is not None:
                agent_task.cancel()
                await asyncio.gather(agent_task, return_exceptions=True)
            await db.dispose()
            server.should_exit = True
            thread.join(timeout=30)


async def main(rounds: int) -> None:
    phone = pixverse_phone("emulator-5554", {"a@b.c": FakeAccount("pw")})
    async with FakeAdbServer([phone]) as server:
        device = adb.AdbServer(server.address).device(phone.serial)
        await device.shell("monkey -p com.pixverse.pixverse 1")
        run = Executor(
            device, values={"email": "a@b.c", "password": "pw"}, secrets=Secrets.of(["pw"])
        )
        tap = actions.parse([{"type": "tap", "element": {"resource_id": "btn_signup"}}])
        login = actions.parse(seeds.LOGIN)
        for action in login:
            if isinstance(action, actions.Wait):
                action.seconds = 0

        async def screenshot() -> bytes:
            return await device.exec("screencap -p")

        figures = {
            "shell round trip": await _time(rounds, lambda: device.shell("echo x")),
            "UI dump (2 round trips + parse)": await _time(rounds, run._screen),
            "tap on an element": await _time(rounds, lambda: run.run(tap)),
            "screenshot (exec:screencap)": await _time(rounds, screenshot),
            "built-in log-in preset": await _time(max(3, rounds // 10), lambda: run.run(login)),
        }
        figures["shell round trip behind an agent"] = await relay(
            rounds, server.address, phone.serial
        )
    load = os.getloadavg()[0]
    print(f"automation over the ADB protocol, {rounds} rounds, load average {load:.1f}")
    for name, (p50, p90) in figures.items():
        print(f"  {name:34} p50 {p50:7.1f} ms   p90 {p90:7.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    asyncio.run(main(parser.parse_args().rounds))
