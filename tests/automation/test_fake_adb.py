"""The fake ADB server speaks the host protocol: raw requests over TCP, and adbutils (what
the server and the device agent use) through `adb.AdbServer`."""

from __future__ import annotations

import asyncio

import pytest

from pixsim7.automation import adb, hierarchy
from pixsim7.automation.fake_adb import FakeAdbServer
from pixsim7.automation.fake_app import FakeAccount, FakePhone, pixverse_phone


async def _request(port: int, *requests: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for request in requests:
        data = request.encode()
        writer.write(f"{len(data):04x}".encode() + data)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer


async def test_the_host_protocol_on_the_wire() -> None:
    phones = [pixverse_phone("emulator-5554", {}), FakePhone("R58N", state="offline")]
    async with FakeAdbServer(phones) as server:
        assert await _request(server.port, "host:version") == b"OKAY00040029"
        listed = await _request(server.port, "host:devices")
        assert listed == b"OKAY0022emulator-5554\tdevice\nR58N\toffline\n"
        long = (await _request(server.port, "host:devices-l")).decode()
        assert "model:Pixel_7" in long and "transport_id:1" in long
        shell = await _request(server.port, "host:transport:emulator-5554", "shell:echo hi")
        assert shell == b"OKAYOKAYhi\n"
        tport = await _request(server.port, "host:tport:serial:emulator-5554", "exec:echo x")
        assert tport == b"OKAY" + (1).to_bytes(8, "little") + b"OKAYx\n"
        v2 = await _request(server.port, "host:transport-any", "shell,v2:nope")
        assert v2.startswith(b"OKAYOKAY\x01") and v2.endswith(b"\x03\x01\x00\x00\x00\x7f")
        missing = await _request(server.port, "host:transport:nope")
        assert missing == b"FAIL0017device 'nope' not found"
        offline = await _request(server.port, "host:transport:R58N")
        assert offline == b"FAIL000edevice offline"
        unknown = await _request(server.port, "host:frobnicate")
        assert unknown.startswith(b"FAIL")


async def test_adbutils_lists_devices_and_runs_commands() -> None:
    phone = pixverse_phone("emulator-5554", {"a@b.c": FakeAccount("pw")})
    async with FakeAdbServer([phone, FakePhone("R58N", state="unauthorized")]) as fake:
        server = adb.AdbServer(fake.address)
        assert await server.version() == 41
        devices = {d.serial: d for d in await server.devices()}
        assert devices["emulator-5554"].online
        assert devices["emulator-5554"].model == "Pixel_7"
        assert devices["emulator-5554"].android_version == "14"
        assert devices["R58N"].state == "unauthorized" and devices["R58N"].android_version is None
        device = server.device("emulator-5554")
        assert await device.shell("monkey -p com.pixverse.pixverse 1") == "Events injected: 1"
        await device.shell("uiautomator dump /sdcard/d.xml")
        nodes = hierarchy.parse(await device.shell("cat /sdcard/d.xml"))
        assert any(n.text == "Log in" for n in nodes)
        png = await device.exec("screencap -p")
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        with pytest.raises(adb.AdbError, match="not found"):
            await server.device("nope").shell("echo")


async def test_a_server_that_is_down_is_an_error_not_a_started_adb() -> None:
    async with FakeAdbServer() as fake:
        address = fake.address
    with pytest.raises(adb.AdbError, match="unreachable"):
        await adb.AdbServer(address).devices()
