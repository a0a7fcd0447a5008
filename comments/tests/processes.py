"""
The site run the way production runs it, as separate processes: manage.py
commands in production mode, against a database the test chooses.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables that the settings and gunicorn.conf.py read. A subprocess gets
# only those its test gives it, not the test run's own (pytest.ini's).
SITE_VARIABLES = frozenset(
    {
        "ALLOWED_HOSTS",
        "CONN_MAX_AGE",
        "CSRF_COOKIE_SECURE",
        "DATABASE_URL",
        "DEBUG",
        "HOST",
        "PORT",
        "SECRET_KEY",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "STATIC_ROOT",
        "WEB_CONCURRENCY",
    }
)

# One key for every process of a test run: app servers behind one load
# balancer must share it, or a login made on one is refused by the other.
SECRET_KEY = secrets.token_urlsafe(50)

# Production mode over plain HTTP, as on one's own machine.
PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}

COMMAND_TIMEOUT = 120


def production_environ(**variables: str) -> dict[str, str]:
    """The environment of a production deployment, plus ``variables``."""
    environ = {k: v for k, v in os.environ.items() if k not in SITE_VARIABLES}
    environ.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    environ.update(variables)
    return environ


def manage(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``python manage.py ARGS`` and return its exit code and output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def database_url(connection, name: str | None = None) -> str:
    """The DATABASE_URL of ``connection``'s database, or of ``name`` beside it."""
    settings = connection.settings_dict
    name = name or settings["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    if connection.vendor == "mysql":
        user = quote(settings["USER"], safe="")
        password = quote(settings["PASSWORD"], safe="")
        host = settings["HOST"] or "localhost"
        port = settings["PORT"] or 3306
        return f"mysql://{user}:{password}@{host}:{port}/{quote(name, safe='')}"
    raise NotImplementedError(f"No DATABASE_URL for {connection.vendor}")
