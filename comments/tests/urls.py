"""The site's URLs plus a view that fails, to see the 500 page."""

from django.urls import path

from scratchpad.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urlpatterns, path("broken/", broken_view)]
