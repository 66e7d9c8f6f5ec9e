"""GET /metrics: parsed with the Prometheus client's own parser, values matching a run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from pixsim7.jobs.worker import JobWorker
from tests.conftest import Users
from tests.jobs.conftest import text_job, wait_for


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _scrape(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[Any, float]:
    r = await client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return _samples(r.text)


async def test_metrics_of_a_known_run(
    app: FastAPI, client: httpx.AsyncClient, users: Users, worker: JobWorker
) -> None:
    app.state.settings.metrics_token = SecretStr("scrape-token-123")
    token = {"Authorization": "Bearer scrape-token-123"}
    admin = await users.create(admin=True)
    user = await users.create()
    before = await _scrape(client, token)
    r = await client.post(
        "/api/v1/accounts",
        json={"provider_id": "pixverse", "jwt_token": "t", "base_url": "http://127.0.0.1:9"},
        headers=user,
    )
    account = r.json()["id"]
    r = await client.post(
        f"/api/v1/accounts/{account}/credits",
        json={"credit_type": "web", "amount": 250},
        headers=user,
    )
    assert r.status_code == 200, r.text
    ids = [
        (await client.post("/api/v1/jobs", json=text_job(f"m{i}"), headers=user)).json()["id"]
        for i in range(2)
    ]
    for job_id in ids:
        assert (await wait_for(client, user, job_id))["status"] == "completed"
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    waiting = await client.post("/api/v1/jobs", json=text_job(scheduled_at=later), headers=user)
    assert waiting.status_code == 201, waiting.text
    after = await _scrape(client, admin)

    assert _value(after, "pixsim7_jobs", provider="local", status="completed") == 2
    assert _value(after, "pixsim7_jobs", provider="local", status="pending") == 1
    assert _value(after, "pixsim7_queue_depth", provider="local") == 1
    assert _value(after, "pixsim7_queue_oldest_pending_seconds", provider="local") >= 0
    assert _value(after, "pixsim7_credits", provider="pixverse", pool="web") == 250
    assert _value(after, "pixsim7_account_slots_in_use", provider="local") == 0
    assert _value(after, "pixsim7_account_slots_free", provider="local") >= 1
    for name in ("pixsim7_submit_seconds", "pixsim7_completion_seconds", "pixsim7_ingest_seconds"):
        grew = _value(after, f"{name}_count", provider="local") - _value(
            before, f"{name}_count", provider="local"
        )
        assert grew == 2, name
    posts = {"method": "POST", "route": "/api/v1/jobs", "status": "2xx"}
    name = "pixsim7_http_request_seconds_count"
    assert _value(after, name, **posts) - _value(before, name, **posts) == 3
    assert ("pixsim7_log_lines_dropped_total", frozenset()) in after


async def test_metrics_need_the_token_or_an_admin(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    user = await users.create()
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers=user)).status_code == 403
    # No token configured: no bearer value opens it.
    assert (await client.get("/metrics", headers={"Authorization": "Bearer "})).status_code == 401
    bad = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
