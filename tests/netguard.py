"""A test guard: this process may connect to loopback and Unix sockets only.

Fuzzed requests may name any URL (an account's base URL, an upload's source); the server
under test must not reach beyond this machine on their behalf, whatever it allows itself.
Name lookups of other hosts fail, and connections to other addresses are refused, as on a
machine without a network. (The server must run on the asyncio loop: uvloop's sockets are
not Python's.)
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any


def _loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _allowed(address: Any) -> bool:
    return isinstance(address, str | bytes) or _loopback(address[0])  # str: a Unix socket


@contextlib.contextmanager
def loopback_only() -> Iterator[None]:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if not _allowed(address):
            raise ConnectionRefusedError(f"no network in this test: {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _allowed(address):
            raise ConnectionRefusedError(f"no network in this test: {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"no network in this test: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = real_getaddrinfo
