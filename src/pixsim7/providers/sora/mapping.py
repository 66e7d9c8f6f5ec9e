"""OpenAI's answers in our words: video objects, error bodies, and which listed video is
the one a lost submit created."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixsim7.providers.base import ErrorClass, PollResult, ProviderError, ProviderStatus
from pixsim7.providers.sora.operations import dimensions

_STATUS = {
    "queued": ProviderStatus.QUEUED,
    "in_progress": ProviderStatus.RUNNING,
    "completed": ProviderStatus.SUCCEEDED,
    "failed": ProviderStatus.FAILED,
}


def is_moderation(code: str | None) -> bool:
    """A refusal by OpenAI's moderation (``moderation_blocked``, and the like).

    Every one is input moderation, never retried: OpenAI applies its guardrails to "prompts,
    reference images, and transcripts" (video generation guide) and answers one code,
    ``moderation_blocked`` ("Your request was blocked by our moderation system"), on the
    create call and on a video that failed later alike. It documents no output-side code,
    so a new attempt would be the same request refused again, and paid for again."""
    text = (code or "").lower()
    return "moderation" in text or "content_policy" in text or "safety" in text


def poll_result(video: Mapping[str, Any], content_url: str) -> PollResult:
    """`content_url`: where GET .../content answers for this video (needs the API key)."""
    status = _STATUS.get(str(video.get("status")), ProviderStatus.RUNNING)
    result = PollResult(
        provider_job_id=str(video["id"]),
        status=status,
        provider_asset_id=str(video["id"]),  # remixes name their source by this id
        raw=dict(video),
    )
    if isinstance(video.get("progress"), int | float):
        result.progress = max(0.0, min(1.0, float(video["progress"]) / 100))
    if status == ProviderStatus.SUCCEEDED:
        result.progress = 1.0
        result.output_url = f"{content_url}?variant=video"
        result.thumbnail_url = f"{content_url}?variant=thumbnail"
        if isinstance(video.get("size"), str) and "x" in video["size"]:
            result.width, result.height = dimensions(video["size"])
        if str(video.get("seconds", "")).isdigit():
            result.duration_sec = float(video["seconds"])
    elif status == ProviderStatus.FAILED:
        error = video.get("error") or {}
        code = error.get("code") if isinstance(error, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if is_moderation(code):  # accepted, then refused: still a refusal of the request
            result.status = ProviderStatus.FILTERED
            result.error_class = ErrorClass.INPUT_MODERATION
        else:
            result.error_class = ErrorClass.TRANSIENT
        result.error_message = f"{message or 'generation failed'} ({code or 'no code'})"
    return result


def error_for(
    status: int, body: Any, retry_after: float | None, *, creating: bool = False
) -> ProviderError:
    """Classify a non-2xx answer from its status and OpenAI's ``error.code``.

    OpenAI answers 429 with two meanings told apart by the code: ``insufficient_quota``
    (the money is gone: quota, the job moves to another account) and
    ``rate_limit_exceeded`` (this organization sends more videos than its tier allows).
    On a create call the latter is the concurrency class: the account cools down for
    Retry-After and takes fewer jobs at once, and the job waits without spending its
    retry budget. Any other 429, or one on a read, is plain backoff (transient)."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code") or error.get("type")
    message = str(error.get("message") or f"HTTP {status}")
    if status in (401, 403):
        cls = ErrorClass.AUTH
    elif status == 429 and code == "insufficient_quota":
        cls = ErrorClass.QUOTA
    elif status == 429 and creating and code == "rate_limit_exceeded":
        cls = ErrorClass.CONCURRENCY
    elif status == 429:
        cls = ErrorClass.TRANSIENT
    elif is_moderation(code):
        cls = ErrorClass.INPUT_MODERATION
    elif 400 <= status < 500:
        cls = ErrorClass.INVALID
    else:
        cls = ErrorClass.TRANSIENT
    return ProviderError(
        message,
        error_class=cls,
        code=code or status,
        retry_after=retry_after if cls in (ErrorClass.TRANSIENT, ErrorClass.CONCURRENCY) else None,
        http_status=status,
    )


def matches(video: Mapping[str, Any], expected: Mapping[str, Any], submitted_at: float) -> bool:
    """Whether a listed video is the one a submit at `submitted_at` would have created.

    `created_at` has whole seconds, so it may read up to one second before our clock did.
    Older API versions list no `prompt`; then the other fields must do.
    """
    created = video.get("created_at")
    if not isinstance(created, int | float) or created < int(submitted_at):
        return False
    for key, want in expected.items():
        got = video.get(key)
        if key == "prompt" and got is None:
            continue
        if got is None or str(got) != str(want):
            return False
    return True
