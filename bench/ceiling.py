"""
The ceiling: the least a Django view can do, served under the same gunicorn
settings as the site. Whatever the site reaches is measured against this.

    gunicorn bench.ceiling:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-ceiling-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def constant(request):
    return HttpResponse(b"constant 20 bytes ok")


urlpatterns = [path("", constant)]

application = get_wsgi_application()
