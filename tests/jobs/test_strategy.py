"""Which account takes a job: priority first, then the provider's strategy from
PIXSIM7_ACCOUNT_STRATEGIES (least recently used by default, most credits, round robin).

Jobs run one at a time here, so every choice is made with the others' use already
recorded and the order the scheduler picks in is the order we see.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import add_account, pixverse_job, wait_for

TOKENS: dict[int, str] = {}  # account id -> its token at the fake
_seq = itertools.count()


async def _accounts(
    client: httpx.AsyncClient, h: dict[str, str], fake: FakeServer, credits: list[float], **kw: Any
) -> list[int]:
    ids = []
    for amount in credits:
        token = f"strategy-{next(_seq)}-{uuid.uuid4().hex[:8]}"
        # The fake agrees on the balance, so reconciling after a job changes nothing else.
        fake.state.configure(token, credits={"web": amount})
        ids.append(await add_account(client, h, fake, token, credits=amount, **kw))
        TOKENS[ids[-1]] = token
    return ids


async def _run(client: httpx.AsyncClient, h: dict[str, str], **extra: Any) -> int:
    """Run one job to completion; the id of the account that took it."""
    r = await client.post("/api/v1/jobs", json=pixverse_job("pick", **extra), headers=h)
    assert r.status_code == 201, r.text
    done = await wait_for(client, h, r.json()["id"])
    assert done["status"] == "completed", done
    return int(done["account_id"])


def test_the_setting_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXSIM7_ACCOUNT_STRATEGIES", '{"pixverse": "round_robin"}')
    assert Settings(_env_file=None).account_strategies == {"pixverse": "round_robin"}  # type: ignore[call-arg]
    monkeypatch.setenv("PIXSIM7_ACCOUNT_STRATEGIES", '{"pixverse": "cheapest"}')
    with pytest.raises(ValueError, match="account_strategies"):
        Settings(_env_file=None)  # type: ignore[call-arg]


async def test_least_recently_used_by_default(
    client: httpx.AsyncClient, users, settings: Settings, pixverse: FakeServer, worker: JobWorker
) -> None:
    # A strategy named for another provider leaves Pixverse on the default.
    settings.account_strategies = {"runway": "most_credits"}
    h = await users.create()
    a, b, c = await _accounts(client, h, pixverse, [100, 300, 200])
    # Used B, then A: the least recently used is C (never used), then B, then A.
    assert await _run(client, h, account_id=b) == b
    assert await _run(client, h, account_id=a) == a
    assert [await _run(client, h) for _ in range(4)] == [c, b, a, c]


async def test_round_robin_takes_the_next_account_after_the_last_used(
    client: httpx.AsyncClient, users, settings: Settings, pixverse: FakeServer, worker: JobWorker
) -> None:
    settings.account_strategies = {"pixverse": "round_robin"}
    h = await users.create()
    a, b, c = await _accounts(client, h, pixverse, [100, 300, 200])
    assert await _run(client, h, account_id=b) == b
    assert await _run(client, h, account_id=a) == a
    # The same history as above, but the turn passes in id order from A: B, C, A, B.
    assert [await _run(client, h) for _ in range(4)] == [b, c, a, b]


async def test_most_credits_and_priority_first(
    client: httpx.AsyncClient, users, settings: Settings, pixverse: FakeServer, worker: JobWorker
) -> None:
    settings.account_strategies = {"pixverse": "most_credits"}
    h = await users.create()
    _, b, c = await _accounts(client, h, pixverse, [100, 300, 200])
    assert await _run(client, h) == b
    assert await _run(client, h) == b  # still the richest, though just used
    # B drops to 50: C (200) is now the richest, then A (100).
    r = await client.post(
        f"/api/v1/accounts/{b}/credits", json={"credit_type": "web", "amount": 50}, headers=h
    )
    assert r.status_code == 200, r.text
    pixverse.state.configure(TOKENS[b], credits={"web": 50})
    assert await _run(client, h) == c
    # A higher priority wins whatever the strategy says.
    [poor] = await _accounts(client, h, pixverse, [60], priority=5)
    assert await _run(client, h) == poor
