"""Where a webhook may be sent: the defence against server-side request forgery.

A partner chooses the URL, so it must never reach the installation's own network:

* the scheme is ``https``; plain ``http`` only when ``WOONZORG_WEBHOOK_ALLOW_HTTP`` is set (for
  development);
* the host's addresses are resolved at delivery time and every one must be a public unicast
  address (no loopback, private, shared, link-local, multicast, reserved or unspecified range,
  also not hidden in an IPv4-mapped IPv6 address), unless
  ``WOONZORG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` is set (development and tests only);
* the connection goes to the address that was checked (no second lookup that DNS could answer
  differently), with the original host name for TLS and the ``Host`` header;
* redirects are never followed (the delivery does not set ``follow_redirects``).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from core.settings import get_settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetNotAllowed(ValueError):
    """The URL, or an address its host resolves to, may not receive webhooks."""


@dataclass(frozen=True)
class PinnedTarget:
    """A checked URL: ``url`` names the address to connect to, ``host`` the original host."""

    url: str
    host: str
    host_header: str


def check_url(url: str) -> None:
    """Refuse a URL that can never be a target (wrong scheme, credentials, a forbidden literal
    address). Names are resolved only at delivery, when it matters."""
    settings = get_settings()
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.webhook_allow_http else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise TargetNotAllowed(
            f"{url!r} is not an https URL"
            + ("" if settings.webhook_allow_http else " (plain http is not allowed)")
        )
    if parts.username is not None or parts.password is not None:
        raise TargetNotAllowed("a webhook URL may not contain a user name or password")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise TargetNotAllowed(f"{url!r} has an invalid port") from None
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    _check_address(literal)


def is_forbidden(address: Address) -> bool:
    """True for every address that is not public unicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_forbidden(address.ipv4_mapped)
    return (
        not address.is_global
        or address.is_multicast
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _check_address(address: Address) -> None:
    if is_forbidden(address) and not get_settings().webhook_allow_private_addresses:
        raise TargetNotAllowed(f"the target address {address} is not a public address")


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (a literal address is its own)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise TargetNotAllowed(f"the host {host!r} could not be resolved") from None
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def pin(url: str) -> PinnedTarget:
    """Check ``url`` and every address of its host now; the URL to connect to names the first
    address, so what is connected to is what was checked."""
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise TargetNotAllowed(f"the host {host!r} has no address")
    for address in addresses:
        _check_address(address)
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return PinnedTarget(
        urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host, host_header
    )
