"""The shared provider HTTP client against a small loopback server."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.http import HttpClient, retry_after_seconds
from tests.conftest import LOOPBACK_POLICY


def _app() -> FastAPI:
    app = FastAPI()
    calls: dict[str, int] = {}
    app.state.calls = calls

    @app.api_route("/flaky", methods=["GET", "POST"])
    async def flaky(request: Request) -> Response:
        calls[request.method] = calls.get(request.method, 0) + 1
        if calls[request.method] < 3:
            return Response("down", status_code=503)
        return JSONResponse({"ok": True})

    @app.get("/limited")
    async def limited() -> Response:
        return Response("slow down", status_code=429, headers={"Retry-After": "7"})

    @app.get("/missing")
    async def missing() -> Response:
        return JSONResponse({"error": "nope"}, status_code=404)

    @app.get("/big")
    async def big() -> Response:
        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: size found while reading
            for _ in range(10):
                yield b"x" * 1000

        return StreamingResponse(chunks(), media_type="video/mp4")

    return app


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(_app()) as srv:
        yield srv


@pytest.fixture
async def client(server: FakeServer) -> AsyncIterator[HttpClient]:
    server.app.state.calls.clear()
    c = HttpClient(server.url, timeout_s=5, policy=LOOPBACK_POLICY)
    yield c
    await c.aclose()


async def test_get_is_retried_and_post_is_not(client: HttpClient, server: FakeServer) -> None:
    assert (await client.request("GET", "/flaky")).json() == {"ok": True}
    assert server.app.state.calls["GET"] == 3
    with pytest.raises(ProviderError) as caught:
        await client.request("POST", "/flaky")
    assert (caught.value.error_class, caught.value.http_status) == (ErrorClass.TRANSIENT, 503)
    assert server.app.state.calls["POST"] == 1


async def test_429_is_transient_with_retry_after(client: HttpClient) -> None:
    with pytest.raises(ProviderError) as caught:
        await client.request("GET", "/limited")
    assert caught.value.error_class == ErrorClass.TRANSIENT and caught.value.retry_after == 7
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after_seconds("soon") is None


async def test_4xx_is_returned_and_passthrough(client: HttpClient) -> None:
    assert (await client.request("GET", "/missing")).status_code == 404
    response = await client.request("POST", "/flaky", passthrough={503})
    assert response.status_code == 503


async def test_network_error_is_transient() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = HttpClient(f"http://127.0.0.1:{port}", timeout_s=2, policy=LOOPBACK_POLICY)
    with pytest.raises(ProviderError) as caught:
        await c.request("POST", "/x")
    assert caught.value.error_class == ErrorClass.TRANSIENT
    await c.aclose()


async def test_stream_download_caps_size_and_leaves_nothing(
    client: HttpClient, tmp_path: Path
) -> None:
    dest = await client.stream_download("/big", tmp_path / "ok.mp4", max_bytes=10_000)
    assert dest.stat().st_size == 10_000
    with pytest.raises(ProviderError) as caught:
        await client.stream_download("/big", tmp_path / "no.mp4", max_bytes=9_999)
    assert caught.value.error_class == ErrorClass.INVALID
    assert sorted(os.listdir(tmp_path)) == ["ok.mp4"]
    with pytest.raises(ProviderError) as missing:
        await client.stream_download("/missing", tmp_path / "m.mp4", max_bytes=10)
    assert missing.value.http_status == 404
