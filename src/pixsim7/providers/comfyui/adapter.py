"""The ComfyUI adapter: a user's own ComfyUI server as a provider account.

An account is a server: its ``base_url`` (default `Settings.comfyui_base_url`) and an
optional ``api_key`` sent as a Bearer token for servers behind an authenticating proxy.
Credits are unlimited; concurrency is `Settings.comfyui_max_concurrency` (ComfyUI runs one
prompt at a time and queues the rest).

A job renders a workflow template (`templates`) with the job's values and queues it with
``POST /prompt``. The attempt's idempotency key rides in ``extra_data`` and in the
``client_id``, which a server keeps with the prompt in its queue and history: that is how
`find_submission` recognises an attempt after a crash.

Polling reads ``/queue`` first and ``/history/{id}`` only for prompts not in it. A real
server answers ``{}`` for a queued, a running and an unknown prompt alike, and reading the
queue first closes the race with a prompt that finishes between the two calls. A prompt
in neither (deleted from the queue, or lost in a server restart) is left out of the
result, as the contract says for unknown ids: the scheduler's timeout ends such a job.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pixsim7 import outbound
from pixsim7.config import Settings
from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import (
    AccountContext,
    Balance,
    ErrorClass,
    ImportedSession,
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
from pixsim7.providers.comfyui import answers, operations, templates
from pixsim7.providers.comfyui.client import ComfyClient
from pixsim7.providers.http import HttpClients

KEY_FIELD = "pixsim7_idempotency_key"  # in extra_data of every prompt we queue
HISTORY_SCAN = 200  # newest history entries searched by find_submission


class ComfyUIProvider(Provider):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.info = ProviderInfo(
            id="comfyui",
            name="ComfyUI",
            description="Your own ComfyUI server runs the workflow (API-format templates).",
            credit_pools=(),
            reports_balance=False,
            credential_kinds=(),
            default_max_concurrency=settings.comfyui_max_concurrency,
            can_find_submissions=True,
            list_polling=True,  # one /queue read answers for every queued or running job
            poll_interval_s=3.0,
            timeout_s=3 * 3600.0,  # a home GPU with a queue can take hours
        )
        self._http = HttpClients(
            settings.comfyui_base_url,
            timeout_s=settings.provider_timeout_s,
            policy=outbound.policy(settings),
        )

    def operations(self) -> Sequence[OperationSpec]:
        return operations.OPERATIONS

    def validate(
        self,
        op: OperationType | str,
        params: Mapping[str, Any],
        input_counts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """The spec plus even width and height (odd sizes fail at run time in the save node)."""
        clean = operations.validate(op, params)
        super().validate(op, clean, input_counts)
        return clean

    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        return 0.0, "none"

    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult:
        try:
            params = operations.validate(request.operation, request.params)
            workflow = templates.choose_template(request.operation, request.extra)
        except ValidationFailed as exc:
            raise _invalid(exc) from exc
        client = self._client(account)
        image = None
        if request.operation == OperationType.IMAGE_TO_VIDEO:
            image = await self._input_image(client, request)
        values = operations.workflow_values(params, image)
        graph = templates.render_template(workflow, values)
        key = request.idempotency_key
        prompt_id = await client.queue_prompt(graph, _client_id(key), {KEY_FIELD: key})
        return SubmitResult(prompt_id, raw={"seed": values["seed"], "frames": values["frames"]})

    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        client = self._client(account)
        queue = await client.queue()  # before /history: see the module docstring
        running = {item.prompt_id for item in queue.running}
        pending = {item.prompt_id for item in queue.pending}
        results: dict[str, PollResult] = {}
        for prompt_id in provider_job_ids:
            if prompt_id in running:
                results[prompt_id] = PollResult(prompt_id, ProviderStatus.RUNNING)
            elif prompt_id in pending:
                results[prompt_id] = PollResult(prompt_id, ProviderStatus.QUEUED)
            elif (entry := await client.history(prompt_id)) is not None:
                results[prompt_id] = answers.read_history(
                    prompt_id, entry, _base_url(account, self._settings)
                )
        return results

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        """Delete a pending prompt; interrupt a running one (it ends at its next node and
        the history then shows it interrupted). A finished or unknown prompt is left be."""
        client = self._client(account)
        queue = await client.queue()
        if any(item.prompt_id == provider_job_id for item in queue.pending):
            await client.delete_pending([provider_job_id])
        elif any(item.prompt_id == provider_job_id for item in queue.running):
            await client.interrupt(provider_job_id)

    def needs_upload(self, item: PreparedInput) -> bool:
        # `submit` uploads the input itself every time: a server's input folder can be
        # emptied, and identical bytes under our content-derived name are not stored twice.
        return False

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        return UploadResult(remote_id=await _upload(self._client(account), item))

    async def import_session(self, raw: Mapping[str, Any]) -> ImportedSession:
        """Refused: a ComfyUI server has no user session; it is added by its URL (and, behind
        an authenticating proxy, a key)."""
        raise ProviderError(
            "a ComfyUI server is added by its URL (and an optional proxy key), "
            "not a browser session",
            error_class=ErrorClass.INVALID,
            code="session_import_unsupported",
        )

    async def fetch_balance(self, account: AccountContext) -> Balance:
        """No credits; reaching ``/system_stats`` proves the server is up (and the key good)."""
        stats = await self._client(account).system_stats()
        return Balance(
            credits={}, max_concurrency=self._settings.comfyui_max_concurrency, raw=stats
        )

    async def find_submission(
        self, account: AccountContext, request: SubmitRequest, submitted_at: float
    ) -> str | None:
        client = self._client(account)
        key = request.idempotency_key
        queue = await client.queue()  # first, so a prompt finishing meanwhile is in history
        for item in (*queue.running, *queue.pending):
            if _is_ours(item.extra_data, key):
                return item.prompt_id
        for prompt_id, entry in (await client.recent_history(HISTORY_SCAN)).items():
            prompt = entry.get("prompt")
            extra = prompt[3] if isinstance(prompt, list) and len(prompt) > 3 else None
            if isinstance(extra, dict) and _is_ours(extra, key):
                return prompt_id
        return None

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        # Rebuilt against the account's current base URL: the key must not go elsewhere.
        view = dict(parse_qsl(urlsplit(result.output_url or "").query))
        if not view.get("filename"):
            raise ProviderError("no output file to download", error_class=ErrorClass.INVALID)
        return await self._client(account).download(view, dest, max_bytes)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _input_image(self, client: ComfyClient, request: SubmitRequest) -> str:
        items = request.inputs.get("source_image") or ()
        if not items:
            raise ProviderError(
                "image_to_video needs a source_image", error_class=ErrorClass.INVALID
            )
        item = items[0]
        if item.path is None and item.remote_id:
            return item.remote_id
        return await _upload(client, item)

    def _client(self, account: AccountContext) -> ComfyClient:
        return ComfyClient(self._http.get(account), account.api_key)


def _base_url(account: AccountContext, settings: Settings) -> str:
    return (account.base_url or settings.comfyui_base_url).rstrip("/")


async def _upload(client: ComfyClient, item: PreparedInput) -> str:
    """Upload under a name derived from the content; returns the name the server kept."""
    if item.path is None:
        raise ProviderError("no local file to upload", error_class=ErrorClass.INVALID)
    data = await asyncio.to_thread(item.path.read_bytes)
    mime = item.mime_type or mimetypes.guess_type(item.path.name)[0] or "image/png"
    suffix = item.path.suffix or mimetypes.guess_extension(mime) or ".png"
    name = f"pixsim7-{hashlib.sha256(data).hexdigest()[:24]}{suffix.lower()}"
    return await client.upload_image(name, data, mime)


def _client_id(key: str) -> str:
    return f"pixsim7-{key}"


def _is_ours(extra: Mapping[str, Any], key: str) -> bool:
    return extra.get(KEY_FIELD) == key or extra.get("client_id") == _client_id(key)


def _invalid(exc: ValidationFailed) -> ProviderError:
    detail = "; ".join(f"{field}: {why}" for field, why in exc.fields.items())
    return ProviderError(detail or exc.message, error_class=ErrorClass.INVALID)
