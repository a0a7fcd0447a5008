"""The site's settings with Django's own sessions and authentication
middleware and backend, as before accounts.sessions: the logged-in front
page measured under both, side by side (bench/pages.py)."""

from scratchpad.settings import *  # noqa: F403
from scratchpad.settings import AUTHENTICATION_BACKENDS, MIDDLEWARE

SESSION_ENGINE = "django.contrib.sessions.backends.db"
MIDDLEWARE = [
    "django.contrib.auth.middleware.AuthenticationMiddleware"
    if name == "accounts.middleware.AuthenticationMiddleware"
    else name
    for name in MIDDLEWARE
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend"
    if name == "accounts.backends.ModelBackend"
    else name
    for name in AUTHENTICATION_BACKENDS
]
