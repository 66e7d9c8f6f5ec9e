from __future__ import annotations

import httpx

from pixsim7 import __version__


async def test_health_reports_database_and_version(client: httpx.AsyncClient, settings) -> None:
    r = await client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == "ok"
    assert body["version"] == __version__
    assert body["redis"] == ("ok" if settings.redis_url else "disabled")
    assert body["database_dialect"] in ("sqlite", "postgresql")


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "bad id\nwith newline"})
    generated = r.headers["x-request-id"]
    assert generated != "bad id\nwith newline" and len(generated) == 32


async def test_unknown_api_route_uses_error_envelope(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_oversize_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/login",
        content=b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
