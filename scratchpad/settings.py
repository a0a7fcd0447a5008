"""
Settings for the scratchpad project.

Everything that differs between a developer's laptop and production comes
from the environment (or a ``.env`` file beside ``manage.py``); see
``.env.example`` for the full list. Production is the default: ``DEBUG`` is
off unless asked for, and a missing ``SECRET_KEY`` is an error then.
"""

from pathlib import Path

import environ
from django.conf import global_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is acceptable only while DEBUG is on. In production a
# missing SECRET_KEY must stop the site at start-up (env() raises
# ImproperlyConfigured), never fall back to a key that is public in the repo.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-key-only")
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])


# Application definition

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that runserver serves static files the way
    # WhiteNoise does in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "scratchpad.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "scratchpad.wsgi.application"


# Database: SQLite beside manage.py unless DATABASE_URL names another, such
# as mysql://USER:PASSWORD@HOST:PORT/NAME for production.

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Authentication

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's own hashers, then the one that checks the werkzeug hashes of users
# imported from the Flask tutorial's site: after the first successful login
# Django stores such a password again with the first (preferred) hasher.
PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "comments.hashers.WerkzeugPasswordHasher",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "comments:list"
LOGOUT_REDIRECT_URL = "comments:list"


# Internationalization

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True


# Static files, served by the app itself through WhiteNoise after
# collectstatic: compressed, with content hashes in their names so that
# browsers and proxies may cache them forever.

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
