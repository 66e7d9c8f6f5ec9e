"""Runway's answers in our words: task status, failure codes, errors, the organization."""

from __future__ import annotations

from typing import Any

from pixsim7.providers.base import Balance, ErrorClass, PollResult, ProviderError, ProviderStatus
from pixsim7.providers.runway.operations import DEFAULT_MODEL, POOL

_STATUS = {
    "PENDING": ProviderStatus.QUEUED,
    # THROTTLED: over the model's concurrency limit; Runway starts it when a slot frees.
    "THROTTLED": ProviderStatus.QUEUED,
    "RUNNING": ProviderStatus.RUNNING,
    "SUCCEEDED": ProviderStatus.SUCCEEDED,
    "FAILED": ProviderStatus.FAILED,
    "CANCELLED": ProviderStatus.CANCELLED,
}


def failure_class(code: str | None) -> ErrorClass:
    """Runway's task failure codes (docs.dev.runwayml.com, "Task failures"): SAFETY.INPUT.*
    refused what we sent, SAFETY.OUTPUT.* refused what it made (not retried either: Runway
    says not to retry SAFETY failures, see `INFO.retries_output_moderation`); any other
    SAFETY code is taken as input. ASSET.INVALID is a bad input; INTERNAL.* and the rest
    are worth another try."""
    code = (code or "").upper()
    if code.startswith("SAFETY.OUTPUT"):
        return ErrorClass.OUTPUT_MODERATION
    if code.startswith(("SAFETY", "INPUT_PREPROCESSING.SAFETY")):
        return ErrorClass.INPUT_MODERATION
    if code.startswith("ASSET.INVALID"):
        return ErrorClass.INVALID
    return ErrorClass.TRANSIENT


def poll_result(task: dict[str, Any]) -> PollResult:
    status = _STATUS.get(str(task.get("status", "")).upper(), ProviderStatus.RUNNING)
    result = PollResult(
        provider_job_id=str(task["id"]),
        status=status,
        provider_asset_id=str(task["id"]),
        # Runway's output links are signed and expire (24-48 h): the scheduler downloads
        # as soon as it sees success, and `download` re-polls for a fresh link if one lapsed.
        raw={"task": task, "output_expires": True},
    )
    progress = task.get("progress")
    if isinstance(progress, int | float):
        result.progress = max(0.0, min(1.0, float(progress)))
    if str(task.get("status", "")).upper() == "THROTTLED":
        # Queued behind the tier's concurrent limit: it starts when a slot frees. Flagged so
        # a caller can tell "the org runs more than its limit" from an ordinary queue.
        result.raw["throttled"] = True
    if status == ProviderStatus.SUCCEEDED:
        outputs = task.get("output") or []
        result.output_url = outputs[0] if outputs else None
        result.progress = 1.0
        if not result.output_url:  # success without a file is no success
            result.status = ProviderStatus.FAILED
            result.error_class = ErrorClass.TRANSIENT
            result.error_message = "task succeeded without an output"
    elif status == ProviderStatus.FAILED:
        code = task.get("failureCode")
        result.error_class = failure_class(code)
        if result.error_class in (ErrorClass.INPUT_MODERATION, ErrorClass.OUTPUT_MODERATION):
            result.status = ProviderStatus.FILTERED
        result.error_message = f"{task.get('failure') or 'generation failed'} ({code or 'no code'})"
    return result


def error_message(body: Any, fallback: str) -> str:
    """Runway error bodies are ``{"error": "..."}``, sometimes with ``issues`` details."""
    if isinstance(body, dict):
        message = body.get("error") or body.get("message")
        if isinstance(message, dict):
            message = message.get("message")
        issues = body.get("issues")
        if isinstance(issues, list) and issues:
            details = "; ".join(
                str(i.get("message", i)) if isinstance(i, dict) else str(i) for i in issues
            )
            message = f"{message or fallback}: {details}"
        if message:
            return str(message)
    return fallback


def is_credit_shortage(message: str) -> bool:
    text = message.lower()
    return "credit" in text and ("enough" in text or "insufficient" in text)


def is_daily_limit(message: str) -> bool:
    return "daily" in message.lower()


def error_for(
    status: int, body: Any, retry_after: float | None, *, creating: bool = False
) -> ProviderError:
    """Classify a non-2xx answer. Runway signals a credit shortage with a 4xx whose
    message says so (400 in practice), so the message is read before the status.

    A 429 is never about concurrency at Runway: a task over the tier's concurrent limit is
    accepted and waits as THROTTLED (a queued status, no error). On a create call a 429 is
    this organization's limit: the daily generation cap of the model (quota: the job moves
    to another account) or the request rate (concurrency: this account cools down for
    Retry-After and the job waits without spending its retry budget). A 429 on a read is
    plain backoff (transient)."""
    message = error_message(body, f"HTTP {status}")
    if status in (401, 403):
        cls = ErrorClass.AUTH
    elif status == 402 or (400 <= status < 500 and is_credit_shortage(message)):
        cls = ErrorClass.QUOTA
    elif status == 429 and creating:
        cls = ErrorClass.QUOTA if is_daily_limit(message) else ErrorClass.CONCURRENCY
    elif status == 429:
        cls = ErrorClass.TRANSIENT
    elif status in (400, 404, 409, 413, 415, 422):
        cls = ErrorClass.INVALID
    else:
        cls = ErrorClass.TRANSIENT
    return ProviderError(
        message, error_class=cls, code=status, retry_after=retry_after, http_status=status
    )


def balance(org: dict[str, Any], model: str | None) -> Balance:
    """Credits plus the limits of one model (the account's, else the default)."""
    name = model or DEFAULT_MODEL
    tier = ((org.get("tier") or {}).get("models") or {}).get(name) or {}
    usage = ((org.get("usage") or {}).get("models") or {}).get(name) or {}
    return Balance(
        credits={POOL: float(org.get("creditBalance") or 0)},
        max_concurrency=_int(tier.get("maxConcurrentGenerations")),
        daily_cap=_int(tier.get("maxDailyGenerations")),
        daily_used=_int(usage.get("dailyGenerations")),
        raw=org,
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None
