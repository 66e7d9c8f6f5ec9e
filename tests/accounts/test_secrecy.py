"""Credentials appear in no response, event or log line, whatever the API is asked."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.events import Event
from pixsim7.logging import configure
from pixsim7.providers.fakekit import FakeServer
from tests.accounts.conftest import API, create
from tests.conftest import Users


async def _drain(queue: asyncio.Queue[Event], until: int) -> list[Event]:
    """Events so far, waiting (Redis delivers asynchronously) until `until` have come."""
    got: list[Event] = []
    deadline = asyncio.get_running_loop().time() + 5.0
    while True:
        try:
            got.append(queue.get_nowait())
            continue
        except asyncio.QueueEmpty:
            pass
        if len(got) >= until or asyncio.get_running_loop().time() > deadline:
            return got
        await asyncio.sleep(0.05)


async def test_credentials_never_leave_in_responses_events_or_logs(
    client: httpx.AsyncClient,
    users: Users,
    app: FastAPI,
    pixverse: FakeServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api_key = f"pk-{uuid.uuid4().hex}"
    jwt = f"jt-{uuid.uuid4().hex}"
    cookie = f"ck-{uuid.uuid4().hex}"
    imported = f"im-{uuid.uuid4().hex}"
    replaced = f"rp-{uuid.uuid4().hex}"
    secrets = [api_key, jwt, cookie, imported, replaced]
    pixverse.state.configure(jwt, credits={"web": 50}, extra={"acc_id": 5150})
    pixverse.state.configure(imported, credits={"web": 60}, extra={"acc_id": 5151})

    configure("DEBUG", json=True)
    texts: list[str] = []

    async def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        r = await client.request(method, path, json=body, headers=headers)
        assert r.status_code < 300, r.text
        texts.append(r.text)
        return r.json() if r.content else None

    with caplog.at_level(logging.DEBUG):
        async with app.state.bus.subscribe() as queue:
            admin, bob = await users.create(admin=True), await users.create()
            acc = await create(
                client,
                admin,
                provider_id="pixverse",
                api_key=api_key,
                jwt_token=jwt,
                cookies={"_ai_token": cookie},
                is_shared=True,
                base_url=pixverse.url,
            )
            texts.append(str(acc))
            aid = acc["id"]
            await call("POST", f"{API}/{aid}/sync", admin)
            await call("POST", f"{API}/{aid}/test", admin)
            await call("PATCH", f"{API}/{aid}", admin, {"api_key": replaced, "priority": 2})
            await call("GET", API, bob)
            await call("GET", f"{API}/{aid}", bob)
            await call("GET", f"{API}/{aid}", admin)
            await call(
                "POST",
                f"{API}/import-cookies",
                bob,
                {"provider_id": "pixverse", "raw_data": {"cookies": {"_ai_token": imported}}},
            )
            await call(
                "POST",
                f"{API}/credits/bulk-update",
                admin,
                {"updates": [{"account_id": aid, "credits": {"web": 1}}]},
            )
            await call("DELETE", f"{API}/{aid}", admin)
            events = await _drain(queue, until=7)

    kinds = [e.type for e in events if e.type.startswith("account.")]
    assert kinds.count("account.created") == 2 and "account.deleted" in kinds, kinds
    logs = caplog.text + "".join(capsys.readouterr())
    assert "account created" in logs and "session imported" in logs  # logs were captured
    haystacks = {"responses": "\n".join(texts), "events": "\n".join(e.to_json() for e in events)}
    haystacks["logs"] = logs
    for where, haystack in haystacks.items():
        for secret in secrets:
            assert secret not in haystack, f"a credential leaked into {where}"
            assert secret[-6:] not in haystack, f"part of a credential leaked into {where}"
