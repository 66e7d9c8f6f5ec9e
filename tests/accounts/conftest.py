"""Fake Pixverse and Runway servers on loopback, shared by the module's tests; settings
point the Pixverse adapter (whose session import uses the default URL) at the fake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse.fake import create_app as pixverse_app
from pixsim7.providers.runway.fake import create_app as runway_app

API = "/api/v1/accounts"


@pytest.fixture(scope="session")
def pixverse() -> Iterator[FakeServer]:
    with FakeServer(pixverse_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture(scope="session")
def runway() -> Iterator[FakeServer]:
    with FakeServer(runway_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture
def settings(settings: Settings, pixverse: FakeServer) -> Settings:
    settings.pixverse_base_url = pixverse.url
    return settings


async def create(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    r = await client.post(API, json={"provider_id": "runway", **body}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())
