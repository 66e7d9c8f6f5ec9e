"""GET /metrics: Prometheus text, with this token (`PIXSIM7_METRICS_TOKEN`) or as an admin.

What the database knows is read at each scrape, so any one API process answers it for
the whole installation: jobs by status and provider, the queue's depth and its oldest
pending job, account slots in use and free, credits by provider and pool. What happens
inside a process (latencies, errors by class, HTTP requests, log lines dropped) is in
that process's registry (logs/metrics.py): the API's includes its embedded worker; a
`pixsim7 worker --metrics-port N` serves its own.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.auth.deps import current_principal
from pixsim7.jobs.models import Job
from pixsim7.jobs.states import IN_FLIGHT, JobStatus
from pixsim7.logs import metrics

router = APIRouter()


@dataclass
class Snapshot:
    jobs: dict[tuple[str, str], int] = field(default_factory=dict)  # (provider, status)
    pending: dict[str, int] = field(default_factory=dict)
    oldest_pending_s: dict[str, float] = field(default_factory=dict)
    slots: dict[str, int] = field(default_factory=dict)  # provider -> active accounts' slots
    in_use: dict[str, int] = field(default_factory=dict)
    credits: dict[tuple[str, str], float] = field(default_factory=dict)  # (provider, pool)


async def snapshot(session: AsyncSession) -> Snapshot:
    snap = Snapshot()
    rows = await session.execute(
        select(Job.provider_id, Job.status, func.count()).group_by(Job.provider_id, Job.status)
    )
    snap.jobs = {(p, s): n for p, s, n in rows}
    pending = await session.execute(
        select(Job.provider_id, func.count(), func.min(Job.created_at))
        .where(Job.status == JobStatus.PENDING.value)
        .group_by(Job.provider_id)
    )
    now = clock.now()
    for provider, n, oldest in pending:
        snap.pending[provider] = n
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            snap.oldest_pending_s[provider] = max(0.0, (now - oldest).total_seconds())
    slots = await session.execute(
        select(ProviderAccount.provider_id, func.sum(ProviderAccount.max_concurrent_jobs))
        .where(ProviderAccount.status == AccountStatus.ACTIVE.value)
        .group_by(ProviderAccount.provider_id)
    )
    snap.slots = {p: int(n or 0) for p, n in slots}
    in_use = await session.execute(
        select(Job.provider_id, func.count())
        .where(Job.status.in_([s.value for s in IN_FLIGHT]), Job.account_id.is_not(None))
        .group_by(Job.provider_id)
    )
    snap.in_use = {p: n for p, n in in_use}
    credits = await session.execute(
        select(
            ProviderAccount.provider_id, ProviderCredit.credit_type, func.sum(ProviderCredit.amount)
        )
        .join(ProviderCredit, ProviderCredit.account_id == ProviderAccount.id)
        .group_by(ProviderAccount.provider_id, ProviderCredit.credit_type)
    )
    snap.credits = {(p, pool): float(a or 0) for p, pool, a in credits}
    return snap


class _SnapshotCollector(Collector):
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[Metric]:
        s = self.snap
        jobs = GaugeMetricFamily(
            "pixsim7_jobs", "Jobs by provider and status.", labels=["provider", "status"]
        )
        for (provider, status), n in sorted(s.jobs.items()):
            jobs.add_metric([provider, status], n)
        yield jobs
        depth = GaugeMetricFamily(
            "pixsim7_queue_depth", "Pending jobs by provider.", labels=["provider"]
        )
        oldest = GaugeMetricFamily(
            "pixsim7_queue_oldest_pending_seconds",
            "Age of the oldest pending job by provider.",
            labels=["provider"],
        )
        for provider, n in sorted(s.pending.items()):
            depth.add_metric([provider], n)
            oldest.add_metric([provider], s.oldest_pending_s.get(provider, 0.0))
        yield depth
        yield oldest
        used = GaugeMetricFamily(
            "pixsim7_account_slots_in_use",
            "Jobs holding an account slot (submitting or processing), by provider.",
            labels=["provider"],
        )
        free = GaugeMetricFamily(
            "pixsim7_account_slots_free",
            "Free concurrency slots of active accounts, by provider.",
            labels=["provider"],
        )
        for provider in sorted(set(s.slots) | set(s.in_use)):
            n = s.in_use.get(provider, 0)
            used.add_metric([provider], n)
            free.add_metric([provider], max(0, s.slots.get(provider, 0) - n))
        yield used
        yield free
        credits = GaugeMetricFamily(
            "pixsim7_credits", "Credits by provider and pool.", labels=["provider", "pool"]
        )
        for (provider, pool), amount in sorted(s.credits.items()):
            credits.add_metric([provider, pool], amount)
        yield credits


def render(snap: Snapshot) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snap))
    return generate_latest(registry) + generate_latest(metrics.REGISTRY)


async def _authorize(request: Request, session: AsyncSession) -> None:
    token = request.app.state.settings.metrics_token
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    given = value.strip().encode() if scheme.lower() == "bearer" else b""
    expected = token.get_secret_value().encode() if token is not None else b""
    if expected and given and hmac.compare_digest(given, expected):
        return
    principal = await current_principal(request, session, request.app.state.settings)
    if not principal.user.is_admin:
        raise errors.Forbidden("admin only")


@router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request) -> Response:
    db = request.app.state.db
    async with db.sessionmaker() as session:
        await _authorize(request, session)
        await session.commit()
    async with db.reader() as session:
        snap = await snapshot(session)
    return Response(render(snap), media_type=CONTENT_TYPE_LATEST)
