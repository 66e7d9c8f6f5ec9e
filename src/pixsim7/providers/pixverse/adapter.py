"""The Pixverse adapter: one provider, two ways in, chosen per account.

An account with an ``api_key`` uses the platform API (pool ``openapi``); one with a session
token (``jwt_token``, or the ``_ai_token`` cookie) uses the web API (pool ``web``);
``account.extra["pool"]`` picks one when both are set. The web API lists an account's videos
in one call, so polling is per account there; the platform API is polled per video and has
no list, so a crash mid-submit cannot be reconciled on it (`can_find_submissions` is False).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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
    SubmitRequest,
    SubmitResult,
    UploadResult,
)
from pixsim7.providers.http import HttpClients
from pixsim7.providers.pixverse import operations, payloads
from pixsim7.providers.pixverse.client import TOKEN_COOKIE, PlatformApi, WebApi, anonymous_id

WEB, OPENAPI = "web", "openapi"
_LIST_PAGE_MAX = 100
_LIST_PAGES_MAX = 5  # jobs older than this many pages are reported absent
_FIND_SLACK_S = 10.0  # clock skew between us and Pixverse when matching a lost submission
_PLATFORM_POLL_PARALLEL = 8


class PixverseProvider(Provider):
    info = ProviderInfo(
        id="pixverse",
        name="Pixverse",
        description="Pixverse video generation, by web session (web credits) or API key "
        "(platform credits).",
        credit_pools=(WEB, OPENAPI),
        credential_kinds=("api_key", "jwt_token", "cookies"),
        default_max_concurrency=2,
        list_polling=True,
        poll_interval_s=5.0,
        timeout_s=1800.0,
    )

    def __init__(self, settings: Settings) -> None:
        self._http = HttpClients(
            settings.pixverse_base_url,
            timeout_s=settings.provider_timeout_s,
            policy=outbound.policy(settings),
        )

    # -------------------------------------------------------------- specs and money

    def operations(self) -> Sequence[OperationSpec]:
        return operations.OPERATIONS

    def validate(
        self,
        op: OperationType | str,
        params: Mapping[str, Any],
        input_counts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Spec validation plus the cross-field rules (1080p and fast motion: 5 s; transition
        prompts and durations one fewer than images). Raises ValidationFailed."""
        return operations.check_params(op, params, input_counts)

    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        """Credits and pool; the pool is the account's (`pool_for`), web when unknown."""
        pool = pool or WEB
        return operations.cost(op, params, pool), pool

    def pool_for(self, account: AccountContext) -> str:
        forced = account.extra.get("pool")
        has_key, has_token = bool(account.api_key), bool(_token(account))
        if (forced == OPENAPI and has_key) or (forced == WEB and has_token):
            return str(forced)
        if forced in (WEB, OPENAPI):
            raise ProviderError(
                f"account is set to the {forced} pool but has no credential for it",
                error_class=ErrorClass.AUTH,
            )
        if has_key:
            return OPENAPI
        if has_token:
            return WEB
        raise ProviderError(
            "account has no Pixverse API key or session", error_class=ErrorClass.AUTH
        )

    def _platform(self, account: AccountContext) -> PlatformApi:
        http = self._http.get(account)
        return PlatformApi(http, http.base_url, account.api_key or "")

    def _web(self, account: AccountContext) -> WebApi:
        anon = account.extra.get("anonymous_id") or anonymous_id(account.cookies)
        if not anon:  # a stable per-account identity beats a new device on every call
            anon = str(uuid.uuid5(uuid.NAMESPACE_URL, f"pixsim7:pixverse:{account.id}"))
        http = self._http.get(account)
        return WebApi(http, http.base_url, _token(account) or "", anon)

    # -------------------------------------------------------------- jobs

    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult:
        counts = {role: len(items) for role, items in request.inputs.items()}
        try:
            params = self.validate(request.operation, request.params, counts)
        except ValidationFailed as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise ProviderError(
                f"invalid parameters: {detail}", error_class=ErrorClass.INVALID
            ) from exc
        request = SubmitRequest(
            request.operation, params, request.inputs, request.idempotency_key, request.extra
        )
        platform_kind, web_kind = payloads.KINDS[request.operation]
        if self.pool_for(account) == OPENAPI:
            resp = await self._platform(account).generate(
                platform_kind, payloads.platform_body(request)
            )
            video_id = resp.get("video_id")
        else:
            resp = await self._web(account).generate(web_kind, payloads.web_body(request))
            ids = resp.get("video_ids") or []
            video_id = ids[0] if ids else resp.get("video_id")
        if video_id in (None, ""):
            raise ProviderError(
                "Pixverse accepted the job but sent no video id", error_class=ErrorClass.TRANSIENT
            )
        return SubmitResult(str(video_id), raw=resp)

    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        wanted = {str(i) for i in provider_job_ids}
        if not wanted:
            return {}
        if self.pool_for(account) == OPENAPI:
            return await self._poll_platform(account, wanted)
        found: dict[str, PollResult] = {}
        limit = min(_LIST_PAGE_MAX, max(20, len(wanted) + 10))
        web = self._web(account)
        for page in range(_LIST_PAGES_MAX):  # one call in the usual case
            items = await web.list_personal(page * limit, limit)
            for item in items:
                result = payloads.poll_result(item)
                if result.provider_job_id in wanted:
                    found[result.provider_job_id] = result
            if len(found) == len(wanted) or len(items) < limit:
                break
        return found

    async def _poll_platform(
        self, account: AccountContext, wanted: set[str]
    ) -> dict[str, PollResult]:
        api, gate = self._platform(account), asyncio.Semaphore(_PLATFORM_POLL_PARALLEL)

        async def one(video_id: str) -> PollResult | None:
            async with gate:
                try:
                    return payloads.poll_result({"id": video_id, **await api.result(video_id)})
                except ProviderError as exc:
                    if exc.error_class == ErrorClass.INVALID:  # unknown id: absent
                        return None
                    raise

        results = await asyncio.gather(*(one(v) for v in sorted(wanted)))
        return {r.provider_job_id: r for r in results if r is not None}

    def lists_jobs(self, account: AccountContext) -> bool:
        """The web API's list answers for every job of the account; the platform API is
        asked one video at a time."""
        try:
            return self.pool_for(account) == WEB
        except ProviderError:
            return False

    def can_cancel(self, account: AccountContext) -> bool:
        """Only the web API has a delete call (PROVIDERS.md); the platform API documents no
        cancel or delete, so a platform job runs to its end (and is charged)."""
        return self.pool_for(account) == WEB

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        """Web: delete the video (Pixverse stops it). Platform: no call at all (see
        `can_cancel`); the job runs to its end and the caller ignores its result."""
        if not self.can_cancel(account):
            return
        job_id: int | str = int(provider_job_id) if provider_job_id.isdigit() else provider_job_id
        await self._web(account).delete([job_id])

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        if self.pool_for(account) == OPENAPI:
            api = self._platform(account)
            if item.media_type == "image":
                resp = await api.upload_image(item.path, item.remote_url)
                return UploadResult(str(resp["img_id"]), resp.get("img_url"))
            resp = await api.upload_media(item.path, item.remote_url)
            return UploadResult(payloads.MEDIA_PREFIX + str(resp["media_id"]), resp.get("url"))
        if item.path is None:
            raise ProviderError(
                "the web API uploads local files only", error_class=ErrorClass.INVALID
            )
        resp = await self._web(account).upload(item.path)
        return UploadResult(str(resp["path"]), resp.get("url"))

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        if not result.output_url:
            raise ProviderError("no output to download", error_class=ErrorClass.INVALID)
        # Output URLs point at Pixverse's CDN: no credentials go with them.
        return await self._http.get(account).stream_download(result.output_url, dest, max_bytes)

    # -------------------------------------------------------------- account

    async def fetch_balance(self, account: AccountContext) -> Balance:
        if self.pool_for(account) == OPENAPI:
            resp = await self._platform(account).balance()
            total = _num(resp, "credit_monthly") + _num(resp, "credit_package")
            return Balance({OPENAPI: total}, raw=resp)
        web = self._web(account)
        credits = await web.credits()
        plan = await web.plan_details()
        total = sum(_num(credits, k) for k in ("credit_daily", "credit_monthly", "credit_package"))
        return Balance(
            {WEB: total},
            max_concurrency=plan_concurrency(plan),
            raw={"credits": credits, "plan": plan},
        )

    async def import_session(self, raw: Mapping[str, Any]) -> ImportedSession:
        """From the extension: {"cookies": {...} or "a=b; c=d", "bearer_token"?} or a flat
        cookie mapping. The session token is the bearer token, else the ``_ai_token`` cookie."""
        cookies = _cookies(raw.get("cookies", raw))
        token = str(raw.get("bearer_token") or cookies.get(TOKEN_COOKIE) or "")
        token = token.removeprefix("Bearer ").strip()
        if not token:
            raise ProviderError(
                "no Pixverse session token (_ai_token cookie) in the import",
                error_class=ErrorClass.AUTH,
            )
        http = self._http.get()
        web = WebApi(http, http.base_url, token, anonymous_id(cookies))
        user = await web.user_info()
        if not user.get("AccId"):
            raise ProviderError(
                "Pixverse did not say who this session is", error_class=ErrorClass.AUTH
            )
        return ImportedSession(
            provider_user_id=str(user["AccId"]),
            jwt_token=token,
            cookies=cookies,
            email=user.get("Mail") or None,
            nickname=user.get("Nickname") or user.get("Username") or None,
        )

    def own_output_id(self, account: AccountContext, provider_asset_id: str) -> str | None:
        # Its video id: extend takes it as original_video_id (web) / source_video_id.
        return provider_asset_id if provider_asset_id.isdigit() else None

    def can_find_submissions(self, account: AccountContext) -> bool:
        return self.pool_for(account) == WEB

    async def find_submission(
        self, account: AccountContext, request: SubmitRequest, submitted_at: float
    ) -> str | None:
        """The earliest listed video created since `submitted_at` with this attempt's prompt
        (and model, quality, duration where the list shows them)."""
        prompt = payloads.signature_prompt(request.params)
        items = await self._web(account).list_personal(0, _LIST_PAGE_MAX)
        matches: list[tuple[float, str]] = []
        for item in items:
            created = payloads.created_at(item)
            if created is None or created < submitted_at - _FIND_SLACK_S:
                continue
            if str(item.get("prompt", "")) != prompt:
                continue
            if any(
                k in item and k in request.params and item[k] != request.params[k]
                for k in ("model", "quality", "duration")
            ):
                continue
            matches.append((created, str(item.get("video_id"))))
        return min(matches)[1] if matches else None

    async def aclose(self) -> None:
        await self._http.aclose()


def plan_concurrency(plan: Mapping[str, Any]) -> int:
    """Jobs an account may run at once: ``gen_simultaneously``, else by plan (paid 5, free 2)."""
    if _num(plan, "gen_simultaneously") > 0:
        return int(_num(plan, "gen_simultaneously"))
    return 5 if _num(plan, "plan_type") >= 1 else 2


def _token(account: AccountContext) -> str | None:
    return account.jwt_token or account.cookies.get(TOKEN_COOKIE)


def _num(data: Mapping[str, Any], key: str) -> float:
    try:
        return float(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0.0


def _cookies(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        pairs = (part.split("=", 1) for part in value.split(";") if "=" in part)
        return {k.strip(): v.strip() for k, v in pairs}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float)}
    return {}
