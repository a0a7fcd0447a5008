"""
Password reset by mail: the mail itself, and how often one may be asked for.

The limits count requests, not mails: every request is counted against the
address typed and the client's address, whether or not an account has that
address, so that a refusal says nothing about who has an account. They are
rows of the database, as the posting limits are (comments/limits.py), so
every app server sees the same counts.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mailing.mail import absolute_url, queue_mail

from .models import PasswordResetRequest


def normalize(email: str) -> str:
    return email.strip().lower()


def reset_wait(email: str, client_ip: str | None) -> int:
    """Seconds until another reset may be asked for this address from this
    client; 0 when it may be now."""
    now = timezone.now()
    wait = 0
    for field, value, (count, seconds) in [
        ("email", normalize(email), settings.PASSWORD_RESET_EMAIL_LIMIT),
        ("client_ip", client_ip or "", settings.PASSWORD_RESET_CLIENT_LIMIT),
    ]:
        window = timedelta(seconds=seconds)
        times = list(
            PasswordResetRequest.objects.filter(
                **{field: value}, requested__gt=now - window
            )
            .order_by("-requested")
            .values_list("requested", flat=True)[:count]
        )
        if len(times) >= count:
            wait = max(wait, int((times[-1] + window - now).total_seconds()) + 1)
    return wait


def record_request(email: str, client_ip: str | None) -> None:
    """Counts a request, and forgets those too old to count."""
    now = timezone.now()
    longest = max(
        settings.PASSWORD_RESET_EMAIL_LIMIT[1], settings.PASSWORD_RESET_CLIENT_LIMIT[1]
    )
    PasswordResetRequest.objects.filter(
        requested__lte=now - timedelta(seconds=longest)
    ).delete()
    PasswordResetRequest.objects.create(
        email=normalize(email)[:254], client_ip=client_ip or "", requested=now
    )


def send_reset_mail(user) -> None:
    """Queues the mail with the single-use link that sets ``user``'s
    password (Django's token: it stops working once the password changes,
    and after PASSWORD_RESET_TIMEOUT)."""
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "reset_url": absolute_url(
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        ),
        "login_url": absolute_url(reverse("login")),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    queue_mail(
        subject=f"Reset your password on {settings.SITE_NAME}",
        to=user.email,
        text=render_to_string("accounts/mail/password_reset.txt", context),
        html=render_to_string("accounts/mail/password_reset.html", context),
    )
