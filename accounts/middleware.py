from django.contrib import auth
from django.contrib.auth import middleware
from django.utils.functional import SimpleLazyObject

from . import sessions


def get_user(request):
    """Django's own auth.get_user(), while the session is being read: its
    backend may take the user the session brought (accounts.sessions)."""
    if not hasattr(request, "_cached_user"):
        with sessions.reading(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
