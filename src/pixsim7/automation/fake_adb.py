"""A fake ADB server: the host side of the ADB smart-socket protocol over TCP, in front of
scripted phones (`fake_app.FakePhone`).

The protocol (OVERVIEW.TXT, SERVICES.TXT in the Android sources): the client sends a
request as four hex digits of length and the text; the server answers ``OKAY`` or
``FAIL`` followed by a hex-length-prefixed message. Host requests served here:
``host:version``, ``host:devices``, ``host:devices-l``, ``host:transport:<serial>``,
``host:transport-any``, ``host:tport:serial:<serial>`` and ``host:tport:any`` (whose
OKAY is followed by the 8-byte transport id), ``host-serial:<serial>:get-state`` and
``:features``, ``host:kill``. After a transport is chosen, the same connection carries one
device service: ``shell:<cmd>`` (output until close), ``shell,v2:<cmd>`` (stdout and exit
packets) or ``exec:<cmd>`` (raw bytes until close, as for ``screencap -p``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from pixsim7.automation.fake_app import FakePhone

VERSION = 41
FEATURES = "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,apex,abb,abb_exec"


class _Fail(Exception):
    pass


def _block(text: str | bytes) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    return f"{len(data):04x}".encode() + data


@dataclass
class FakeAdbServer:
    phones: list[FakePhone] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port, read back after `start`
    requests: list[str] = field(default_factory=list)  # every request, as received
    _server: asyncio.Server | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def phone(self, serial: str) -> FakePhone | None:
        return next((p for p in self.phones if p.serial == serial), None)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> FakeAdbServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[FakeAdbServer]:
        """Serve from a thread of its own (for callers without a running event loop)."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        stop = asyncio.Event()

        async def main() -> None:
            await self.start()
            ready.set()
            await stop.wait()
            await self.stop()

        thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(10)
            loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._session(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
                await writer.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        phone: FakePhone | None = None
        while True:
            request = await _read_request(reader)
            self.requests.append(request)
            try:
                if phone is None:
                    phone, done = self._host(request, writer)
                    if done:
                        break
                    continue
                self._service(phone, request, writer)
                break
            except _Fail as exc:
                writer.write(b"FAIL" + _block(str(exc)))
                break
            finally:
                await writer.drain()

    def _host(self, request: str, writer: asyncio.StreamWriter) -> tuple[FakePhone | None, bool]:
        """Answers a host request; returns (the phone now selected, whether to close)."""
        if request == "host:version":
            writer.write(b"OKAY" + _block(f"{VERSION:04x}"))
        elif request in ("host:devices", "host:devices-l"):
            writer.write(b"OKAY" + _block(self._devices(long=request.endswith("-l"))))
        elif request == "host:kill":
            writer.write(b"OKAY")
        elif request.startswith("host-serial:"):
            serial, _, query = request[len("host-serial:") :].rpartition(":")
            phone = self._find(serial, online=False)
            answers = {"get-state": phone.state, "features": FEATURES, "get-serialno": serial}
            if query not in answers:
                raise _Fail(f"unknown host service '{query}'")
            writer.write(b"OKAY" + _block(answers[query]))
        elif request.startswith(("host:transport:", "host:tport:serial:")):
            phone = self._find(request.rsplit(":", 1)[1])
            writer.write(b"OKAY" + self._transport_id(request, phone))
            return phone, False
        elif request in ("host:transport-any", "host:tport:any"):
            online = [p for p in self.phones if p.state == "device"]
            if len(online) != 1:
                raise _Fail("no devices/emulators found" if not online else "more than one device")
            writer.write(b"OKAY" + self._transport_id(request, online[0]))
            return online[0], False
        else:
            raise _Fail(f"unknown host service '{request}'")
        return None, True

    def _transport_id(self, request: str, phone: FakePhone) -> bytes:
        if not request.startswith("host:tport:"):
            return b""
        return (self.phones.index(phone) + 1).to_bytes(8, "little")

    def _find(self, serial: str, *, online: bool = True) -> FakePhone:
        phone = self.phone(serial)
        if phone is None:
            raise _Fail(f"device '{serial}' not found")
        if online and phone.state != "device":
            raise _Fail(f"device {phone.state}")
        return phone

    def _devices(self, *, long: bool) -> str:
        lines = []
        for i, p in enumerate(self.phones, start=1):
            if long:
                lines.append(
                    f"{p.serial:<22} {p.state} product:{p.model.lower()} model:{p.model} "
                    f"device:{p.model.lower()} transport_id:{i}"
                )
            else:
                lines.append(f"{p.serial}\t{p.state}")
        return "".join(line + "\n" for line in lines)

    def _service(self, phone: FakePhone, request: str, writer: asyncio.StreamWriter) -> None:
        kind, _, command = request.partition(":")
        if kind not in ("shell", "shell,v2", "exec"):
            raise _Fail(f"unknown service '{kind}'")
        output, status = phone.shell(command)
        writer.write(b"OKAY")
        if kind == "shell,v2":
            writer.write(b"\x01" + len(output).to_bytes(4, "little") + output)
            writer.write(b"\x03" + (1).to_bytes(4, "little") + bytes([status & 0xFF]))
        else:
            writer.write(output)


async def _read_request(reader: asyncio.StreamReader) -> str:
    size = int((await reader.readexactly(4)).decode("ascii"), 16)
    return (await reader.readexactly(size)).decode("utf-8")
