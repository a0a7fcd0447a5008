"""
Changing one's email address: the new address is used only once its owner
follows the link mailed to it, so nobody can point an account's mail (its
password resets above all) at an address they do not read, or at someone
else's. The link is signed (SECRET_KEY) and expires; it names the account and
the address, so nothing is stored while it waits. It also carries a hash of
the account's address, when a link last changed it, and its password, as
they were when it was sent: once a link is used, or the address or the
password changes, it works no more, so a link asked for by someone who had
the session for a moment is dead once its owner changes the password.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from mailing.mail import absolute_url, queue_mail

from .models import Profile

SALT = "accounts.emails.confirm"


def _state(user) -> str:
    """What the link depends on: the account's address, when a link last
    changed it, and its password, as they are now."""
    changed = Profile.of(user).email_changed
    return salted_hmac(SALT, f"{user.email}\0{changed}\0{user.password}").hexdigest()


def change(user, email: str) -> None:
    """Sets the address a link confirmed; the link works no more."""
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        Profile.objects.update_or_create(
            user=user, defaults={"email_changed": timezone.now()}
        )


def confirmation_token(user, email: str) -> str:
    return signing.dumps(
        {"user": user.pk, "email": email, "state": _state(user)},
        salt=SALT,
        compress=True,
    )


def confirmed_change(token: str):
    """(user, new address) from a link's token; None when it is forged,
    expired, used, its user is gone, or their address or password changed
    since it was sent."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_TIMEOUT
        )
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None or not constant_time_compare(data.get("state", ""), _state(user)):
        return None
    return user, data["email"]


def send_confirmation(user, email: str) -> None:
    context = {
        "user": user,
        "email": email,
        "confirm_url": absolute_url(
            reverse("account_email_confirm", args=[confirmation_token(user, email)])
        ),
        "site_name": settings.SITE_NAME,
        "valid_hours": int(settings.EMAIL_CONFIRMATION_TIMEOUT.total_seconds() // 3600),
    }
    queue_mail(
        subject=f"Confirm your new address on {settings.SITE_NAME}",
        to=email,
        text=render_to_string("accounts/mail/confirm_email.txt", context),
        html=render_to_string("accounts/mail/confirm_email.html", context),
    )
