"""Pixverse answers, read: the ErrCode envelope, error classes, and video statuses.

Business errors arrive with HTTP 200 and a non-zero ``ErrCode``; some bodies spell the
envelope in lowercase (``err_code``, ``err_msg``, ``resp``), so both are read everywhere.
"""

from __future__ import annotations

from typing import Any

import httpx

from pixsim7.providers.base import ErrorClass, ProviderError, ProviderStatus

# PROVIDERS.md "Status and error codes", checked against Pixverse's platform error codes
# (docs.platform.pixverse.ai, Troubleshooting > Error codes). Within 500030..500047 the
# table lists "image too big or bad; upload failed; media invalid" in code order: only
# 500041 (upload failed) is worth retrying, the rest describe the input itself. Both
# moderation codes refuse what we sent, so neither is retried: 500054 "Content moderation
# failure. Image maybe contains inappropriate content. Please replace with another image",
# 500063 the pre-review of the input video, image or text. A refusal of the *output* comes
# as video status 7 ("Contents moderation failed") after the job was accepted: `_STATUSES`.
ERROR_CLASSES: dict[int, ErrorClass] = {
    10002: ErrorClass.AUTH,  # not logged in
    10003: ErrorClass.AUTH,  # session expired
    10005: ErrorClass.AUTH,  # logged in elsewhere
    500043: ErrorClass.QUOTA,  # credits used up
    500090: ErrorClass.QUOTA,  # insufficient balance
    500044: ErrorClass.CONCURRENCY,  # concurrent generation limit reached
    500054: ErrorClass.INPUT_MODERATION,  # the input image
    500063: ErrorClass.INPUT_MODERATION,  # pre-review of the input video, image or text
    500069: ErrorClass.TRANSIENT,  # high load
    400011: ErrorClass.INVALID,  # empty parameter
    400013: ErrorClass.INVALID,  # wrong type
    400017: ErrorClass.INVALID,  # invalid parameter
    400018: ErrorClass.INVALID,  # prompt too long
    400019: ErrorClass.INVALID,
    400032: ErrorClass.INVALID,  # bad image id
    500020: ErrorClass.INVALID,  # no permission
    500070: ErrorClass.INVALID,  # template not enabled
    500071: ErrorClass.INVALID,  # resolution not allowed
    500030: ErrorClass.INVALID,  # image too big
    500031: ErrorClass.INVALID,  # image bad
    500032: ErrorClass.INVALID,
    500033: ErrorClass.INVALID,
    500041: ErrorClass.TRANSIENT,  # upload failed
    500042: ErrorClass.INVALID,  # media invalid
    500047: ErrorClass.INVALID,  # media invalid
}

# Video status codes. 10 is "done" only once the output has a size: right after creation the
# web list shows a "false 10" with a placeholder URL and zero width and height.
_STATUSES: dict[int, ProviderStatus] = {
    1: ProviderStatus.SUCCEEDED,
    0: ProviderStatus.QUEUED,
    2: ProviderStatus.QUEUED,
    5: ProviderStatus.RUNNING,
    7: ProviderStatus.FILTERED,
    3: ProviderStatus.FILTERED,
    17: ProviderStatus.FILTERED,
    8: ProviderStatus.FAILED,
    9: ProviderStatus.FAILED,
    4: ProviderStatus.FAILED,
    -1: ProviderStatus.FAILED,
    6: ProviderStatus.CANCELLED,
}


def classify_code(code: int) -> ErrorClass:
    """Class of a non-zero ErrCode; an unknown one fails the job rather than loop on it."""
    return ERROR_CLASSES.get(code, ErrorClass.INVALID)


def map_status(code: int, width: int | None, height: int | None) -> ProviderStatus:
    if code == 10:
        done = (width or 0) > 0 and (height or 0) > 0
        return ProviderStatus.SUCCEEDED if done else ProviderStatus.QUEUED
    return _STATUSES.get(code, ProviderStatus.RUNNING)


def error_for(code: int, message: str, *, http_status: int | None = None) -> ProviderError:
    return ProviderError(
        f"Pixverse error {code}: {message}",
        error_class=classify_code(code),
        code=code,
        http_status=http_status,
    )


def unwrap(response: httpx.Response) -> dict[str, Any]:
    """The ``Resp`` of a successful answer; otherwise the classified ProviderError.

    HTTP 429 and 5xx were already raised by the HTTP client. An ErrCode in the body wins over
    the HTTP status (Pixverse puts the meaning there); without one, 401/403 mean auth and any
    other 4xx a request Pixverse refuses.
    """
    body = _json(response)
    code = _field(body, "ErrCode", "err_code")
    message = str(_field(body, "ErrMsg", "err_msg") or "")
    if code is not None:
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = -1
        if code != 0:
            raise error_for(code, message, http_status=response.status_code)
    if response.status_code in (401, 403):
        raise ProviderError(
            f"Pixverse refused the credentials (HTTP {response.status_code})",
            error_class=ErrorClass.AUTH,
            http_status=response.status_code,
        )
    if response.status_code >= 400 or code is None:
        raise ProviderError(
            f"unexpected Pixverse answer (HTTP {response.status_code})",
            error_class=ErrorClass.INVALID if response.status_code >= 400 else ErrorClass.TRANSIENT,
            http_status=response.status_code,
        )
    resp = _field(body, "Resp", "resp")
    return resp if isinstance(resp, dict) else {}


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _field(body: dict[str, Any], name: str, lower: str) -> Any:
    return body[name] if name in body else body.get(lower)
