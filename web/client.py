"""Who is asking: the client address (the steps' `source`) and whether it came over HTTPS.

Without `--behind-proxy` the peer is the client. With it, `X-Forwarded-For` and
`X-Forwarded-Proto` are believed only when the peer is one of `[web]
trusted_proxies`; the client is then the right-most address of the forwarded
chain that is not itself a trusted proxy (the left-most entries are whatever
the client wrote).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from flask import Request, current_app

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_proxy(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _trusted_peer(request: Request) -> bool:
    config = current_app.config
    if not config.get("SESAME_BEHIND_PROXY"):
        return False
    return _is_proxy(request.remote_addr or "", _networks(config["SESAME_TRUSTED_PROXIES"]))


def client_source(request: Request) -> str:
    """The client address, as the `source` of every step of this request."""
    peer = request.remote_addr or "unknown"
    if not _trusted_peer(request):
        return peer[:64]
    networks = _networks(current_app.config["SESAME_TRUSTED_PROXIES"])
    chain = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed([a for a in chain if a]):
        if not _is_proxy(address, networks):
            return _checked(address, peer)
    return peer[:64]


def _checked(address: str, peer: str) -> str:
    """A forwarded address must be an IP address: anything else is the peer's claim."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return peer[:64]


def is_https(request: Request) -> bool:
    """Served over HTTPS: directly, or as a trusted proxy says (`X-Forwarded-Proto`)."""
    if request.scheme == "https":
        return True
    if _trusted_peer(request):
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip()
        return proto.lower() == "https"
    return False
