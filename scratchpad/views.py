import contextlib
import logging
import re
import sqlite3
import sys

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from comments import drafts

from .context_processors import site

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """
    Tell a load balancer or uptime check whether this app server can work.

    200 when the database answers a query, 503 when it does not. No login,
    no session, no template: the answer must not depend on anything else, and
    a probe every few seconds must not create sessions or cookies.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer: %s", error)
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def favicon(request):
    """
    Browsers ask for /favicon.ico on pages that name no icon of their own
    (the admin's, the feed): send them to the site's icon. Not permanent,
    since the icon's address changes with its content.
    """
    return redirect(static("comments/favicon.svg"))


# The error handlers (handler400, handler403, handler404 and handler500 in
# urls.py).
# Django's own are wrapped in requires_csrf_token, which checks a POST's token
# once more: a body that cannot be read (a form declaring charset=utf-16, say)
# raises again inside the handler, and the visitor gets a bare 500. These are
# not: CsrfViewMiddleware has read the cookie by then, so the navbar's logout
# form on the 404 page still gets its token.


def bad_request(request, exception):
    return render_error_page("400.html", 400)


def permission_denied(request, exception):
    return render(request, "403.html", {"exception": str(exception)}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """
    A 500, or a 503 while the database cannot be reached: that is an outage
    to wait out, not a bug. Django has logged the exception already; a
    database without the tables the code needs also gets a line that says
    what to do.
    """
    error = sys.exc_info()[1]
    if database_unreachable(error):
        response = render_error_page("503.html", 503)
        # Browsers and proxies may come back after this many seconds.
        response["Retry-After"] = "5"
        return response
    if schema_behind_code(error):
        logger.error(
            "The database lacks a table or column the code needs (%s): "
            "run `manage.py migrate`",
            error,
            extra={"request": request},
        )
    return render_error_page("500.html", 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: says what to do, in the site's style.

    Usually a form left open past a login, a logout or a cookie's expiry;
    reloading gets a fresh token. Django logs the reason. A comment's text
    is shown to be copied when it came from one of the site's own pages:
    the browser that sent it typed it. Sent from another site, it is not
    shown, or any site could make this one display words of its choosing.
    """
    unsent_text = None
    # A body that cannot be read (cut off, too big, malformed): the page
    # itself must still answer.
    with contextlib.suppress(
        OSError, ValueError, SuspiciousOperation, MultiPartParserError
    ):
        if _sent_from_this_site(request, reason):
            unsent_text = drafts.posted_text(request)
    return render(request, "403_csrf.html", {"unsent_text": unsent_text}, status=403)


# How CsrfViewMiddleware's reasons begin when the request came from another
# origin, rather than with a stale token.
FOREIGN_ORIGIN_REASONS = ("Origin checking failed", "Referer checking failed")


def _sent_from_this_site(request, reason) -> bool:
    if reason.startswith(FOREIGN_ORIGIN_REASONS):
        return False
    # Browsers say where a request comes from (Fetch Metadata); one that
    # says nothing is an old browser or not a browser, and had the token
    # checks only.
    return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"


# Outage or bug. A 503 tells browsers, proxies and the people looking at the
# logs to wait: the right answer only while the same request will succeed
# once the database is back (down, restarting, cut off, overloaded, or busy
# with another's long transaction). An error that waiting does not cure is a
# 500: a missing table (a deploy without `migrate`), a wrong password or
# database name, a host name that does not resolve (a typo far more often
# than a DNS outage), a deadlock (the code's order of locking), a query the
# server refuses.

# MySQL and MariaDB error numbers (MySQLdb gives them as the first argument).
MYSQL_UNREACHABLE = frozenset(
    {
        1040,  # ER_CON_COUNT_ERROR: too many connections
        1053,  # ER_SERVER_SHUTDOWN: the server is shutting down
        1203,  # ER_TOO_MANY_USER_CONNECTIONS
        1205,  # ER_LOCK_WAIT_TIMEOUT: another transaction held the rows too long
        1927,  # ER_CONNECTION_KILLED: a restart ends every connection
        2002,  # CR_CONNECTION_ERROR: nothing on the Unix socket
        2003,  # CR_CONN_HOST_ERROR: refused or timed out over TCP
        2006,  # CR_SERVER_GONE_ERROR
        2013,  # CR_SERVER_LOST: during a query, or a read timeout
        2055,  # CR_SERVER_LOST_EXTENDED
    }
)
# SQLite's primary result codes: SQLITE_BUSY ("database is locked": another
# process writes for longer than the timeout) and SQLITE_CANTOPEN ("unable
# to open database file": its disk or folder is not there).
SQLITE_UNREACHABLE = frozenset({5, 14})

MYSQL_SCHEMA_BEHIND = frozenset(
    {
        1054,  # ER_BAD_FIELD_ERROR: unknown column
        1146,  # ER_NO_SUCH_TABLE
    }
)
SQLITE_SCHEMA_BEHIND = re.compile(r"no such (table|column)|has no column named")


def database_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached just now."""
    if isinstance(error, InterfaceError):
        # The driver's connection is closed or broken, as after a lost server.
        return True
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        # Only the errors SQLite itself raised carry their code.
        code = getattr(cause, "sqlite_errorcode", 0)
        return (code & 0xFF) in SQLITE_UNREACHABLE
    return mysql_code(error) in MYSQL_UNREACHABLE


def schema_behind_code(error: BaseException | None) -> bool:
    """Whether ``error`` says a table or column of the models is missing."""
    if not isinstance(error, DatabaseError):
        return False
    if isinstance(error.__cause__, sqlite3.Error):
        return bool(SQLITE_SCHEMA_BEHIND.search(str(error)))
    return mysql_code(error) in MYSQL_SCHEMA_BEHIND


def mysql_code(error: DatabaseError) -> int | None:
    # Django's wrapper keeps the driver's arguments: (number, message).
    code = error.args[0] if error.args else None
    return code if isinstance(code, int) else None


def render_error_page(template_name, status):
    # No request context: nothing on the page may need the session or the
    # database, which may be what failed.
    return HttpResponse(
        loader.render_to_string(template_name, site(None)), status=status
    )
