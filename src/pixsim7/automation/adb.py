"""Talking to an ADB server (`adb start-server`, or the one a device agent runs beside) with
adbutils, which speaks its TCP protocol in pure Python.

adbutils is synchronous: its calls run in threads. Its connection would start an ``adb``
binary when the server does not answer; ours never does (a server that is down is a
device that is offline, not a process to spawn).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import adbutils
from adbutils import AdbConnection

DEFAULT_PORT = 5037
CONNECT_TIMEOUT_S = 3.0
SHELL_TIMEOUT_S = 30.0
MAX_OUTPUT_BYTES = 16 * 1024 * 1024  # a screenshot is a few MB at most
T = TypeVar("T")


class AdbError(Exception):
    """The ADB server is unreachable, or refused the request (its FAIL message)."""


class DeviceIO(Protocol):
    """One device: what the executor needs of it."""

    async def shell(self, command: str) -> str: ...

    async def exec(self, command: str) -> bytes: ...


@dataclass(frozen=True)
class DeviceInfo:
    serial: str
    state: str  # device, offline, unauthorized, ...
    model: str | None = None
    android_version: str | None = None

    @property
    def online(self) -> bool:
        return self.state == "device"


def parse_address(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep:
        return address, DEFAULT_PORT
    try:
        return host.strip("[]") or "127.0.0.1", int(port)
    except ValueError as exc:
        raise AdbError(f"bad ADB server address {address!r}") from exc


class _Connection(AdbConnection):
    def _safe_connect(self) -> socket.socket:
        # Never `adb start-server`; and the socket is closed when the connect fails.
        host, port = self._address
        try:
            return socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:
            raise AdbError(f"the ADB server at {host}:{port} is unreachable") from exc

    def __init__(self, host: str, port: int) -> None:
        self._address = (host, port)
        super().__init__(host, port)


_opened = threading.local()


class _Client(adbutils.AdbClient):
    def make_connection(self, timeout: float | None = None) -> AdbConnection:
        conn = _Connection(self.host, self.port)
        conn.conn.settimeout(timeout or SHELL_TIMEOUT_S)
        # adbutils leaves a connection open when the server answers FAIL: `_call` closes
        # whatever the call opened once it returns.
        getattr(_opened, "conns", []).append(conn)
        return conn


class AdbServer:
    def __init__(self, address: str) -> None:
        self.address = address
        host, port = parse_address(address)
        self._client = _Client(host=host, port=port, socket_timeout=SHELL_TIMEOUT_S)

    async def version(self) -> int:
        return await _call(self._client.server_version)

    async def devices(self) -> list[DeviceInfo]:
        """Every device the server knows, with model and Android version of those online."""
        listed = await _call(self._client.list, True)
        found = []
        for info in listed:
            model = info.tags.get("model")
            release = None
            if info.state == "device":
                device = self.device(info.serial)
                try:
                    release = (await device.shell("getprop ro.build.version.release")) or None
                    model = model or (await device.shell("getprop ro.product.model")) or None
                except AdbError:
                    pass
            found.append(DeviceInfo(info.serial, info.state, model, release))
        return found

    def device(self, serial: str) -> AdbDevice:
        return AdbDevice(self._client, serial)


class AdbDevice:
    def __init__(self, client: adbutils.AdbClient, serial: str) -> None:
        self._device = client.device(serial)
        self.serial = serial

    async def shell(self, command: str) -> str:
        """The command's output (stdout and stderr), without the trailing newline."""
        return await _call(self._device.shell, command, timeout=SHELL_TIMEOUT_S)

    async def exec(self, command: str) -> bytes:
        """The command's raw output (``exec:``: no terminal, so binary data is untouched)."""
        return await _call(self._exec, command)

    def _exec(self, command: str) -> bytes:
        with self._device.open_transport(timeout=SHELL_TIMEOUT_S) as conn:
            conn.send_command("exec:" + command)
            conn.check_okay()
            chunks, size = [], 0
            while chunk := conn.read(65536):
                size += len(chunk)
                if size > MAX_OUTPUT_BYTES:
                    raise AdbError("the command's output is too large")
                chunks.append(chunk)
            return b"".join(chunks)


def _closing(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    _opened.conns = []
    try:
        return fn(*args, **kwargs)
    finally:
        for conn in _opened.conns:
            conn.close()
        _opened.conns = []


async def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return await asyncio.to_thread(_closing, fn, *args, **kwargs)
    except AdbError:
        raise
    except (adbutils.AdbError, OSError, EOFError) as exc:
        raise AdbError(str(exc) or type(exc).__name__) from exc
