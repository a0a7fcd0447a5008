"""
Settings for the scratchpad project.

Everything that differs between a developer's laptop and production comes
from the environment (or a ``.env`` file beside ``manage.py``); see
``.env.example`` for the full list. Production is the default: ``DEBUG`` is
off unless asked for, and a missing ``SECRET_KEY`` is an error then.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

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

# HTTPS. Production is served over HTTPS, so these default to the safe values
# there, and each can be set from the environment variable of the same name.
# Production mode over plain HTTP (on one's own machine) needs
# SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE set to 0.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and uptime checks probe over plain HTTP; a redirect would
# read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Browsers that saw the header use only HTTPS for a year. It is sent on HTTPS
# responses only; while trying HTTPS out, a short time (3600) is reversible.
# Subdomains and preload as Django's deploy check asks: preload takes effect
# only once the domain's owner submits it to the browsers' list.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a proxy that terminates TLS (nginx, PythonAnywhere) every request
# arrives as plain HTTP; the proxy's header tells what the visitor used, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https. Set it only when the
# proxy always sets that header, or a visitor could claim HTTPS.
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None) or None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header and a value, "
        "e.g. HTTP_X_FORWARDED_PROTO,https"
    )


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
    "axes",
    "django_tasks",
    "django_tasks_db",
    "mailing",
    "accounts",
    "comments",
    "notifications",
    "flask_import",
    "search",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the middleware that can fail: an exception is turned into the error
    # page by the middleware that raised it, and only those above it see that
    # page. The page cache below reads the database, so an outage's 503 came
    # without these headers when they were further down.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, building the policy once (scratchpad.middleware).
    "scratchpad.middleware.ContentSecurityPolicyMiddleware",
    # Above the sessions' and CSRF middleware, whose cookies it looks at.
    "scratchpad.middleware.PrivatePageMiddleware",
    # Anonymous readers' comment pages, whole from the cache: before the
    # middleware whose work is kept in the cached response.
    "comments.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, finding the user the session brought (accounts.sessions).
    "accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The site's page for an empty 405; the headers' middleware above add
    # theirs to it.
    "scratchpad.middleware.MethodNotAllowedMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "scratchpad.context_processors.site",
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
# Persistent connections save a connect on every request. The health check
# before a connection is reused turns one the server has dropped (a restart,
# or an idle timeout: PythonAnywhere closes connections idle for 300 s) into
# a fresh connect instead of "MySQL server has gone away" for a visitor; on
# MySQL it is skipped for a connection that answered within the last second
# (scratchpad/db/mysql/base.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# How long to wait for each reply of MySQL/MariaDB before failing, in
# seconds; 0 waits as long as it takes. The web process waits 2 s
# (gunicorn.conf.py sets it for its workers): a page's queries take
# milliseconds, and the slowest of the site's, the admin's search of every
# comment's text, well under a second at a hundred thousand comments.
# Connecting gives up after 2 s, and a request on a kept connection may wait
# for both (Django pings an idle one first), so a database that hangs fails a page,
# and /healthz, within about 4 s. Anything else (migrate, the importer,
# createsuperuser) waits: a migration altering a large table may run one
# statement for minutes, and a client that stops waiting leaves the server
# to finish a change that Django then records as failed.
DATABASE_TIMEOUT = env.int("DATABASE_TIMEOUT", default=0)
DATABASE_TIMEOUTS = (
    {"read_timeout": DATABASE_TIMEOUT, "write_timeout": DATABASE_TIMEOUT}
    if DATABASE_TIMEOUT
    else {}
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes the write lock when it begins: one that reads
    # then writes (a post's checks, comments/limits.py) would otherwise fail
    # at once with "database is locked" when another writer is under way,
    # where waiting its turn takes milliseconds.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # Django's, with a cheaper health check (scratchpad/db/mysql/base.py).
    DATABASES["default"]["ENGINE"] = "scratchpad.db.mysql"
    DATABASES["default"]["OPTIONS"] = {
        # MySQL's "utf8" holds at most three bytes a character: emoji and
        # other 4-byte characters need utf8mb4, on the connection and in the
        # tables (comments/checks.py refuses a database that is not).
        "charset": "utf8mb4",
        # Strict mode on every connection, whatever the server's default: an
        # over-long or invalid value is an error, never silently cut.
        "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
        # A database that does not answer fails a request (and /healthz)
        # within seconds rather than holding a worker until gunicorn kills
        # it: see DATABASE_TIMEOUT above.
        "connect_timeout": 2,
        **DATABASE_TIMEOUTS,
        # Options in the URL's query string (ssl_mode=...) take precedence.
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"]["TEST"] = {
        "CHARSET": "utf8mb4",
        "COLLATION": "utf8mb4_unicode_ci",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of rendered comment pages (comments/caching.py explains it):
# "default" is CACHE_URL's, shared when it names one (redis://...), "local"
# each process's own copy of the pages.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    "local": {
        # Bounded by size: a page of long comments weighs a hundred short ones,
        # and every worker keeps its own copy of what it serves. Each one uses
        # at most LOCAL_CACHE_MB megabytes for pages on top of its own ~60 MB.
        "BACKEND": "comments.locmem.SizedLocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {
            "MAX_BYTES": env.int("LOCAL_CACHE_MB", default=32) * 1024 * 1024,
            # The bytes are the bound that matters; this only keeps the
            # number of keys of small pages from growing without end.
            "MAX_ENTRIES": 5000,
        },
    },
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The cache only saves work: a Redis that stops answering may cost a
    # page a second or two, never hold a worker until gunicorn kills it.
    # Options in CACHE_URL's query string (?socket_timeout=5) take precedence.
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        **CACHES["default"].get("OPTIONS", {}),
    }


# Authentication

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2 for every new password. The others still verify older hashes, and
# Django re-hashes those with Argon2 at the next successful login; the last
# checks the werkzeug hashes of users imported from the Flask tutorial's
# site, the same way.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "accounts.hashers.WerkzeugPasswordHasher",
]

# django-axes first, so that a locked-out pair never reaches the password
# check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, taking the user the session brought.
    "accounts.backends.ModelBackend",
]

# Django's database sessions, read with their user in one query
# (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Password reset mails (accounts/resets.py): at most this many requests for
# one address, and from one client, per hour, as (count, seconds). The link
# in the mail works once, within PASSWORD_RESET_TIMEOUT (Django's 3 days).
PASSWORD_RESET_EMAIL_LIMIT = (3, 3600)
PASSWORD_RESET_CLIENT_LIMIT = (10, 3600)

# How long the link that confirms a new email address works (accounts/emails.py).
EMAIL_CONFIRMATION_TIMEOUT = timedelta(days=3)

LOGIN_URL = "login"
# After logging in, the front page scrolled to where the conversation is:
# the newest comment, the box to answer it just below. A path, not a URL
# name: a name cannot carry the fragment.
LOGIN_REDIRECT_URL = "/#newest"
LOGOUT_REDIRECT_URL = "comments:list"

# Django's own page speaks of "CSRF verification"; ours says what to do.
CSRF_FAILURE_VIEW = "scratchpad.views.csrf_failure"

# Bootstrap names its red alert "danger", not "error".
MESSAGE_TAGS = {message_constants.ERROR: "danger"}


# The board

# What the board is called and what it is for: in the navigation bar, the
# front page's heading, every page's title and description, the feed and the
# admin's header (scratchpad.context_processors).
SITE_NAME = env("SITE_NAME", default="My scratchpad")
SITE_DESCRIPTION = env(
    "SITE_DESCRIPTION",
    default="A small board to read what people say, and to join in once logged in.",
)


# Comments

# Comments per page on the front page and in the feed. Pages are keyset
# (?before=<id> / ?after=<id>), so any page costs the same at any board size.
COMMENTS_PER_PAGE = 50
# The longest a search may run in the database, in seconds, before the reader
# is asked for a narrower one (search.backends): under DATABASE_TIMEOUT, so a
# broad search never holds a worker until then.
SEARCH_TIME_LIMIT = env.float("SEARCH_TIME_LIMIT", default=1.5)
# Long enough to fix a typo, short enough that a reply can trust what it
# answered. Deleting one's own comment has no time limit.
COMMENTS_EDIT_WINDOW = timedelta(minutes=15)

RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_limit(name: str, default: str) -> tuple[tuple[int, int], ...]:
    """A rate limit from the environment: ``5/m,50/h`` is at most 5 in any
    minute and 50 in any hour, as ((count, seconds), ...). Anything else stops
    the site at start-up: a typo must not quietly lift or tighten the limit."""
    value = env(name, default=default)
    limits = []
    for part in value.split(","):
        count, _, unit = part.strip().partition("/")
        if not (count.isascii() and count.isdigit() and unit in RATE_UNITS):
            raise ImproperlyConfigured(
                f"{name} must be counts per unit, such as 5/m,50/h (units s, m, "
                f"h, d), not {value!r}"
            )
        limits.append((int(count), RATE_UNITS[unit]))
    windows = [seconds for _, seconds in limits]
    if len(set(windows)) != len(windows) or min(c for c, _ in limits) < 1:
        raise ImproperlyConfigured(
            f"{name} must give each unit once and counts of at least 1, not {value!r}"
        )
    return tuple(sorted(limits, key=lambda limit: limit[1]))


# Comments each user may post, and edits each may save, in any minute and
# any hour (comments/limits.py counts them); staff are not limited. Enough
# for a conversation, too few to flood the board.
COMMENTS_RATE_LIMIT = rate_limit("COMMENTS_RATE_LIMIT", "5/m,50/h")
COMMENTS_EDIT_RATE_LIMIT = rate_limit("COMMENTS_EDIT_RATE_LIMIT", "10/m,100/h")
# Reports of comments each user may make (moderation/views.py): a reader
# flags what they see, never a whole page in a minute.
COMMENTS_REPORT_RATE_LIMIT = rate_limit("COMMENTS_REPORT_RATE_LIMIT", "5/m,30/h")
# Previews each user may ask for, counted as searches are
# (comments/limits.py): a few for each comment written, too few to keep the
# workers rendering.
COMMENTS_PREVIEW_RATE_LIMIT = rate_limit("COMMENTS_PREVIEW_RATE_LIMIT", "20/m,200/h")
# Searches each reader (a user, or an address) may run in each minute and
# each hour, in windows that start on the minute and the hour
# (search/limits.py counts them); staff are not limited. A broad search takes
# the database up to SEARCH_TIME_LIMIT: enough to look for a few things and
# page through what is found, too few to keep the workers busy.
SEARCH_RATE_LIMIT = rate_limit("SEARCH_RATE_LIMIT", "10/m,100/h")
# A post of the same text by the same user within this time is a double
# click or a resent form: it lands on the comment already stored.
COMMENTS_DUPLICATE_WINDOW = timedelta(minutes=10)


# Brute-force throttling (django-axes). A lockout is for one username from
# one address, so an attacker can neither guess one account's password from
# many tries nor lock everybody out. Attempts live in the database, so every
# app server sees them.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.auth.locked_out"
# The client's address is REMOTE_ADDR unless the site runs behind a proxy
# that sets a header it trusts (such as X-Real-IP); a header the client could
# send itself is never read otherwise. Lockouts count an IPv6 client by its
# /64, which it may take any address of (accounts.auth.client_block).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client_block"


# Security headers. The policy allows nothing inline: every script and style
# is a file served from the site itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Bootstrap draws its icons as data: SVG images in its CSS.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
    },
}
# The rest are Django's defaults, checked by comments/tests/test_security.py
# rather than restated here: X-Content-Type-Options nosniff, Referrer-Policy and
# Cross-Origin-Opener-Policy same-origin, X-Frame-Options DENY, and the
# session cookie HttpOnly and SameSite=Lax.


# Logging: everything goes to stderr, where gunicorn, systemd or the host
# collects it. Request errors name the method and path; nothing logs a
# password, a session id or a CSRF token.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "scratchpad.log.RequestFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(request_line)s%(message)s",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "comments": {"level": "INFO"},
        "accounts": {"level": "INFO"},
        "mailing": {"level": "INFO"},
        "notifications": {"level": "INFO"},
        # django-axes logs each attempt with its own wording; the site logs
        # failed logins itself in a stable form (accounts.auth).
        "axes": {"level": "WARNING"},
    },
}


# Mail, sent by the background worker (mailing/tasks.py explains it).
# EMAIL_URL: smtp://USER:PASSWORD@HOST:587, smtp+tls://..., smtp+ssl://...:465,
# or consolemail:// (mails printed by the worker: what `make run` uses). In
# production without it nothing pretends to send: the features that mail
# say they are unavailable, and `check --deploy` warns.
EMAIL_URL = env("EMAIL_URL", default="consolemail://" if DEBUG else "")
if EMAIL_URL:
    globals().update(
        (name, value)
        for name, value in env.email_url_config(EMAIL_URL).items()
        if value is not None
    )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that does not answer holds one worker's send for this long,
# never a page.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The site's public address, for the links in mails: the worker that sends
# them has no request to build them from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# A failed send is tried again after 1, 2, 4 ... minutes, this many times in
# all, then given up and logged as an error.
MAIL_SEND_ATTEMPTS = 8
MAIL_RETRY_DELAY = timedelta(minutes=1)

# A user told of replies and mentions gets at most one mail in this time;
# what comes meanwhile is gathered into the next (notifications/tasks.py).
NOTIFICATIONS_MAIL_INTERVAL = timedelta(
    minutes=env.int("NOTIFICATIONS_MAIL_MINUTES", default=5)
)

# The background queue: its rows in the site's own database, run by
# `manage.py db_worker` (the Procfile's worker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    },
}


# Internationalization

TIME_ZONE = env("TIME_ZONE", default="UTC")


# Static files, served by the app itself through WhiteNoise after
# collectstatic: compressed, with content hashes in their names so that
# browsers and proxies may cache them forever.

STATIC_URL = "static/"
# Where collectstatic puts them; a deployment may keep them elsewhere.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    # Django's own, repeated: a STORAGES setting replaces all of Django's.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
