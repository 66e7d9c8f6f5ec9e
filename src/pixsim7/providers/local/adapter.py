"""The `local` provider: renders effects videos on this machine in a pool of processes.

A job's id is derived from the attempt's idempotency key and names its output file, so
after a crash `find_submission` and `poll` can answer from the file alone. A render in
progress is known only to the process that started it: the worker that submitted it
polls it alone while it lives (`runs_in_worker`, jobs.runner_id). Renders that were
running when that process stopped or died are gone; `poll` reports them lost, and the
scheduler submits them again without counting a failed attempt.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pixsim7.config import Settings
from pixsim7.logging import get_logger
from pixsim7.media import MediaError, probe
from pixsim7.providers.base import (
    AccountContext,
    Balance,
    ErrorClass,
    OperationSpec,
    OperationType,
    PollResult,
    PreparedInput,
    Provider,
    ProviderError,
    ProviderInfo,
    ProviderStatus,
    SubmitRequest,
    SubmitResult,
    UploadResult,
)
from pixsim7.providers.local.operations import OPERATIONS, render_args
from pixsim7.providers.local.render import (
    RenderCancelled,
    read_progress,
    run_job,
    start_render_process,
)

log = get_logger(__name__)

DESCRIPTION = (
    "Local effects renderer on this machine: animated text cards, pan-and-zoom, "
    "cross-fades and compositing. Not an AI model."
)
_STALE_AFTER_S = 24 * 3600  # outputs nobody fetched within a day are swept
# On close, renders asked to stop notice within a progress tick (1/50 of their frames);
# one still busy after this (decoding a large input) is killed: the process must exit.
_STOP_S = 3.0
LOST = "the render was interrupted: the renderer restarted before it finished"
RENDERER_DIED = "the render was interrupted: its process stopped (killed, or out of memory)"


class LocalProvider(Provider):
    def __init__(self, settings: Settings) -> None:
        self.info = ProviderInfo(
            id="local",
            name="Local renderer",
            description=DESCRIPTION,
            credit_pools=(),
            reports_balance=False,
            credential_kinds=(),
            default_max_concurrency=max(1, settings.local_max_concurrency),
            is_local=True,
            can_find_submissions=True,
            list_polling=True,  # one poll answers for any number of renders
            runs_in_worker=True,
            poll_interval_s=1.0,
            timeout_s=3600.0,  # renders wait their turn behind others on this machine
        )
        self._dir = settings.data_dir / "local_renders"
        self._workers = max(1, settings.local_max_concurrency)
        self._max_pixels = settings.max_image_pixels
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, Future[int]] = {}
        self._cancelled: set[str] = set()

    def operations(self) -> Sequence[OperationSpec]:
        return OPERATIONS

    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        return 0.0, "local"

    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult:
        spec = self.operation(request.operation)
        if spec is None:
            raise ProviderError(
                f"local cannot do {request.operation}", error_class=ErrorClass.INVALID
            )
        args = render_args(spec, request.params, request.inputs, self._max_pixels)
        job_id = job_id_for(request.idempotency_key)
        if job_id in self._jobs or self._output(job_id).exists():
            return SubmitResult(job_id, raw={"resubmitted": True})  # same attempt: one render
        self._cancelled.discard(job_id)
        control = self._control(job_id)
        for leftover in (Path(f"{control}.cancel"), Path(f"{control}.progress")):
            leftover.unlink(missing_ok=True)
        self._jobs[job_id] = self._start(spec.type.value, str(self._output(job_id)), args, control)
        return SubmitResult(job_id)

    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        return {job_id: await self._status(job_id) for job_id in provider_job_ids}

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        self._cancelled.add(provider_job_id)
        output = self._output(provider_job_id)
        future = self._jobs.get(provider_job_id)
        if future is not None and not future.cancel():
            self._ask_to_stop(provider_job_id)
            future.add_done_callback(lambda _: output.unlink(missing_ok=True))
        output.unlink(missing_ok=True)

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        raise ProviderError(
            "the local provider reads inputs from disk; nothing to upload",
            error_class=ErrorClass.INVALID,
        )

    def needs_upload(self, item: PreparedInput) -> bool:
        return False

    async def fetch_balance(self, account: AccountContext) -> Balance:
        return Balance(credits={}, max_concurrency=self._workers)

    async def find_submission(
        self, account: AccountContext, request: SubmitRequest, submitted_at: float
    ) -> str | None:
        job_id = job_id_for(request.idempotency_key)
        if job_id in self._jobs or self._output(job_id).exists():
            return job_id
        return None

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        source = self._source_of(result.output_url)
        size = source.stat().st_size
        if size > max_bytes:
            raise ProviderError(
                f"render is {size} bytes, over the limit of {max_bytes}",
                error_class=ErrorClass.INVALID,
            )
        await asyncio.to_thread(shutil.copyfile, source, dest)
        return dest

    def classify(self, error: BaseException) -> ErrorClass:
        if isinstance(error, ProviderError):
            return error.error_class
        if isinstance(error, MediaError | ValueError):
            return ErrorClass.INVALID  # the inputs cannot be rendered; retrying won't help
        return ErrorClass.TRANSIENT

    async def aclose(self) -> None:
        """Stop every render and the pool, in bounded time (the server is stopping)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for job_id, future in self._jobs.items():
            if not future.cancel() and not future.done():
                self._ask_to_stop(job_id)
        processes = list((pool._processes or {}).values())
        closing = asyncio.ensure_future(
            asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        )
        if not (await asyncio.wait({closing}, timeout=_STOP_S))[0]:
            for process in processes:
                process.kill()
            await closing

    # -- internals ---------------------------------------------------------------------

    def _start(self, op: str, dest: str, args: dict[str, Any], control: str) -> Future[int]:
        if self._pool is None:
            self._dir.mkdir(parents=True, exist_ok=True)
            self._sweep()
            # spawn, not fork: the server process has threads and an event loop to leave behind.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=context,
                initializer=start_render_process,
                initargs=(os.getpid(),),
            )
        try:
            return self._pool.submit(run_job, op, dest, args, control)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): its jobs failed; start a fresh pool.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            return self._start(op, dest, args, control)

    async def _status(self, job_id: str) -> PollResult:
        if job_id in self._cancelled:
            return PollResult(job_id, ProviderStatus.CANCELLED)
        future = self._jobs.get(job_id)
        if future is not None and not future.done():
            if not future.running():
                return PollResult(job_id, ProviderStatus.QUEUED, progress=0.0)
            progress = read_progress(self._control(job_id))
            return PollResult(job_id, ProviderStatus.RUNNING, progress=progress or 0.0)
        if future is not None and future.exception() is not None:
            return self._failure(job_id, future.exception())
        output = self._output(job_id)
        if not output.exists():
            return PollResult(job_id, ProviderStatus.LOST, error_message=LOST)
        self._jobs.pop(job_id, None)  # the file is the record from here on
        try:
            info = await asyncio.to_thread(probe, output)
        except MediaError as exc:
            output.unlink(missing_ok=True)
            return PollResult(
                job_id,
                ProviderStatus.FAILED,
                error_class=ErrorClass.TRANSIENT,
                error_message=str(exc),
            )
        return PollResult(
            job_id,
            ProviderStatus.SUCCEEDED,
            progress=1.0,
            output_url=output.resolve().as_uri(),
            width=info.width,
            height=info.height,
            duration_sec=info.duration_sec,
        )

    def _failure(self, job_id: str, error: BaseException | None) -> PollResult:
        if isinstance(error, RenderCancelled):
            return PollResult(job_id, ProviderStatus.CANCELLED)
        if isinstance(error, BrokenProcessPool):
            return PollResult(job_id, ProviderStatus.LOST, error_message=RENDERER_DIED)
        error_class = self.classify(error) if error is not None else ErrorClass.TRANSIENT
        return PollResult(
            job_id,
            ProviderStatus.FAILED,
            error_class=error_class,
            error_message=_plain(error, job_id),
        )

    def _source_of(self, url: str | None) -> Path:
        parsed = urlparse(url or "")
        path = Path(unquote(parsed.path)).resolve()
        # Only our own renders: a forged result must not copy arbitrary files off the disk.
        if parsed.scheme != "file" or path.parent != self._dir.resolve() or not path.is_file():
            raise ProviderError(f"not a local render: {url}", error_class=ErrorClass.INVALID)
        return path

    def _ask_to_stop(self, job_id: str) -> None:
        # A running render checks for this file between frames and drops its output.
        self._dir.mkdir(parents=True, exist_ok=True)
        Path(f"{self._control(job_id)}.cancel").touch()

    def _output(self, job_id: str) -> Path:
        return self._dir / f"{job_id}.mp4"

    def _control(self, job_id: str) -> str:
        return str(self._dir / f".{job_id}")

    def _sweep(self) -> None:
        cutoff = time.time() - _STALE_AFTER_S
        for path in self._dir.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


def _plain(error: BaseException | None, job_id: str) -> str:
    """What a user reads about a failed render: our own messages, not a library's text or
    a file path (media.py appends the library's detail after a colon; the log keeps it)."""
    if isinstance(error, ProviderError):
        return error.message
    log.warning("render failed", provider_job_id=job_id, error=repr(error))
    if isinstance(error, MediaError):
        return f"the inputs could not be rendered: {str(error).split(': ', 1)[0]}"
    if isinstance(error, ValueError):
        return "the inputs could not be rendered"
    return "the render failed unexpectedly; the details are in the server log"


def job_id_for(idempotency_key: str) -> str:
    """A file-safe id that is the same for every submit of one attempt."""
    return "local-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
