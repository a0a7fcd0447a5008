import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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


# The error handlers (handler400, handler404 and handler500 in urls.py).
# Django's own are wrapped in requires_csrf_token, which checks a POST's token
# once more: a body that cannot be read (a form declaring charset=utf-16, say)
# raises again inside the handler, and the visitor gets a bare 500. These are
# not: CsrfViewMiddleware has read the cookie by then, so the navbar's logout
# form on the 404 page still gets its token.


def bad_request(request, exception):
    return render_error_page("400.html", 400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """
    A 500, or a 503 while the database cannot be reached: that is an outage
    to wait out, not a bug. Django has logged the exception already.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render_error_page("503.html", 503)
        # Browsers and proxies may come back after this many seconds.
        response["Retry-After"] = "5"
        return response
    return render_error_page("500.html", 500)


def render_error_page(template_name, status):
    # No request context: nothing on the page may need the session or the
    # database, which may be what failed.
    return HttpResponse(loader.render_to_string(template_name), status=status)
