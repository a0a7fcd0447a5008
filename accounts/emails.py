"""
Changing one's email address: the new address is used only once its owner
follows the link mailed to it, so nobody can point an account's mail (its
password resets above all) at an address they do not read, or at someone
else's. The link is signed (SECRET_KEY) and expires; it names the account and
the address, so nothing is stored while it waits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from mailing.mail import absolute_url, queue_mail

SALT = "accounts.emails.confirm"


def confirmation_token(user, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email}, salt=SALT, compress=True)


def confirmed_change(token: str):
    """(user, new address) from a link's token; None when it is forged,
    expired, or its user is gone."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_TIMEOUT
        )
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    return None if user is None else (user, data["email"])


def send_confirmation(user, email: str) -> None:
    context = {
        "user": user,
        "email": email,
        "confirm_url": absolute_url(
            reverse("account_email_confirm", args=[confirmation_token(user, email)])
        ),
        "valid_hours": int(settings.EMAIL_CONFIRMATION_TIMEOUT.total_seconds() // 3600),
    }
    queue_mail(
        subject="Confirm your new address on Scratchpad",
        to=email,
        text=render_to_string("accounts/mail/confirm_email.txt", context),
        html=render_to_string("accounts/mail/confirm_email.html", context),
    )
