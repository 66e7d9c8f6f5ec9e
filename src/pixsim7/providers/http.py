"""HTTP plumbing shared by the remote adapters.

One `HttpClient` per adapter keeps one `httpx.AsyncClient` (connection reuse). Its
`request` turns what is never the caller's fault into `ProviderError(TRANSIENT)`:
transport errors, timeouts, 5xx, and 429 (with ``retry_after`` from ``Retry-After``). An
adapter whose provider means something else by a 429 (a concurrency or quota limit) catches
it and re-raises with its own class. Every other answer is returned for the adapter to read.

Only GET is retried, because a repeated POST could create (and charge for) a second job.
Headers are never logged: they carry API keys and session tokens.

Every connection goes through the outbound policy (`pixsim7.outbound`): an address it
refuses is an INVALID error that says so and nothing more. Error messages carry the
method, a short class and the status, never the remote's path or body, so a base URL
pointed somewhere odd learns nothing from our answers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import httpx
import structlog

from pixsim7 import outbound
from pixsim7.providers.base import AccountContext, ErrorClass, ProviderError

log = structlog.get_logger(__name__)

GET_RETRIES = 2
_RETRY_DELAY_S = 0.5
# Account slots bound how many calls are in flight, so the pools need not (a pool that
# queues costs O(waiting x connections) per request in httpcore). httpcore also scans every
# connection of a pool on every request (an expiry check and a socket probe each), so calls
# are spread round-robin over POOLS smaller pools: against bench/dispatch's fake, 250 calls
# at once through one pool ran at 149 create+status pairs/s, through 16 pools at 255/s.
# Idle connections are dropped before common servers drop them (uvicorn after 5 s):
# reusing one the server just closed fails a POST that cannot safely be retried.
LIMITS = httpx.Limits(max_connections=250, max_keepalive_connections=125, keepalive_expiry=4)
POOLS = 16


# Failures that happen before any byte of the request leaves: the provider cannot have it.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def _maybe_sent(method: str, exc: httpx.HTTPError) -> bool:
    """Whether a failed non-GET call may still have been carried out by the provider (the
    connection broke or timed out after the request went out)."""
    return method.upper() != "GET" and not isinstance(exc, _NOT_SENT)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class HttpClient:
    """An adapter's HTTP client against one base URL, connecting under `policy` (by
    default: public addresses only)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float,
        policy: outbound.Policy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._policy = policy or outbound.Policy()
        self._headers = dict(headers or {})
        self._clients: list[httpx.AsyncClient] = []
        self._next = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def _get_client(self) -> httpx.AsyncClient:
        # Pooled connections belong to the event loop that opened them; a process that runs
        # adapters from a new loop (tests, CLI commands) gets a fresh pool.
        loop = asyncio.get_running_loop()
        if not self._clients or self._loop is not loop:
            self._clients = [
                httpx.AsyncClient(
                    base_url=self.base_url,
                    timeout=httpx.Timeout(self.timeout_s),
                    headers=self._headers,
                    transport=outbound.transport(self._policy, limits=LIMITS),
                    follow_redirects=True,
                )
                for _ in range(POOLS)
            ]
            self._loop = loop
        self._next = (self._next + 1) % len(self._clients)
        return self._clients[self._next]

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        passthrough: Collection[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request (`url` relative to the base URL, or absolute).

        `kwargs` go to httpx (json, data, files, params). Statuses in `passthrough` are
        returned even when they would raise (e.g. a provider that explains a 5xx in its body).
        """
        attempts = 1 + (GET_RETRIES if method.upper() == "GET" else 0)
        for attempt in range(attempts):
            try:
                return await self._send(method, url, headers, passthrough, kwargs)
            except ProviderError as exc:
                last_try = attempt == attempts - 1
                if last_try or exc.error_class != ErrorClass.TRANSIENT or exc.http_status == 429:
                    raise
                await asyncio.sleep(_RETRY_DELAY_S * (attempt + 1))
        raise AssertionError("unreachable")

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        passthrough: Collection[int],
        kwargs: dict[str, Any],
    ) -> httpx.Response:
        path = httpx.URL(url).path or url  # for our logs only, never for the user
        try:
            response = await self._get_client().request(method, url, headers=headers, **kwargs)
        except outbound.Refused as exc:
            log.info("provider.http.refused", method=method, path=path)
            raise refused() from exc
        except httpx.TimeoutException as exc:
            log.info("provider.http.timeout", method=method, path=path)
            raise ProviderError(
                f"{method} timed out",
                error_class=ErrorClass.TRANSIENT,
                in_doubt=_maybe_sent(method, exc),
            ) from exc
        except httpx.TransportError as exc:
            log.info("provider.http.error", method=method, path=path, error=type(exc).__name__)
            raise ProviderError(
                f"{method} failed: network error ({type(exc).__name__})",
                error_class=ErrorClass.TRANSIENT,
                in_doubt=_maybe_sent(method, exc),
            ) from exc
        status = response.status_code
        log.debug("provider.http", method=method, path=path, status=status)
        if status in passthrough:
            return response
        if status == 429:
            raise ProviderError(
                f"{method} rate limited (HTTP 429)",
                error_class=ErrorClass.TRANSIENT,
                code=429,
                http_status=429,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if status >= 500:
            raise ProviderError(
                f"{method} failed: server error (HTTP {status})",
                error_class=ErrorClass.TRANSIENT,
                code=status,
                http_status=status,
            )
        return response

    async def stream_download(
        self, url: str, dest: Path, max_bytes: int, headers: Mapping[str, str] | None = None
    ) -> Path:
        """Stream `url` to `dest` through a temp file renamed at the end, so `dest` is either
        complete or absent. Aborts with INVALID past `max_bytes`."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        try:
            async with self._get_client().stream("GET", url, headers=headers) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise ProviderError(
                        f"download answered {response.status_code}",
                        error_class=ErrorClass.TRANSIENT,
                        http_status=response.status_code,
                        retry_after=retry_after_seconds(response.headers.get("retry-after")),
                    )
                if response.status_code >= 400:
                    raise ProviderError(
                        f"download answered {response.status_code}",
                        error_class=ErrorClass.INVALID,
                        http_status=response.status_code,
                    )
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise _too_big(max_bytes)
                size = 0
                with tmp.open("wb") as out:
                    async for chunk in response.aiter_bytes(1 << 16):
                        size += len(chunk)
                        if size > max_bytes:
                            raise _too_big(max_bytes)
                        out.write(chunk)
            os.replace(tmp, dest)
            return dest
        except outbound.Refused as exc:
            raise refused() from exc
        except httpx.TimeoutException as exc:
            raise ProviderError("download timed out", error_class=ErrorClass.TRANSIENT) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"download failed: {type(exc).__name__}", error_class=ErrorClass.TRANSIENT
            ) from exc
        finally:
            tmp.unlink(missing_ok=True)

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()


class HttpClients:
    """An adapter's clients, one per base URL: the provider's default (the operator's
    setting, whose host is trusted) and each account's own, which connects under `policy`
    alone unless an admin vouched for it (`outbound.for_base`)."""

    def __init__(
        self, default_base_url: str, *, timeout_s: float, policy: outbound.Policy | None = None
    ) -> None:
        self.default_base_url = default_base_url
        self._timeout_s = timeout_s
        self._policy = policy or outbound.Policy()
        self._clients: dict[tuple[str, bool], HttpClient] = {}

    def get(self, account: AccountContext | None = None) -> HttpClient:
        base = (account.base_url if account else "") or self.default_base_url
        trusted = bool(account and account.base_url and account.base_url_trusted)
        client = self._clients.get((base, trusted))
        if client is None:
            rules = outbound.for_base(
                self._policy, base, configured=self.default_base_url, trusted=trusted
            )
            client = HttpClient(base, timeout_s=self._timeout_s, policy=rules)
            self._clients[(base, trusted)] = client
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


def refused() -> ProviderError:
    """The outbound policy refused the address: nothing a retry changes."""
    return ProviderError(
        f"refused: {outbound.Refused().message} (an admin can allow a host)",
        error_class=ErrorClass.INVALID,
        code="outbound_refused",
    )


def _too_big(max_bytes: int) -> ProviderError:
    return ProviderError(f"download larger than {max_bytes} bytes", error_class=ErrorClass.INVALID)
