from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/hide/", views.hide, name="hide"),
    path("comments/<int:pk>/restore/", views.restore, name="restore"),
]
