"""Fake Pixverse, Runway and Sora servers on loopback, shared by the module's tests; settings
point each adapter at its fake, so an account added without a base URL is checked there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse.fake import create_app as pixverse_app
from pixsim7.providers.runway.fake import create_app as runway_app
from pixsim7.providers.sora.fake import create_app as sora_app

API = "/api/v1/accounts"


@pytest.fixture(scope="session")
def pixverse() -> Iterator[FakeServer]:
    with FakeServer(pixverse_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture(scope="session")
def runway() -> Iterator[FakeServer]:
    with FakeServer(runway_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture(scope="session")
def sora() -> Iterator[FakeServer]:
    with FakeServer(sora_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture
def settings(
    settings: Settings, pixverse: FakeServer, runway: FakeServer, sora: FakeServer
) -> Settings:
    settings.pixverse_base_url = pixverse.url
    settings.runway_base_url = runway.url
    settings.sora_base_url = sora.url + "/v1"
    return settings


async def create(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    r = await client.post(API, json={"provider_id": "runway", **body}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())
