"""The functions the scheduler calls: state transitions, credits, probing, cooldowns."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts import credentials, service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.jobs.models import Job
from pixsim7.providers.base import Balance, ErrorClass
from pixsim7.users.models import User


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.effective_database_url)
    yield database
    await database.dispose()


async def _user(s: AsyncSession, email: str = "u@example.com") -> User:
    user = User(email=email, password_hash="x")
    s.add(user)
    await s.flush()
    return user


async def _account(s: AsyncSession, owner: User | None, **values: object) -> ProviderAccount:
    values = {"provider_id": "pixverse", "max_concurrent_jobs": 3, **values}
    values.setdefault("max_concurrent_jobs_ceiling", values["max_concurrent_jobs"])
    account = ProviderAccount(owner_id=owner.id if owner else None, **values)
    s.add(account)
    await s.commit()
    return account


async def _reload(s: AsyncSession, account: ProviderAccount) -> ProviderAccount:
    await s.commit()
    await s.refresh(account)
    return account


async def test_record_failure_moves_each_class_to_its_state(db: Database) -> None:
    async with db.session() as s:
        a = await _account(s, None)
        await service.record_failure(s, a.id, ErrorClass.TRANSIENT, "502 from upstream")
        a = await _reload(s, a)
        assert (a.status, a.failure_count, a.status_message) == ("active", 1, None)

        await service.record_failure(s, a.id, "concurrency", "too many", retry_after=12)
        a = await _reload(s, a)
        assert a.status == "cooling_down" and a.max_concurrent_jobs == 2
        assert a.cooldown_until is not None
        left = (a.cooldown_until - clock.now()).total_seconds()
        assert 10 < left <= 12
        await service.record_failure(s, a.id, ErrorClass.CONCURRENCY, "again")
        await service.record_failure(s, a.id, ErrorClass.CONCURRENCY, "again")
        a = await _reload(s, a)
        assert a.max_concurrent_jobs == 1  # never below one
        left = (a.cooldown_until - clock.now()).total_seconds()  # type: ignore[operator]
        assert abs(left - service.DEFAULT_COOLDOWN.total_seconds()) < 5

        await service.record_failure(s, a.id, ErrorClass.QUOTA, "no credits left")
        a = await _reload(s, a)
        assert (a.status, a.status_message) == ("exhausted", "no credits left")
        await service.record_failure(s, a.id, ErrorClass.AUTH, "token expired")
        a = await _reload(s, a)
        assert (a.status, a.status_message) == ("auth_failed", "token expired")
        # A later quota or concurrency error does not hide the auth problem.
        await service.record_failure(s, a.id, ErrorClass.QUOTA, "no credits")
        await service.record_failure(s, a.id, ErrorClass.CONCURRENCY, "busy")
        a = await _reload(s, a)
        assert (a.status, a.status_message) == ("auth_failed", "token expired")
        for cls in (ErrorClass.INPUT_MODERATION, ErrorClass.OUTPUT_MODERATION, ErrorClass.INVALID):
            await service.record_failure(s, a.id, cls, "refused")
        a = await _reload(s, a)
        assert a.status == "auth_failed" and a.failure_count == 11

        b = await _account(s, None, status="disabled")
        await service.record_failure(s, b.id, ErrorClass.AUTH, "bad")
        assert (await _reload(s, b)).status == "disabled"


async def test_successes_probe_a_lowered_limit_back_up_to_the_ceiling(db: Database) -> None:
    async with db.session() as s:
        a = await _account(s, None, max_concurrent_jobs=1, max_concurrent_jobs_ceiling=3)
        for _ in range(service.PROBE_AFTER_SUCCESSES - 1):
            await service.record_successes(s, {a.id: (1, 10.0)})
        a = await _reload(s, a)
        assert a.max_concurrent_jobs == 1
        await service.record_successes(s, {a.id: (1, 20.0)})
        a = await _reload(s, a)
        assert a.max_concurrent_jobs == 2 and a.consecutive_successes == 0
        # A failure breaks the run.
        for _ in range(service.PROBE_AFTER_SUCCESSES - 1):
            await service.record_successes(s, {a.id: (1, 10.0)})
        await service.record_failure(s, a.id, ErrorClass.TRANSIENT, "x")
        await service.record_successes(s, {a.id: (1, 10.0)})
        assert (await _reload(s, a)).max_concurrent_jobs == 2
        for _ in range(3 * service.PROBE_AFTER_SUCCESSES):
            await service.record_successes(s, {a.id: (1, 10.0)})
        a = await _reload(s, a)
        assert a.max_concurrent_jobs == 3  # the ceiling, not beyond
        assert a.success_count == 5 * service.PROBE_AFTER_SUCCESSES
        expected = (20.0 + 10.0 * (a.success_count - 1)) / a.success_count
        assert a.total_generation_seconds / a.success_count == pytest.approx(expected)


async def test_a_batch_of_successes_is_one_step_of_the_probe(db: Database) -> None:
    async with db.session() as s:
        a = await _account(s, None, max_concurrent_jobs=1, max_concurrent_jobs_ceiling=4)
        b = await _account(s, None, max_concurrent_jobs=1, max_concurrent_jobs_ceiling=4)
        few = service.PROBE_AFTER_SUCCESSES - 1
        await service.record_successes(s, {a.id: (few, 8.0), b.id: (3 * few, 30.0)})
        a, b = await _reload(s, a), await _reload(s, b)
        assert (a.max_concurrent_jobs, a.consecutive_successes, a.success_count) == (1, few, few)
        assert a.total_generation_seconds == pytest.approx(8.0)
        # Past the threshold in one batch: raised by one, not by one per threshold crossed.
        assert (b.max_concurrent_jobs, b.consecutive_successes, b.success_count) == (2, 0, 3 * few)
        await service.record_successes(s, {a.id: (1, 2.0)})
        a = await _reload(s, a)
        assert (a.max_concurrent_jobs, a.consecutive_successes) == (2, 0)


async def test_reserve_and_release_credits_never_go_below_zero(db: Database) -> None:
    from pixsim7.accounts.views import credits_of

    async with db.session() as s:
        a, b = await _account(s, None), await _account(s, None)
        await service.reserve_many(s, [(a.id, "web", 5)])  # no pool yet: nothing to take
        await service.release_credits(s, a.id, "web", 5)  # nor to give back: still unknown
        assert await credits_of(s, [a.id]) == {a.id: {}}
        await service.set_credit(s, a.id, "web", 0)
        await service.set_credit(s, b.id, "web", 0)
        await service.release_credits(s, a.id, "web", 30)
        await service.release_credits(s, b.id, "web", 10)
        await service.reserve_many(s, [(a.id, "web", 20), (b.id, "web", 4)])
        # A pool holding less than its amount is left alone; the others are taken from.
        await service.reserve_many(s, [(a.id, "web", 20), (b.id, "web", 4)])
        await service.reserve_many(s, [(b.id, "web", 0)])
        await s.commit()
        assert await credits_of(s, [a.id, b.id]) == {a.id: {"web": 10.0}, b.id: {"web": 2.0}}


async def test_apply_balance_reconciles_minus_what_submitting_jobs_hold(db: Database) -> None:
    async with db.session() as s:
        user = await _user(s)
        a = await _account(
            s, user, status="exhausted", max_concurrent_jobs=4, max_concurrent_jobs_ceiling=4
        )
        for status, held in [("submitting", 30.0), ("processing", 50.0), ("submitting", 5.0)]:
            s.add(
                Job(
                    owner_id=user.id,
                    provider_id="pixverse",
                    operation_type="text_to_video",
                    status=status,
                    account_id=a.id,
                    credit_type="web",
                    reserved_credits=held,
                )
            )
        await s.commit()
        await service.apply_balance(
            s, a.id, Balance(credits={"web": 200.0, "openapi": 0.0}, max_concurrency=2, daily_cap=9)
        )
        a = await _reload(s, a)
        from pixsim7.accounts.views import credits_of

        # The provider has charged the processing job already, not the two submitting ones.
        assert (await credits_of(s, [a.id]))[a.id] == {"web": 165.0, "openapi": 0.0}
        assert (a.max_concurrent_jobs, a.max_concurrent_jobs_ceiling, a.daily_cap) == (2, 2, 9)
        assert a.status == "active" and a.last_synced_at is not None

        await service.record_failure(s, a.id, ErrorClass.QUOTA, "empty")
        await service.apply_balance(s, a.id, Balance(credits={"web": 0.0}))
        assert (await _reload(s, a)).status == "exhausted"  # still nothing to spend


async def test_restore_cooled_down_after_the_cooldown_passes(db: Database) -> None:
    async with db.session() as s:
        a = await _account(s, None)
        b = await _account(s, None)
        await service.record_failure(s, a.id, ErrorClass.CONCURRENCY, "busy", retry_after=60)
        await service.record_failure(s, b.id, ErrorClass.CONCURRENCY, "busy", retry_after=600)
        await s.commit()
        assert await service.restore_cooled_down(s) == []
        clock.advance(dt.timedelta(seconds=61))
        assert list(await service.restore_cooled_down(s)) == [a.id]
        a, b = await _reload(s, a), await _reload(s, b)
        assert (a.status, a.cooldown_until) == ("active", None)
        assert b.status == "cooling_down"


async def test_get_usable_and_context(db: Database, settings: Settings) -> None:
    async with db.session() as s:
        alice, bob = await _user(s, "a@example.com"), await _user(s, "b@example.com")
        own = await _account(s, alice, base_url="https://px.example.com")
        credentials.store(
            own,
            credentials.box(settings),
            api_key="api-key-abcdef123456",
            jwt_token="jwt-abcdef123456",
            cookies={"_ai_token": "cookie-value"},
        )
        shared = await _account(s, None, is_shared=True)
        disabled = await _account(s, alice, status="disabled")
        await s.commit()
        assert (await service.get_usable(s, alice, own.id)).id == own.id
        assert (await service.get_usable(s, bob, shared.id)).id == shared.id
        for user, account in [(bob, own), (alice, disabled)]:
            with pytest.raises(service.AccountNotFound):
                await service.get_usable(s, user, account.id)

        ctx = service.context(own, settings)
        assert ctx.base_url == "https://px.example.com"
        assert (ctx.api_key, ctx.jwt_token) == ("api-key-abcdef123456", "jwt-abcdef123456")
        assert ctx.cookies == {"_ai_token": "cookie-value"} and "api-key" not in repr(ctx)
        ctx = service.context(shared, settings)
        assert ctx.base_url == settings.pixverse_base_url and ctx.api_key is None


async def test_publish_sends_state_to_the_owner_or_everyone(db: Database) -> None:
    bus = EventBus()
    async with db.session() as s, bus.subscribe() as queue:
        owner = await _user(s)
        private = await _account(s, owner, api_key_hint="…abcd", email="me@example.com")
        shared = await _account(s, None, is_shared=True)
        await service.record_failure(s, private.id, ErrorClass.AUTH, "token expired")
        await s.commit()
        await service.publish(s, bus, [private.id, shared.id])
        events = {e.data["id"]: e for e in [queue.get_nowait(), queue.get_nowait()]}
    mine, everyone = events[private.id], events[shared.id]
    assert mine.type == "account.updated" and mine.data["status"] == "auth_failed"
    assert (mine.user_id, mine.public) == (owner.id, False)
    assert "api_key_hint" not in mine.data and "email" not in mine.data
    assert "abcd" not in mine.to_json() and "me@example.com" not in mine.to_json()
    assert everyone.public and everyone.data["status"] == "active"
