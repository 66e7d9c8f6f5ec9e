"""The Runway adapter: tasks created from images (or text), polled one by one.

Runway has no upload endpoint we rely on: images travel inside the request as HTTPS
URLs or base64 data URIs, so `needs_upload` is always false. Its task API has no
listing either, so a submit lost in a crash cannot be found again
(`can_find_submissions` is false).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from pixsim7 import outbound
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
    SubmitRequest,
    SubmitResult,
    UploadResult,
)
from pixsim7.providers.http import HttpClient, HttpClients, retry_after_seconds
from pixsim7.providers.runway import mapping, operations
from pixsim7.providers.runway.images import image_uri

API_VERSION = "2024-11-06"
_POLL_PARALLEL = 8
_EXPIRED_STATUSES = (401, 403, 404, 410)  # what a lapsed signed link answers

INFO = ProviderInfo(
    id="runway",
    name="Runway",
    description="Runway's developer API: gen4_turbo, gen4.5 and Veo 3.1 from images or text.",
    credit_pools=(operations.POOL,),
    credential_kinds=("api_key",),
    default_max_concurrency=1,  # replaced by the tier's limit once the balance is read
    can_find_submissions=False,  # GET /v1/tasks/{id} only: no listing to search
    poll_interval_s=5.0,  # Runway asks clients not to poll a task more often than this
    # "You should not retry these generations" of every SAFETY failure, output ones included.
    retries_output_moderation=False,
    timeout_s=1800.0,
)


class RunwayProvider(Provider):
    info = INFO

    def __init__(
        self,
        base_url: str = "https://api.dev.runwayml.com",
        *,
        timeout_s: float = 30.0,
        policy: outbound.Policy | None = None,
    ) -> None:
        self._http = HttpClients(base_url, timeout_s=timeout_s, policy=policy)

    # ---------------------------------------------------------------- specs

    def operations(self) -> Sequence[OperationSpec]:
        return operations.OPERATIONS

    def validate(
        self,
        op: OperationType | str,
        params: Mapping[str, Any],
        input_counts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Params with defaults, checked against the chosen model (ValidationFailed)."""
        clean = operations.validate(OperationType(op), params)
        super().validate(op, clean, input_counts)  # the spec's input counts
        return clean

    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        return operations.estimate_cost(op, params), operations.POOL

    def needs_upload(self, item: PreparedInput) -> bool:
        return False

    # ---------------------------------------------------------------- calls

    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult:
        try:
            params = self.validate(request.operation, request.params)
        except ValidationFailed as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise ProviderError(
                f"invalid parameters: {detail}", error_class=ErrorClass.INVALID
            ) from exc
        path, body = await self._build(request.operation, params, request.inputs)
        response = await self._call(account, "POST", path, creating=True, json=body)
        data = response.json()
        if not isinstance(data, dict) or not data.get("id"):
            raise ProviderError(
                "Runway accepted the task but sent no id", error_class=ErrorClass.TRANSIENT
            )
        return SubmitResult(provider_job_id=str(data["id"]), raw=data)

    async def _build(
        self,
        op: OperationType,
        params: Mapping[str, Any],
        inputs: Mapping[str, Sequence[PreparedInput]],
    ) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {
            "model": params["model"],
            "ratio": params["ratio"],
            "duration": params["duration"],
        }
        if params.get("prompt"):
            body["promptText"] = params["prompt"]
        if params.get("seed") is not None:
            body["seed"] = params["seed"]
        if op == OperationType.TEXT_TO_VIDEO:
            return "/v1/text_to_video", body
        if op == OperationType.IMAGE_TO_VIDEO:
            body["promptImage"] = await image_uri(_one(inputs, "source_image"))
        else:  # VIDEO_TRANSITION
            images = list(inputs.get("images") or ())
            if len(images) != 2:
                raise ProviderError(
                    "a transition takes a first and a last frame", error_class=ErrorClass.INVALID
                )
            body["promptImage"] = [
                {"uri": await image_uri(images[0]), "position": "first"},
                {"uri": await image_uri(images[1]), "position": "last"},
            ]
        return "/v1/image_to_video", body

    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        gate = asyncio.Semaphore(_POLL_PARALLEL)

        async def one(task_id: str) -> PollResult | None:
            async with gate:
                response = await self._call(
                    account, "GET", f"/v1/tasks/{task_id}", passthrough=(404,)
                )
            if response.status_code == 404:  # unknown, or deleted: absent
                return None
            return mapping.poll_result(response.json())

        results = await asyncio.gather(*(one(i) for i in provider_job_ids))
        return {r.provider_job_id: r for r in results if r is not None}

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        # Cancels a pending, throttled or running task; an already gone task is fine.
        await self._call(account, "DELETE", f"/v1/tasks/{provider_job_id}", passthrough=(404,))

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        """Nothing to send: the image becomes a data URI that `submit` would build anyway."""
        uri = await image_uri(item)
        return UploadResult(remote_id=f"inline:{item.role}", remote_url=uri)

    async def import_session(self, raw: Mapping[str, Any]) -> ImportedSession:
        """Refused: the developer API takes only an API key from dev.runwayml.com; a signed-in
        app.runwayml.com session (its cookies or bearer token) is no key for it, and
        `/v1/organization` names no user to recognise an account by."""
        raise ProviderError(
            "Runway accounts are added with a developer API key (dev.runwayml.com), "
            "not a browser session",
            error_class=ErrorClass.INVALID,
            code="session_import_unsupported",
        )

    async def fetch_balance(self, account: AccountContext) -> Balance:
        response = await self._call(account, "GET", "/v1/organization")
        return mapping.balance(response.json(), account.extra.get("model"))

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        """Fetch the signed output link (no API key: it goes to Runway's CDN). A link that
        lapsed is renewed once by polling the task again."""
        client = self._client(account)
        if result.output_url:
            try:
                return await client.stream_download(result.output_url, dest, max_bytes)
            except ProviderError as exc:
                if exc.http_status not in _EXPIRED_STATUSES:
                    raise
        fresh = (await self.poll(account, [result.provider_job_id])).get(result.provider_job_id)
        if fresh is None or not fresh.output_url or fresh.output_url == result.output_url:
            raise ProviderError(
                "the output link expired and the task no longer offers a new one",
                error_class=ErrorClass.INVALID,
                code="output_expired",
            )
        return await client.stream_download(fresh.output_url, dest, max_bytes)

    async def aclose(self) -> None:
        await self._http.aclose()

    # ---------------------------------------------------------------- HTTP

    def _client(self, account: AccountContext) -> HttpClient:
        return self._http.get(account)

    async def _call(
        self,
        account: AccountContext,
        method: str,
        path: str,
        *,
        passthrough: Sequence[int] = (),
        creating: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """`creating`: a create call, whose 429 is read here (quota or concurrency, see
        `mapping.error_for`) instead of as the HTTP client's plain backoff."""
        if not account.api_key:
            raise ProviderError("this account has no API key", error_class=ErrorClass.AUTH)
        headers = {"Authorization": f"Bearer {account.api_key}", "X-Runway-Version": API_VERSION}
        allowed = (*passthrough, 429) if creating else tuple(passthrough)
        response = await self._client(account).request(
            method, path, headers=headers, passthrough=allowed, **kwargs
        )
        if response.status_code >= 400 and response.status_code not in passthrough:
            raise mapping.error_for(
                response.status_code,
                _json_or_none(response),
                retry_after_seconds(response.headers.get("retry-after")),
                creating=creating,
            )
        return response


def _one(inputs: Mapping[str, Sequence[PreparedInput]], role: str) -> PreparedInput:
    items = list(inputs.get(role) or ())
    if len(items) != 1:
        raise ProviderError(f"needs exactly one {role}", error_class=ErrorClass.INVALID)
    return items[0]


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
