"""Security headers on pages and API answers; CORS only for the origins configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.app import create_app
from pixsim7.config import Settings
from tests.conftest import Users

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<script type="module" src="/assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("console.log('app')")
    settings.web_dist_dir = dist
    return settings


def _secured(r: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert r.headers[name] == value, (r.url, name)
    policy = dict(
        part.strip().split(" ", 1) for part in r.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in r.headers["content-security-policy"]


async def test_pages_and_api_answers_carry_security_headers(
    client: httpx.AsyncClient, users: Users
) -> None:
    headers = await users.create()
    page = await client.get("/jobs")  # a client-side route: the app's index.html
    asset = await client.get("/assets/app.js")
    me = await client.get("/api/v1/users/me", headers=headers)
    refused = await client.get("/api/v1/users/me")
    missing = await client.get("/api/v1/nothing-here")
    for r in (page, asset, me, refused, missing):
        _secured(r)
    assert page.status_code == 200 and "<script" in page.text

    # Personal answers are not kept by any cache; the app's files keep their own caching.
    assert me.status_code == 200 and me.headers["cache-control"] == "no-store"
    assert refused.headers["cache-control"] == missing.headers["cache-control"] == "no-store"
    assert page.headers["cache-control"] == "no-cache"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_no_cross_origin_access_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/api/v1/users/me",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    r = await client.get("/api/v1/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


@pytest.fixture
async def cors_app(settings: Settings) -> AsyncIterator[FastAPI]:
    configured = settings.model_copy(update={"cors_origins": ["https://studio.example"]})
    application = create_app(configured)
    async with application.router.lifespan_context(application):
        yield application


async def test_configured_origins_may_call_the_api_with_a_bearer_token(
    cors_app: FastAPI,
) -> None:
    transport = httpx.ASGITransport(app=cors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        asks = {
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        }
        allowed = await c.options(
            "/api/v1/users/me", headers={"Origin": "https://studio.example", **asks}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://studio.example"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in allowed.headers
        other = await c.options(
            "/api/v1/users/me", headers={"Origin": "https://elsewhere.example", **asks}
        )
        assert "access-control-allow-origin" not in other.headers
        r = await c.get("/api/v1/health", headers={"Origin": "https://studio.example"})
        assert r.headers["access-control-allow-origin"] == "https://studio.example"
        _secured(r)


def test_cors_origins_and_trusted_proxies_read_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIXSIM7_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("PIXSIM7_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8"]
    monkeypatch.delenv("PIXSIM7_CORS_ORIGINS")
    monkeypatch.delenv("PIXSIM7_TRUSTED_PROXIES")
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.cors_origins == [] and defaults.trusted_proxies == []
