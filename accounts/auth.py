"""
What the site adds around Django's authentication: where a login comes from
(and the address its limits count it by), and the log line for each failed
one.
"""

import ipaddress
import logging
import re

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """
    The client's address: REMOTE_ADDR, or, behind a proxy, the right-most
    entry of the header named by CLIENT_IP_HEADER (the one that proxy wrote;
    entries to its left came from the client and prove nothing).

    The header's entry must be an IP address, perhaps with the port some
    proxies append (``1.2.3.4:5555``, ``[::1]:5555``), which is dropped: a
    client must not get a fresh lockout count from each port, or from each
    way of writing one IPv6 address, so the address is given in its one
    canonical form. Anything else raises SuspiciousOperation, which Django
    answers with a 400: it cannot be counted against anyone.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        entry = request.META.get(meta_key, "").rpartition(",")[2].strip()
        if entry:
            address = parse_address(entry)
            if address is None:
                raise SuspiciousOperation(
                    f"{header} ends in {entry[:100]!r}, which is no IP address."
                )
            return address
    return request.META.get("REMOTE_ADDR")


def client_block(request) -> str | None:
    """
    The address that limits count a client by: client_ip(), except that an
    IPv6 address stands for its /64, written as the block's first address
    (2001:db8:1:2::). A home, a phone or a server is given a /64 whole and
    may take any of its 2**64 addresses: counted one by one, a client could
    try again from a new address each time. An IPv4 address is one client's
    (or one network's, behind NAT), as it always was.
    """
    address = client_ip(request)
    parsed = parse_address(address) if address else None
    if parsed is None:
        return address
    if ":" not in parsed:
        # REMOTE_ADDR too in one form: ::ffff:192.0.2.1 is 192.0.2.1.
        return parsed
    return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)


# An address with a port: 1.2.3.4:5555, or [IPv6]:5555 (the brackets are
# what tells an IPv6 address's last group from a port; they may come alone).
_WITH_PORT = re.compile(
    r"(?P<ipv4>[0-9.]+):(?P<port>[0-9]{1,5})"
    r"|\[(?P<ipv6>[0-9A-Fa-f:.]+)\](?::(?P<ipv6_port>[0-9]{1,5}))?"
)


def parse_address(value: str) -> str | None:
    """``value`` as an IP address in canonical form, without a port; None
    if it is none."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        match = _WITH_PORT.fullmatch(value)
        if match is None or int(match["port"] or match["ipv6_port"] or 0) > 65535:
            return None
        try:
            if match["ipv4"]:
                address = ipaddress.IPv4Address(match["ipv4"])
            else:
                address = ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            return None
    if address.version == 6:
        if address.scope_id is not None:
            # fe80::1%eth0 names an interface of the proxy, not a client.
            return None
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
    return str(address)


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    # One stable line for fail2ban-style tools. The username is repr()'d so
    # that a newline in it cannot forge a second log line.
    logger.warning(
        "Failed login for username %r from %s",
        credentials.get("username", ""),
        client_ip(request) if request is not None else "unknown address",
    )


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows instead of the login form during a lockout."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": round(get_cool_off(request).total_seconds() / 60),
        },
        status=429,
    )
