from django.urls import path

from . import views

# Not namespaced: Django's auth views and LOGIN_URL name these pages
# "login", "password_change_done" and so on.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", views.account, name="account"),
    path("account/email/", views.change_email, name="account_email"),
    path(
        "account/email/confirm/<str:token>/",
        views.confirm_email,
        name="account_email_confirm",
    ),
    path(
        "account/notifications/",
        views.change_notifications,
        name="account_notifications",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
