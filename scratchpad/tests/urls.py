"""The site's URLs plus views that fail, to see the 500 and 503 pages."""

import sqlite3
import tempfile
from pathlib import Path

from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.urls import path

from scratchpad.urls import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
)
from scratchpad.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


def database_gone_view(request):
    raise OperationalError(2006, "MySQL server has gone away")


def missing_table_view(request):
    # The tests' database, asked for a table no migration made: what a
    # deploy that skipped `migrate` meets.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM comments_never_migrated")


def locked_sqlite_view(request):
    # A SQLite file another process writes to for longer than this one waits.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "locked.sqlite3"
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN EXCLUSIVE")
            databases = ConnectionHandler(
                {
                    "default": {
                        "ENGINE": "django.db.backends.sqlite3",
                        "NAME": str(path),
                        "OPTIONS": {"timeout": 0},
                    }
                }
            )
            try:
                with databases["default"].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM sqlite_master")
            finally:
                databases.close_all()
        finally:
            writer.close()
    return HttpResponse("The file was not locked.")


urlpatterns = [
    *site_urlpatterns,
    path("broken/", broken_view),
    path("database-gone/", database_gone_view),
    path("missing-table/", missing_table_view),
    path("locked-sqlite/", locked_sqlite_view),
]
