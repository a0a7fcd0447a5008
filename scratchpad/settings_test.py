"""
The settings the test suite runs under (pytest.ini names this module):
production's, from settings.py, with what only tests want. The app servers
and commands that the tests start as processes of their own run settings.py
itself (scratchpad/tests/processes.py).
"""

from .settings import *  # noqa: F403
from .settings import STORAGES

# MD5 keeps the suite fast; production's hashers are tested where they
# matter, with the list settings.py gives.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The manifest storage needs collectstatic; tests find static files in the
# apps' folders instead, and WhiteNoise need not look for STATIC_ROOT.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
