"""The one rule for "which address is the visitor": used by the login lockout (django-axes) and every rate limit.

Forwarding headers (`X-Forwarded-For`, else `Forwarded: for=…`) are believed only when the request came
straight from a configured proxy (`TRUSTED_PROXIES`, addresses or CIDR networks; default: none). Then the
chain is read from the right, skipping our own proxies, and the first address that is not one of them is the
visitor: everything left of it was written by the client and can be forged. From any other peer the headers
are ignored and the peer's own address counts.
"""

import ipaddress
import re
from functools import lru_cache

from django.conf import settings

_FORWARDED_FOR = re.compile(r'for="?([^;,"]+)"?', re.IGNORECASE)


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value):
    """An ip_address from a header entry ("1.2.3.4", "1.2.3.4:567", "[::1]:80", "::1"), None if it is none."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def forwarded_chain(request):
    """The addresses the proxies recorded, left (client side) to right (nearest proxy)."""
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded_for:
        return [entry for entry in forwarded_for.split(",") if entry.strip()]
    return _FORWARDED_FOR.findall(request.META.get("HTTP_FORWARDED", ""))


def client_ip(request):
    """The visitor's IP address as a string (see the module docstring for whom we believe)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(_address(peer), networks):
        return peer
    for entry in reversed(forwarded_chain(request)):
        address = _address(entry)
        if address is None:
            return peer  # a mangled entry where our proxy writes: believe nothing beyond the proxy itself
        if not _trusted(address, networks):
            return str(address)
    return peer
