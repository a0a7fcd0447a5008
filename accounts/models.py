from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class PasswordResetRequest(models.Model):
    """One request for a password reset mail, kept for as long as it counts
    toward the limits (accounts/resets.py)."""

    email = models.CharField(max_length=254)
    client_ip = models.CharField(max_length=45, blank=True)
    requested = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email", "requested"]),
            models.Index(fields=["client_ip", "requested"]),
        ]

    def __str__(self):
        return f"{self.email} from {self.client_ip} at {self.requested}"


class Profile(models.Model):
    """What a user chose about the site's mails to them. Made on first use:
    a user without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    notify_replies = models.BooleanField(
        "Mail me when someone replies to my comments", default=True
    )
    notify_mentions = models.BooleanField(
        "Mail me when someone mentions me", default=True
    )
    # When the address last changed by a confirmation link: each link is for
    # the address as it was then, so it works once (accounts.emails).
    email_changed = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"Profile of {self.user}"

    @classmethod
    def of(cls, user) -> "Profile":
        return cls.objects.get_or_create(user=user)[0]

    def wants(self, kind: str) -> bool:
        """Whether the user takes mails of ``kind`` ("replies", "mentions")."""
        return getattr(self, f"notify_{kind}")


class Session(AbstractBaseSession):
    """A session in the database, as Django keeps them, with the id of the
    user logged in on it in a column of its own: the session and its user
    come in one query (accounts.sessions)."""

    # NULL while nobody is logged in on it. CASCADE: a user deleted is
    # logged out everywhere.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
