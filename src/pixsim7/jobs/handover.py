"""The one place where jobs meet the asset library (pixsim7.assets.pipeline).

- `check_inputs` at creation: asset inputs must be the user's, URLs http(s).
- `prepare_inputs` at submit: inputs by role, as files and remote ids the adapter needs;
  an input naming a job this one depends on becomes that job's output asset.
- `forget_cached` when the provider refused a request that reused cached remote ids:
  they may have expired there, so they are dropped and uploaded again.
- `take_output` at completion: the provider's output becomes an asset (downloaded,
  stored, probed, thumbnailed, lineage written); the provider's URL is kept on the job too.

The pipeline opens its own sessions: callers hold no transaction while calling these
(on SQLite an open write transaction would block the pipeline's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.assets import pipeline
from pixsim7.jobs.models import Job
from pixsim7.jobs.runtime import Runtime
from pixsim7.providers.base import (
    AccountContext,
    ErrorClass,
    PollResult,
    PreparedInput,
    Provider,
    ProviderError,
)
from pixsim7.users.models import User


async def check_inputs(session: AsyncSession, user: User, inputs: list[dict[str, Any]]) -> None:
    await pipeline.validate_inputs(session, user, [i for i in inputs if "job_id" not in i])


async def prepare_inputs(
    rt: Runtime, job: Job, provider: Provider, account: AccountContext
) -> dict[str, list[PreparedInput]]:
    if not job.inputs:
        return {}
    resolved: list[dict[str, Any]] = []
    async with rt.db.sessionmaker() as session:
        for item in job.inputs:
            if item.get("job_id") is None:
                resolved.append(item)
                continue
            parent = await session.get(Job, item["job_id"])
            if parent is not None and parent.asset_id is not None:
                resolved.append({"role": item["role"], "asset_id": parent.asset_id})
            elif parent is not None and parent.result_url:
                resolved.append({"role": item["role"], "url": parent.result_url})
            else:
                raise ProviderError(
                    f"job {item['job_id']} left no output to use", error_class=ErrorClass.INVALID
                )
        await session.commit()
    return await pipeline.resolve_inputs(
        rt.db,
        rt.settings,
        owner_id=job.owner_id,
        inputs=resolved,
        provider=provider,
        account=account,
    )


async def forget_cached(
    rt: Runtime,
    inputs: Mapping[str, Sequence[PreparedInput]],
    provider: Provider,
    account: AccountContext,
) -> bool:
    """Drop the cached remote ids this request reused; False when it reused none."""
    stale = [i for items in inputs.values() for i in items if i.cached and i.asset_id]
    for item in stale:
        assert item.asset_id is not None
        await pipeline.forget_remote(rt.db, item.asset_id, provider.info.id, account.id)
    return bool(stale)


async def take_output(
    rt: Runtime, job: Job, provider: Provider, account: AccountContext, result: PollResult
) -> int:
    """The output asset's id (idempotent per job: a second call finds the first's asset)."""
    return await pipeline.ingest_output(
        rt.db,
        rt.settings,
        job=job,
        provider=provider,
        account=account,
        result=result,
        bus=rt.bus,
    )
