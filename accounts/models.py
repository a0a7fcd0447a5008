from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


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
