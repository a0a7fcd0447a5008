"""The site's URLs plus views that fail, to see the 500 and 503 pages."""

from django.db import OperationalError
from django.urls import path

from scratchpad.urls import handler400, handler404, handler500  # noqa: F401
from scratchpad.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


def database_gone_view(request):
    raise OperationalError(2006, "MySQL server has gone away")


urlpatterns = [
    *site_urlpatterns,
    path("broken/", broken_view),
    path("database-gone/", database_gone_view),
]
