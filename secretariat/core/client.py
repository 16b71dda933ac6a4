"""The client's address, the one thing throttling counts by (issue #9).

By default it is REMOTE_ADDR: `X-Forwarded-For` can be written by anyone, so it is ignored.
Behind reverse proxies the site declares them (config/settings.py, "Throttling"): either how
many proxies of its own append to `X-Forwarded-For` (SECRETARIAT_TRUSTED_PROXY_COUNT, the
client is the entry that many from the right), or a header its proxy always sets
(SECRETARIAT_TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP). allauth's login throttling uses this
same function (core/adapters.py), so both count the same person the same way.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _clean(value: str) -> str | None:
    """The address written canonically, or None when it is not one (ports are dropped)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the person at the other end, as far as the site's proxies can say."""
    header = settings.SECRETARIAT_TRUSTED_CLIENT_IP_HEADER
    if header:
        address = _clean(request.headers.get(header, ""))
        if address:
            return address
    count = settings.SECRETARIAT_TRUSTED_PROXY_COUNT
    if count > 0 and not header:
        hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop]
        # Shorter than the proxies declared: the request did not come through them all, so
        # none of it can be trusted; the peer itself is the client.
        if len(hops) >= count:
            address = _clean(hops[-count])
            if address:
                return address
    return _clean(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


def client_network(request: HttpRequest) -> str:
    """What a counter is keyed by: the address, or its /64 for IPv6 (one subscriber's
    allocation, as allauth counts it), so rotating addresses within it does not escape."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address
