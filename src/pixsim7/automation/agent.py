"""`pixsim7 device-agent`: runs on the machine the phones or emulators are plugged into.

It pairs once (the code from the web app buys it a token of its own, kept in a 0600 file),
then connects out to the server, so it works behind NAT: a heartbeat with the devices its
ADB server sees, and a long poll for ADB commands, each run against the local ADB server
and answered. A revoked token stops it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pixsim7 import __version__
from pixsim7.automation.adb import AdbError, AdbServer
from pixsim7.logging import get_logger

log = get_logger(__name__)
PREFIX = "/api/v1/automation/agent"
WAIT_S = 20.0  # the long poll; the server ends it sooner when a command comes
PARALLEL = 8  # commands run at once (one per device, mostly)


class Revoked(Exception):
    """The server no longer takes this agent's token."""


def default_token_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "pixsim7" / "device-agent-token"


def save_token(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    os.replace(tmp, path)


@dataclass
class DeviceAgentClient:
    server: str
    adb_address: str
    token: str | None = None
    heartbeat_s: float = 10.0
    wait_s: float = WAIT_S
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def _client(self) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.AsyncClient(
            base_url=self.server.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(10.0, read=self.wait_s + 15.0),
        )

    async def pair(self, code: str) -> str:
        """Trades the pairing code for this agent's own token."""
        async with httpx.AsyncClient(base_url=self.server.rstrip("/"), timeout=15.0) as client:
            r = await client.post(
                f"{PREFIX}/pair",
                json={"hostname": socket.gethostname()[:255], "version": __version__},
                headers={"Authorization": f"Bearer {code}"},
            )
        if r.status_code == 401:
            raise Revoked("the pairing code is unknown, used or expired")
        r.raise_for_status()
        self.token = str(r.json()["token"])
        return self.token

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Heartbeat and commands until stopped (or revoked: Revoked)."""
        async with self._client() as client:
            tasks = [
                asyncio.create_task(self._heartbeats(client)),
                asyncio.create_task(self._commands(client)),
            ]
            stopper = asyncio.create_task(self._stop.wait())
            try:
                done, _ = await asyncio.wait([*tasks, stopper], return_when="FIRST_COMPLETED")
                for task in done:
                    if task is not stopper and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
            finally:
                for task in [*tasks, stopper]:
                    task.cancel()
                await asyncio.gather(*tasks, stopper, return_exceptions=True)

    async def heartbeat(self, client: httpx.AsyncClient) -> None:
        try:
            found = await AdbServer(self.adb_address).devices()
        except AdbError as exc:
            log.warning("ADB server unreachable", address=self.adb_address, error=str(exc))
            found = []
        devices = [
            {
                "serial": d.serial,
                "state": d.state,
                "model": d.model,
                "android_version": d.android_version,
            }
            for d in found
        ]
        r = await client.post(
            f"{PREFIX}/heartbeat",
            json={
                "devices": devices,
                "hostname": socket.gethostname()[:255],
                "version": __version__,
            },
        )
        _check(r)

    async def _heartbeats(self, client: httpx.AsyncClient) -> None:
        while True:
            try:
                await self.heartbeat(client)
            except httpx.HTTPError as exc:
                log.warning("heartbeat failed", error=str(exc))
            await asyncio.sleep(self.heartbeat_s)

    async def _commands(self, client: httpx.AsyncClient) -> None:
        limit = asyncio.Semaphore(PARALLEL)
        running: set[asyncio.Task[None]] = set()
        while True:
            try:
                r = await client.post(f"{PREFIX}/commands/next", params={"wait_s": self.wait_s})
                _check(r)
            except httpx.HTTPError as exc:
                log.warning("taking commands failed", error=str(exc))
                await asyncio.sleep(2)
                continue
            command = r.json()
            if not command:
                continue
            await limit.acquire()
            task = asyncio.create_task(self._run(client, command))
            running.add(task)
            task.add_done_callback(running.discard)
            task.add_done_callback(lambda _: limit.release())

    async def _run(self, client: httpx.AsyncClient, command: dict[str, object]) -> None:
        device = AdbServer(self.adb_address).device(str(command["serial"]))
        output, error = b"", None
        try:
            if command["op"] == "exec":
                output = await device.exec(str(command["command"]))
            else:
                output = (await device.shell(str(command["command"]))).encode()
        except AdbError as exc:
            error = str(exc)[:2000] or "ADB error"
        with contextlib.suppress(httpx.HTTPError):
            r = await client.post(
                f"{PREFIX}/commands/{command['id']}/result",
                json={"output_b64": base64.b64encode(output).decode(), "error": error},
            )
            if r.status_code not in (204, 404):  # 404: given up on meanwhile
                log.warning("answering a command failed", status=r.status_code)


def _check(r: httpx.Response) -> None:
    if r.status_code == 401:
        raise Revoked("the server refused this agent's token (revoked?); pair it again")
    r.raise_for_status()
