"""Download a URL into the store's temp area, safely: http(s) only, a size cap enforced while
streaming, a timeout, a few retries, and every connection (each redirect hop too) under the
outbound policy (`pixsim7.outbound`), which refuses private and loopback addresses unless
the admin allows them.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin, urlsplit

import httpx

from pixsim7 import errors, outbound
from pixsim7.storage import FileWriter, LocalStore

MAX_REDIRECTS = 5
RETRIES = 2
_RETRY_DELAY_S = 0.3
# httpx's timeout is per read: a server sending a byte every few seconds never trips it.
# This bounds each whole attempt.
ATTEMPT_TIMEOUT_S = 600.0


class FetchFailed(errors.AppError):
    status_code = 422
    code = "fetch_failed"


def _field_error(message: str, field: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(message, fields={field: message})


def check_scheme(url: str, *, field: str = "url") -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _field_error("only http and https URLs are accepted", field)


async def download(
    url: str,
    store: LocalStore,
    *,
    max_bytes: int,
    timeout_s: float,
    policy: outbound.Policy,
    field: str = "url",
) -> FileWriter:
    """Stream `url` into a hashing temp file. The caller commits or discards the writer."""
    check_scheme(url, field=field)
    for attempt in range(RETRIES + 1):
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
                return await _download_once(url, store, max_bytes, timeout_s, policy, field)
        except outbound.Refused as exc:
            raise _field_error(exc.message, field) from exc
        except (httpx.TimeoutException, httpx.TransportError, _Retry, TimeoutError) as exc:
            if attempt == RETRIES:
                raise FetchFailed(
                    f"download failed: {_describe(exc)}", fields={field: "failed"}
                ) from exc
            await asyncio.sleep(_RETRY_DELAY_S * (attempt + 1))
    raise AssertionError("unreachable")


class _Retry(Exception):
    pass


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timed out"
    return str(exc) if isinstance(exc, _Retry) else type(exc).__name__


async def _download_once(
    url: str,
    store: LocalStore,
    max_bytes: int,
    timeout_s: float,
    policy: outbound.Policy,
    field: str,
) -> FileWriter:
    transport = outbound.transport(policy)
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout_s), transport=transport) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_scheme(url, field=field)
            async with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Retry(f"server answered {response.status_code}")
                if response.status_code >= 400:
                    raise FetchFailed(
                        f"the URL answered {response.status_code}", fields={field: "unreachable"}
                    )
                return await _save(response, store, max_bytes, field)
    raise FetchFailed("too many redirects", fields={field: "too many redirects"})


async def _save(
    response: httpx.Response, store: LocalStore, max_bytes: int, field: str
) -> FileWriter:
    too_big = errors.PayloadTooLarge(
        f"the file is larger than the limit of {max_bytes} bytes", fields={field: "too large"}
    )
    if int(response.headers.get("content-length") or 0) > max_bytes:
        raise too_big
    writer = store.writer()
    try:
        async for chunk in response.aiter_bytes(1 << 16):
            if writer.size + len(chunk) > max_bytes:
                raise too_big
            writer.write(chunk)
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return writer
