"""回调地址检查 — which webhook URLs a department may register, and which the sender may call.

http and https only, with a host; never the server itself (a loopback or unspecified address, this
machine's own names and addresses, or a name this site answers to), so that a subscription cannot
make the server POST to its own private interfaces. The check runs when a URL is registered and
again before every send, on the addresses the name then resolves to (a name may be re-pointed).
Private network addresses stay allowed: departments' receivers often sit on a government intranet.

``SOCREDIT_WEBHOOK_ALLOW_LOOPBACK`` (off by default) lets loopback URLs through, for tests and a
developer's own receiver; the machine's other names and addresses stay refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from socredit.common.errors import FieldErrors

MAX_LENGTH = 500


def _allow_loopback() -> bool:
    return bool(getattr(settings, "SOCREDIT_WEBHOOK_ALLOW_LOOPBACK", False))


def _own_names() -> set[str]:
    names = {"localhost", "localhost.localdomain", socket.gethostname().lower(), socket.getfqdn().lower()}
    names |= {h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS if h not in {"*", ""}}
    site = getattr(settings, "SOCREDIT_SITE_URL", "") or ""
    if site:
        names.add((urlsplit(site).hostname or "").lower())
    return {n for n in names if n}


def _own_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    found: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(ipaddress.ip_address(info[4][0]))
    except OSError:
        pass  # a machine whose own name does not resolve has no addresses to add
    return found


def _refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the sender may not call this address, or None."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if address.is_unspecified:
        return gettext("the address %(address)s is this server itself") % {"address": address}
    if address.is_loopback:
        if _allow_loopback():
            return None
        return gettext("the address %(address)s is this server itself (loopback)") % {"address": address}
    if address in _own_addresses():
        return gettext("the address %(address)s is this server itself") % {"address": address}
    return None


def clean_webhook_url(url: str) -> str:
    """The URL as it will be stored ("" for none), or FieldErrors(webhook_url=…) saying why not."""
    url = (url or "").strip()
    if not url:
        return ""
    errors = FieldErrors()
    if len(url) > MAX_LENGTH:
        raise FieldErrors(webhook_url=gettext("At most %(n)d characters") % {"n": MAX_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FieldErrors(webhook_url=gettext("Not a valid URL")) from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise FieldErrors(
            webhook_url=gettext(
                "Only http:// and https:// addresses can receive webhooks (given: %(scheme)s)"
            )
            % {"scheme": parts.scheme or "—"}
        )
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FieldErrors(webhook_url=gettext("The URL has no host name"))
    if parts.username or parts.password:
        errors.add(
            "webhook_url", gettext("Put no user name or password in the URL: the signature authenticates")
        )
    if port == 0:
        errors.add("webhook_url", gettext("Port 0 cannot be called"))
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        why = _refused_address(literal)
        if why:
            errors.add("webhook_url", gettext("Refused: %(why)s") % {"why": why})
    elif host in _own_names() and not (_allow_loopback() and host in {"localhost", "localhost.localdomain"}):
        errors.add("webhook_url", gettext("Refused: %(host)s is this server itself") % {"host": host})
    if errors:
        raise errors
    return url


def refused_destination(url: str) -> str | None:
    """Before a send: why this URL may not be called now (its host resolving to this server), or
    None. A host that does not resolve is left to the send, which reports it as its error."""
    try:
        clean_webhook_url(url)
    except FieldErrors as exc:
        return "；".join(exc.errors.get("webhook_url", [str(exc)]))
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        return None
    for info in infos:
        why = _refused_address(ipaddress.ip_address(info[4][0]))
        if why:
            return gettext("Refused: %(why)s") % {"why": why}
    return None
