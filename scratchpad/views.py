import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
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
