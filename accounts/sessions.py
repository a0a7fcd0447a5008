"""
Sessions that bring their user along: one query where Django's database
sessions and its ModelBackend make two on every logged-in request.

The session engine (SESSION_ENGINE = "accounts.sessions") is Django's
database engine extended as its documentation shows ("Extending
database-backed session engines"): the row (accounts.models.Session) keeps
the logged-in user's id in a column as well as in its data, and reading the
session joins the user's row. The authentication middleware
(accounts.middleware) calls Django's own auth.get_user() while that session
is being read, and the backend (accounts.backends.ModelBackend) then takes
the user it brought instead of reading the row again.

Nothing is kept between requests, and every check stays Django's own: the
session is read from the database at each request, so a logout (its row
deleted) or a password change (the session's hash no longer the user's,
checked by auth.get_user()) on one server ends it on every server at once;
an inactive user is refused by the backend's user_can_authenticate(), as
Django's is; the user's row is the one read in this request.
"""

import contextlib
import contextvars
import logging

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

# The session whose user is being found (accounts.middleware.get_user).
_reading = contextvars.ContextVar("accounts.sessions.reading", default=None)


class SessionStore(DBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # The user row read with the session: None until it is loaded, and
        # when nobody is logged in on it.
        self.loaded_user = None

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        instance.user_id = (
            None if user_id is None else get_user_model()._meta.pk.to_python(user_id)
        )
        return instance

    def _get_session_from_db(self):
        # Django's own, with the user's row joined.
        try:
            session = self.model.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logger = logging.getLogger(
                    f"django.security.{error.__class__.__name__}"
                )
                logger.warning(str(error))
            self._session_key = None
            return None
        self.loaded_user = session.user
        return session


@contextlib.contextmanager
def reading(session):
    """While the user of SESSION is found: the backend may take the user
    row it brought (loaded_user)."""
    token = _reading.set(session)
    try:
        yield
    finally:
        _reading.reset(token)


def loaded_user(user_id):
    """The user whose id is USER_ID, as the session being read brought it;
    None when no session is being read or it brought no such user."""
    session = _reading.get()
    user = getattr(session, "loaded_user", None)
    if user is not None and user.pk == user_id:
        return user
    return None
