"""The account pages: Django's own views, plus a message saying what
happened."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin

from .forms import LoginForm, PasswordChangeForm

# Why the visitor is asked to log in, when the page that sent them has
# something to say about it (text of theirs waiting for the login, say):
# shown on the login page until they log in.
LOGIN_REASON_SESSION_KEY = "accounts_login_reason"


def explain_login(request, reason: str) -> None:
    """Has the login page say ``reason`` to this visitor, until they log in."""
    request.session[LOGIN_REASON_SESSION_KEY] = reason


class LoginView(SuccessMessageMixin, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            login_reason=self.request.session.get(LOGIN_REASON_SESSION_KEY),
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        # Said; the login keeps the rest of the anonymous session's data.
        self.request.session.pop(LOGIN_REASON_SESSION_KEY, None)
        return response

    def get_success_message(self, cleaned_data):
        return f"Welcome, {self.request.user.get_username()}"


class LogoutView(auth_views.LogoutView):
    # Django's logs out only by POST. A GET (the address typed, an old link)
    # shows the Log out button rather than the browser's blank error page.
    http_method_names = ["get", "post", "options"]
    template_name = "registration/logout.html"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logging out, which flushed the session: the message
        # goes in the messages cookie (FallbackStorage tries it first) and
        # shows on the next page.
        messages.success(request, "You have been logged out")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    # Not Django's default template names: the admin renders those for its
    # own password pages, which keep the admin's look.
    template_name = "registration/change_password.html"
    success_message = "Your password was changed"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"
