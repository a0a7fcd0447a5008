from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from comments.forms import LoginForm

from . import views

urlpatterns = [
    path("", include("comments.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
