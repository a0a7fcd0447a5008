from django.contrib.auth import backends

from . import sessions


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, taking the user row the session brought
    (accounts.sessions) rather than reading it again."""

    def get_user(self, user_id):
        user = sessions.loaded_user(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
