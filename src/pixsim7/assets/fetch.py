"""Download a URL into the store's temp area, safely: http(s) only, a size cap enforced while
streaming, a timeout, a few retries, and (unless allowed) no private or loopback addresses.

Every hop of a redirect chain is checked again, since a public URL may redirect to
``http://127.0.0.1/admin``. The host is resolved and *every* address it resolves to must be
public. (A DNS answer that changes between our check and httpx's own lookup could still
slip through; closing that needs connecting by address, which breaks TLS name checks.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from pixsim7 import errors
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


async def check_host(url: str, *, field: str = "url") -> None:
    """Refuse URLs whose host is, or resolves to, a private, loopback or reserved address."""
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise _field_error(f"host {host!r} does not resolve", field) from exc
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        if not addr.is_global or addr.is_multicast:
            raise _field_error("private, loopback and reserved addresses are refused", field)


async def download(
    url: str,
    store: LocalStore,
    *,
    max_bytes: int,
    timeout_s: float,
    allow_private: bool,
    field: str = "url",
) -> FileWriter:
    """Stream `url` into a hashing temp file. The caller commits or discards the writer."""
    check_scheme(url, field=field)
    for attempt in range(RETRIES + 1):
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
                return await _download_once(url, store, max_bytes, timeout_s, allow_private, field)
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
    allow_private: bool,
    field: str,
) -> FileWriter:
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout_s)) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_scheme(url, field=field)
            if not allow_private:
                await check_host(url, field=field)
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
