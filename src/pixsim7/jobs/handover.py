"""The one place where jobs meet the asset library (pixsim7.assets.pipeline).

- `check_inputs` at creation: asset inputs must be the user's, URLs http(s); the media
  type of each input, where known, is returned for the operation's spec to check.
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

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.assets import pipeline
from pixsim7.errors import ValidationFailed
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
from pixsim7.providers.specs import validate_input_types
from pixsim7.users.models import User

JOB_OUTPUT = "video"  # the media type of every operation's output


async def check_inputs(
    session: AsyncSession, user: User, inputs: list[dict[str, Any]]
) -> list[tuple[str, str | None]]:
    """Each input's role and media type (None for a URL: known once fetched). Another job's
    output is a video: every operation makes one."""
    types = await pipeline.validate_inputs(session, user, inputs)
    return [
        (item["role"], JOB_OUTPUT if item.get("job_id") is not None else media_type)
        for item, media_type in zip(inputs, types, strict=True)
    ]


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
    prepared = await pipeline.resolve_inputs(
        rt.db,
        rt.settings,
        owner_id=job.owner_id,
        inputs=resolved,
        provider=provider,
        account=account,
    )
    _check_types(provider, job, prepared)
    await _record_resolved(rt, job, prepared)
    return prepared


async def _record_resolved(
    rt: Runtime, job: Job, prepared: Mapping[str, Sequence[PreparedInput]]
) -> None:
    """A URL's or another job's input, once it is an asset here, is written on the job as
    `resolved_asset_id` (so "Reuse" can fill the form with it). Inputs of a role are
    prepared in their order, so the n-th of a role is the n-th prepared of it."""
    seen: dict[str, int] = {}
    inputs: list[dict[str, Any]] = []
    for item in job.inputs:
        role = item["role"]
        n = seen[role] = seen.get(role, -1) + 1
        asset_id = prepared[role][n].asset_id if n < len(prepared.get(role, ())) else None
        if item.get("asset_id") is None and asset_id is not None:
            item = {**item, "resolved_asset_id": asset_id}
        inputs.append(item)
    if inputs == job.inputs:
        return
    async with rt.db.sessionmaker() as session:
        await session.execute(update(Job).where(Job.id == job.id).values(inputs=inputs))
        await session.commit()
    job.inputs = inputs


def _check_types(provider: Provider, job: Job, prepared: dict[str, list[PreparedInput]]) -> None:
    """What a URL or a job gave is known only now: each input's media type is checked
    against its role's again, so that no adapter is handed, say, a video for an image."""
    spec = provider.operation(job.operation_type)
    if spec is None:
        return
    got = [(role, item.media_type) for role, items in prepared.items() for item in items]
    try:
        validate_input_types(spec, got)
    except ValidationFailed as exc:
        wrong = "; ".join(sorted({v for v in exc.fields.values()}))
        raise ProviderError(f"wrong input: {wrong}", error_class=ErrorClass.INVALID) from exc


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
