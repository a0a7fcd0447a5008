"""
What the site adds around Django's authentication: where a login comes from,
and the log line for each failed one.
"""

import logging

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """
    The client's address: REMOTE_ADDR, or, behind a proxy, the right-most
    entry of the header named by CLIENT_IP_HEADER (the one that proxy wrote;
    entries to its left came from the client and prove nothing).
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        entries = [entry.strip() for entry in request.META.get(meta_key, "").split(",")]
        if entries[-1]:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


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
