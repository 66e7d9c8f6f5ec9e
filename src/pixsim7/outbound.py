"""The outbound policy: where the server may connect when it makes a request on a user's
behalf (provider base URLs, output and input downloads, upload-from-url, every redirect).

Loopback, private, link-local and other special-purpose addresses are refused, unless the
admin allows them: by host or network (`Settings.outbound_allow`), by configuring a
provider's base URL (calls to exactly that URL trust its host and port: `for_base`), or per
account (`AccountContext.base_url_trusted`). `Settings.allow_private_urls` allows every
address.

The check sits where connections are made, not where URLs are read: `transport` builds an
httpx transport whose network backend resolves the host once, checks every address it
resolves to, and connects to a checked address. So a redirect hop is checked like the
first request, and a DNS answer that changes between check and connect (rebinding) has
nothing to slip through. TLS still verifies the certificate against the host name (httpcore
starts TLS with the URL's host as server name, whatever address the socket reached).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from pixsim7.config import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

_DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 prefixes embed an IPv4 address; the local-use one (RFC 8215) may reach anything.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_-]{1,63})*\.?$")


class Refused(Exception):
    """The policy forbids connecting to this host (one of its addresses is not allowed).
    The message names no address, so an error shown to a user maps nothing inside."""

    def __init__(self) -> None:
        super().__init__("private, loopback and reserved addresses are refused")
        self.message = str(self)


def is_public(address: Address) -> bool:
    """A globally routable unicast address, also when it hides inside an IPv6 one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class Policy:
    """What may be reached besides public addresses: `networks` (any address in them),
    `hosts` (names allowed whatever they resolve to) and `origins` ((host, port) pairs:
    provider base URLs the admin configured or vouched for)."""

    networks: tuple[Network, ...] = ()
    hosts: frozenset[str] = frozenset()
    origins: frozenset[tuple[str, int]] = frozenset()

    def trusting(self, url: str) -> Policy:
        """This policy, also allowing the host and port of `url`."""
        found = origin(url)
        return self if found is None else replace(self, origins=self.origins | {found})

    def trusts_host(self, host: str, port: int) -> bool:
        host = host.lower().rstrip(".")
        return host in self.hosts or (host, port) in self.origins

    def allows(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return is_public(address) or any(address in net for net in self.networks)

    async def addresses(self, host: str, port: int) -> list[str]:
        """Resolve `host` once; its addresses if every one is allowed, else `Refused`.
        A name that does not resolve raises httpcore.ConnectError (a network failure)."""
        try:
            found = [str(ipaddress.ip_address(host))]  # an address needs no lookup thread
        except ValueError:
            found = await _lookup(host, port)
        if not found:
            raise httpcore.ConnectError("name resolves to no address")
        if self.trusts_host(host, port):
            return found
        for text in found:
            try:
                address = ipaddress.ip_address(text.split("%", 1)[0])
            except ValueError as exc:
                raise Refused() from exc
            if not self.allows(address):
                raise Refused()
        return found


async def _lookup(host: str, port: int) -> list[str]:
    try:
        return await _resolve(host, port)
    except OSError as exc:
        raise httpcore.ConnectError(f"name does not resolve: {exc}") from exc


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, the port filled in from the scheme."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.hostname.lower().rstrip("."), port


def parse_allow(entries: Iterable[str]) -> tuple[tuple[Network, ...], frozenset[str]]:
    """Networks and host names of an allow-list (ValueError names a bad entry)."""
    networks: list[Network] = []
    hosts: set[str] = set()
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if not _HOST_NAME.match(entry):
            raise ValueError(f"not a host name, address or network: {raw!r}")
        hosts.add(entry.rstrip("."))
    return tuple(networks), frozenset(hosts)


def policy(settings: Settings) -> Policy:
    """The operator's allow-list (every address, with `allow_private_urls`)."""
    if settings.allow_private_urls:
        everything = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
        return Policy(networks=everything)
    networks, hosts = parse_allow(settings.outbound_allow)
    return Policy(networks, hosts)


def configured_base(settings: Settings, provider_id: str) -> str | None:
    """The base URL the operator set for a provider (`PIXSIM7_<ID>_BASE_URL`), if any."""
    value = getattr(settings, f"{provider_id}_base_url", None)
    return value if isinstance(value, str) and value else None


def for_base(rules: Policy, base_url: str, *, configured: str | None, trusted: bool) -> Policy:
    """The policy of calls to `base_url`: its host is trusted when it is the provider's
    configured base URL itself (the admin's setting; the same host by another path is not:
    ``http://127.0.0.1:8188/interrupt?x=`` must not reach the admin's ComfyUI), or when an
    admin vouched for it (`trusted`)."""
    if trusted or (configured and base_url.rstrip("/") == configured.rstrip("/")):
        return rules.trusting(base_url)
    return rules


async def check_url(url: str, rules: Policy) -> None:
    """Whether `url` may be called under `rules`, as the connection would decide, before
    it is saved (e.g. an account's base URL). Raises `Refused`, or ValueError when the
    host does not resolve."""
    found = origin(url)
    if found is None:
        raise ValueError("not an http(s) URL with a host")
    if rules.trusts_host(*found):  # the admin vouched for it: a LAN name need not resolve here
        return
    try:
        await rules.addresses(*found)
    except httpcore.ConnectError as exc:
        raise ValueError("the host does not resolve") from exc


async def _system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_resolve: Resolver = _system_resolve


def set_resolver(resolver: Resolver | None) -> None:
    """Answer name lookups with `resolver` (tests: a DNS that changes its mind); None
    restores the system's."""
    global _resolve
    _resolve = resolver or _system_resolve


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the policy allows, resolved here and nowhere else."""

    def __init__(self, rules: Policy) -> None:
        self._rules = rules
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in await self._rules.addresses(host, port):
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # the next address may answer
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused()

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every transport: building one reads the CA bundle (about 35 ms)."""
    return httpx.create_ssl_context()


def transport(
    rules: Policy, *, verify: ssl.SSLContext | None = None, limits: httpx.Limits | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport that connects under `rules` (TLS: `verify`, else the system's
    CAs). Pass it to every client that acts for a user; such a client must not be given
    proxies (a proxy would connect for us)."""
    limits = limits or httpx.Limits()
    context = verify or _tls()
    guarded = httpx.AsyncHTTPTransport(verify=context, limits=limits, trust_env=False)
    # httpx 0.28 takes no network backend, so its pool is rebuilt with ours (the same
    # arguments httpx passes; tests/test_outbound.py fails if this stops taking effect).
    guarded._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(rules),
    )
    return guarded
