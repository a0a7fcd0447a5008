"""
The floor of a logged-in page: the least a page for a logged-in reader
costs on this site. Under the site's own settings and middleware, a view
reads the session and the user and makes a CSRF token, as every page with
a form must, and renders nothing. The logged-in front page can only
approach this, as the site's pages approach the ceiling.

    DJANGO_SETTINGS_MODULE=bench.floor_settings gunicorn scratchpad.wsgi:application
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path


def floor(request):
    if not request.user.is_authenticated:
        return HttpResponse("log in first", status=403)
    return HttpResponse(get_token(request))


urlpatterns = [
    path("floor/", floor),
    # The site's own pages, for logging in.
    path("", include("scratchpad.urls")),
]
