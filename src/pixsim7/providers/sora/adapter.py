"""The OpenAI Sora adapter (Videos API): text or image to video, and remix of its own videos.

OpenAI has deprecated the Videos API (shutdown announced for 2026-09-24); the adapter stays
for compatible endpoints and is never a default. Images go with the create call as a
multipart `input_reference`, so nothing is uploaded first. Outputs are fetched through the
API with the key, not from a public link. OpenAI shows no credit balance.
"""

from __future__ import annotations

import asyncio
import mimetypes
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
from pixsim7.providers.sora import mapping, operations

DEPRECATION = (
    "OpenAI has deprecated the Videos API (Sora) and announced its shutdown for 2026-09-24. "
    "Jobs work until then, or against a compatible endpoint."
)
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
_POLL_PARALLEL = 8
_LIST_PAGES = 5  # find_submission looks at most this many pages of 100 back

INFO = ProviderInfo(
    id="sora",
    name="OpenAI Sora",
    description="OpenAI's Videos API: sora-2 and sora-2-pro from text or an image, and remixes.",
    credit_pools=(operations.POOL,),  # a budget the user may set, in US cents
    credential_kinds=("api_key",),
    default_max_concurrency=2,
    reports_balance=False,  # OpenAI shows API keys no balance
    deprecation=DEPRECATION,
    can_find_submissions=True,  # GET /videos lists recent jobs
    poll_interval_s=10.0,  # generations take 3 to 5 minutes
    timeout_s=3600.0,
)


class SoraProvider(Provider):
    info = INFO

    def __init__(
        self,
        base_url: str = "https://api.openai.com/v1",
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
        """Params with defaults, with the size/model rule (ValidationFailed)."""
        clean = operations.validate(OperationType(op), params)
        super().validate(op, clean, input_counts)  # the spec's input counts
        return clean

    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        return operations.estimate_cost(op, params), operations.POOL

    def needs_upload(self, item: PreparedInput) -> bool:
        # Images travel with the create call; a remix source must already be a Sora video.
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
        if request.operation == OperationType.VIDEO_EXTEND:
            source = _remix_source(request.inputs)
            response = await self._call(
                account,
                "POST",
                f"/videos/{source}/remix",
                creating=True,
                json={"prompt": params["prompt"]},
            )
        else:
            fields = {k: params[k] for k in ("model", "prompt", "seconds", "size")}
            fields["seconds"] = str(fields["seconds"])  # a number is refused
            if request.operation == OperationType.IMAGE_TO_VIDEO:
                image = await _reference(request.inputs, params["size"])
                response = await self._call(
                    account,
                    "POST",
                    "/videos",
                    creating=True,
                    data=fields,
                    files={"input_reference": image},
                )
            else:
                response = await self._call(account, "POST", "/videos", creating=True, json=fields)
        video = response.json()
        if not isinstance(video, dict) or not video.get("id"):
            raise ProviderError(
                "OpenAI accepted the video but sent no id", error_class=ErrorClass.TRANSIENT
            )
        return SubmitResult(provider_job_id=str(video["id"]), raw=video)

    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        gate = asyncio.Semaphore(_POLL_PARALLEL)
        base = self._client(account).base_url

        async def one(video_id: str) -> PollResult | None:
            async with gate:
                response = await self._call(
                    account, "GET", f"/videos/{video_id}", passthrough=(404,)
                )
            if response.status_code == 404:  # unknown or deleted: absent
                return None
            return mapping.poll_result(response.json(), f"{base}/videos/{video_id}/content")

        results = await asyncio.gather(*(one(i) for i in provider_job_ids))
        return {r.provider_job_id: r for r in results if r is not None}

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        await self._call(account, "DELETE", f"/videos/{provider_job_id}", passthrough=(404,))

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        raise ProviderError(
            "Sora has no upload: images go with the request, and only Sora's own videos "
            "can be remixed",
            error_class=ErrorClass.INVALID,
        )

    async def import_session(self, raw: Mapping[str, Any]) -> ImportedSession:
        """Refused: the Videos API takes only an OpenAI API key; a signed-in sora.com or
        chatgpt.com session is no key for it, and PROVIDERS.md names no call that says
        whose key one is."""
        raise ProviderError(
            "Sora accounts are added with an OpenAI API key, not a browser session",
            error_class=ErrorClass.INVALID,
            code="session_import_unsupported",
        )

    async def fetch_balance(self, account: AccountContext) -> Balance:
        """OpenAI exposes no credit balance to API keys, so there are no credits to report.
        The call still lists one video, which proves the key works."""
        await self._call(account, "GET", "/videos", params={"limit": 1})
        return Balance(credits={}, raw={"note": "OpenAI exposes no credit balance"})

    async def find_submission(
        self, account: AccountContext, request: SubmitRequest, submitted_at: float
    ) -> str | None:
        """The oldest listed video created since `submitted_at` that matches the request."""
        try:
            params = self.validate(request.operation, request.params)
        except ValidationFailed:
            return None  # such a request was never sent
        expected: dict[str, Any] = {"prompt": params["prompt"]}
        if request.operation == OperationType.VIDEO_EXTEND:
            expected["remixed_from_video_id"] = _remix_source(request.inputs)
        else:
            expected.update({k: str(params[k]) for k in ("model", "seconds", "size")})
        found: list[dict[str, Any]] = []
        query: dict[str, Any] = {"limit": 100, "order": "desc"}
        for _ in range(_LIST_PAGES):
            page = (await self._call(account, "GET", "/videos", params=query)).json()
            videos = [v for v in page.get("data") or [] if isinstance(v, dict)]
            found += [v for v in videos if mapping.matches(v, expected, submitted_at)]
            if not videos or not page.get("has_more"):
                break
            if (videos[-1].get("created_at") or 0) < int(submitted_at):
                break  # listed newest first: the rest is older than the submit
            query["after"] = videos[-1]["id"]
        if not found:
            return None
        return str(min(found, key=lambda v: v["created_at"])["id"])

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        """GET /videos/{id}/content?variant=video, which needs the API key."""
        base = self._client(account).base_url
        url = result.output_url or f"{base}/videos/{result.provider_job_id}/content?variant=video"
        return await self._client(account).stream_download(
            url, dest, max_bytes, headers=_auth(account)
        )

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
        # 429 is read here, not in HttpClient: its body tells a quota from a rate limit.
        response = await self._client(account).request(
            method, path, headers=_auth(account), passthrough=(*passthrough, 429), **kwargs
        )
        if response.status_code >= 400 and response.status_code not in passthrough:
            try:
                body = response.json()
            except ValueError:
                body = None
            raise mapping.error_for(
                response.status_code,
                body,
                retry_after_seconds(response.headers.get("retry-after")),
                creating=creating,
            )
        return response


def _auth(account: AccountContext) -> dict[str, str]:
    if not account.api_key:
        raise ProviderError("this account has no API key", error_class=ErrorClass.AUTH)
    return {"Authorization": f"Bearer {account.api_key}"}


def _remix_source(inputs: Mapping[str, Sequence[PreparedInput]]) -> str:
    items = list(inputs.get("source_video") or ())
    if len(items) != 1 or not items[0].remote_id:
        raise ProviderError(
            "only a video Sora made for this account can be remixed",
            error_class=ErrorClass.INVALID,
        )
    return items[0].remote_id


async def _reference(
    inputs: Mapping[str, Sequence[PreparedInput]], size: str
) -> tuple[str, bytes, str]:
    """The `input_reference` file part; Sora wants it in exactly the output size."""
    items = list(inputs.get("source_image") or ())
    item = items[0] if len(items) == 1 else None
    if item is None or item.path is None:
        raise ProviderError("needs one source image file", error_class=ErrorClass.INVALID)
    mime = item.mime_type or mimetypes.guess_type(item.path.name)[0] or ""
    if mime not in _IMAGE_TYPES:
        raise ProviderError(
            f"Sora takes JPEG, PNG or WebP images, not {mime or 'this file'}",
            error_class=ErrorClass.INVALID,
        )
    width, height = operations.dimensions(size)
    if item.width and item.height and (item.width, item.height) != (width, height):
        raise ProviderError(
            f"the image is {item.width}x{item.height}; Sora needs it at the video size {size}",
            error_class=ErrorClass.INVALID,
        )
    data = await asyncio.to_thread(item.path.read_bytes)
    return item.path.name, data, mime
