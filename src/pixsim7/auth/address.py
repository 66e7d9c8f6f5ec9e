"""The address of the client behind a request, for the login throttle and sessions.

`X-Forwarded-For` is believed only when the peer is a configured trusted proxy
(`PIXSIM7_TRUSTED_PROXIES`): anyone else could write any address there and so pass for
a new client on each try. Behind trusted proxies the header is read from the right
(each proxy appends the address it saw), and the first address that is not itself a
trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_LENGTH = 64  # what a session row keeps


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    """The client's address; "unknown" when the server was not told the peer."""
    peer = request.client.host if request.client else None
    if peer is None:
        return "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:MAX_LENGTH]
    # Only proxies in the chain (or no header): the farthest one is the best we know.
    return hops[0][:MAX_LENGTH] if hops else peer


def _is_trusted(host: str, trusted: Sequence[Network]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # how a dual-stack socket shows an IPv4 peer
    return any(address in network for network in trusted)
