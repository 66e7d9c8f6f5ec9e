"""Moderation is not paid for twice: a refusal of the prompt or the input image fails the
job after one create at every provider; only a refusal the provider documents as
output-side is retried, within the budget, and not where the provider asks not to
(docs/providers.md, "Moderation"). Run through the worker against each fake."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse.fake import create_app as pixverse_app
from pixsim7.providers.runway.fake import create_app as runway_app
from pixsim7.providers.sora.fake import create_app as sora_app
from tests.conftest import Users
from tests.jobs.conftest import wait_for

BUDGET = 2  # tests.jobs.conftest.FAST: 1 + 2 retries


@dataclass(frozen=True)
class Case:
    make_fake: Callable[[], FastAPI]
    mount: str  # where the fake's API sits under its URL
    credential: str
    pool: str
    params: dict[str, Any]
    # prompt marker -> (error class of the failed job, creates the fake saw)
    outcomes: dict[str, tuple[str, int]]


CASES = {
    "pixverse": Case(
        lambda: pixverse_app(job_seconds=0.2, limit=None),
        "",
        "jwt_token",
        "web",
        {},
        {
            "[fail:500063]": ("input_moderation", 1),  # pre-review of the prompt or image
            "[fail:500054]": ("input_moderation", 1),  # the input image
            "[end:filtered]": ("output_moderation", 1 + BUDGET),  # status 7: the output
        },
    ),
    "sora": Case(
        lambda: sora_app(job_seconds=0.2, limit=None),
        "/v1",
        "api_key",
        "usd_cents",
        {},
        {
            "[fail:moderation_blocked]": ("input_moderation", 1),
            # Accepted, then failed with moderation_blocked: the request, not the output.
            "[end:filtered]": ("input_moderation", 1),
        },
    ),
    "runway": Case(
        lambda: runway_app(job_seconds=0.2),
        "",
        "api_key",
        "credits",
        {"model": "gen4.5"},
        {
            "[end:input_filtered]": ("input_moderation", 1),  # SAFETY.INPUT.TEXT
            # SAFETY.OUTPUT.*: output-side, but Runway says not to retry SAFETY failures.
            "[end:filtered]": ("output_moderation", 1),
        },
    ),
}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[str, Case, FakeServer]]:
    name = request.param
    with FakeServer(CASES[name].make_fake()) as server:
        yield name, CASES[name], server


async def _account(
    client: httpx.AsyncClient, h: dict[str, str], name: str, case: Case, server: FakeServer
) -> None:
    body = {
        "provider_id": name,
        case.credential: f"key-{uuid.uuid4().hex}",
        "base_url": server.url + case.mount,
        "max_concurrent_jobs": 5,
    }
    r = await client.post("/api/v1/accounts", json=body, headers=h)
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/accounts/{r.json()['id']}/credits",
        json={"credit_type": case.pool, "amount": 1e6},
        headers=h,
    )
    assert r.status_code == 200, r.text


def _creates(server: FakeServer, prompt: str) -> int:
    """Create calls the fake received carrying `prompt` (polls are GETs or carry none)."""
    return sum(
        1
        for r in server.state.log.all(method="POST")
        if prompt in json.dumps(r.json) and "list" not in r.path
    )


async def test_only_a_documented_output_refusal_is_retried(
    client: httpx.AsyncClient,
    users: Users,
    worker: JobWorker,
    case: tuple[str, Case, FakeServer],
) -> None:
    name, spec, server = case
    h = await users.create()
    await _account(client, h, name, spec, server)
    jobs = {}
    for marker in spec.outcomes:
        prompt = f"a fox {uuid.uuid4().hex[:6]} {marker}"
        body = {
            "provider_id": name,
            "operation_type": "text_to_video",
            "params": {"prompt": prompt, **spec.params},
        }
        r = await client.post("/api/v1/jobs", json=body, headers=h)
        assert r.status_code == 201, r.text
        jobs[marker] = (prompt, r.json()["id"])
    for marker, (prompt, job_id) in jobs.items():
        error_class, creates = spec.outcomes[marker]
        done = await wait_for(client, h, job_id, within=60)
        assert done["status"] == "failed" and done["error_class"] == error_class, (marker, done)
        assert done["attempts"] == creates and len(done["submissions"]) == creates, (marker, done)
        assert _creates(server, prompt) == creates, marker
