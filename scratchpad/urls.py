from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

# The default site, named after the board: django-axes and the apps register
# with it.
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Manage the board"

urlpatterns = [
    path("", include("comments.urls")),
    path("", include("accounts.urls")),
    path("", include("search.urls")),
    path("", include("moderation.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
