"""What a user reads about a failed attempt.

A provider's `ProviderError` carries a message its adapter wrote for users; it is shown as
it is. Any other exception reaching the worker is a bug or a library's failure: its text
(a Python internal, a file path, a query) goes to the server log, and the user reads a
plain sentence saying what failed.
"""

from __future__ import annotations

from pixsim7.logging import get_logger
from pixsim7.providers.base import ProviderError

log = get_logger(__name__)


def plain(error: BaseException, *, step: str, job_id: int) -> str:
    """The message for `error`, raised while the worker was `step` (e.g. "submitting")."""
    if isinstance(error, ProviderError):
        return error.message
    log.error("unexpected error in a job", step=step, job_id=job_id, exc_info=error)
    return f"an unexpected error while {step}; the details are in the server log"
