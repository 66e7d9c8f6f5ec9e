"""Domain errors that map to HTTP answers.

Services raise these; `app.py` turns each into ``{"error": {"code", "message",
"fields"}}`` with its status. Features subclass them (``class NotFound(errors.NotFound)``)
when they want a more precise code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A file:// URL, a quoted absolute path (as exceptions quote them, spaces and all), or an
# unquoted one of two parts or more that is not a URL's (no host before it).
_PATH = re.compile(
    r"file://[^\s'\"]+"
    r"|(?<=')/[^'\n]*(?=')|(?<=\")/[^\"\n]*(?=\")"
    r"|(?<![\w:/.~-])/(?:[^\s'\"/]+/)+[^\s'\",;)]*"
)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        # More of the answer beside code, message and fields (e.g. a scene's problem list).
        self.extra = dict(extra or {})
        if code:
            self.code = code


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after


class QuotaExceeded(AppError):
    status_code = 429
    code = "quota_exceeded"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "unavailable"


def without_paths(text: str) -> str:
    """`text` with this machine's file paths replaced by "<file>": an error a user reads
    (a job's, an account's) comes from exceptions that name internal files."""
    return _PATH.sub("<file>", text)
