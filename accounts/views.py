"""The account pages: Django's own views, plus a message saying what
happened."""

from axes.utils import reset as reset_axes
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from mailing.mail import mail_is_available

from . import emails, resets
from .auth import client_block
from .forms import (
    EmailForm,
    LoginForm,
    NotificationsForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from .models import Profile

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


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the address and queues the mail. The answer is the same
    whether or not an account has the address; the limits (resets.py)
    count every request."""

    form_class = PasswordResetForm
    template_name = "registration/reset_password.html"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, mail_available=mail_is_available())

    def post(self, request, *args, **kwargs):
        if not mail_is_available():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        address = client_block(self.request)
        wait = resets.reset_wait(email, address)
        if wait:
            form.add_error(
                "email",
                forms.ValidationError(
                    "Too many reset requests. Try again in %(minutes)d minutes.",
                    code="too_many",
                    params={"minutes": (wait + 59) // 60},
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        resets.record_request(email, address)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_password_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/reset_password_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The new password works at once, even for a name that was locked
        # out by failed attempts.
        reset_axes(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_password_complete.html"


def _account_page(request, email_form=None, notifications_form=None, status=200):
    profile = Profile.of(request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "email_form": email_form or EmailForm(),
            "notifications_form": notifications_form
            or NotificationsForm(instance=profile),
            "mail_available": mail_is_available(),
        },
        status=status,
    )


@login_required
def account(request):
    return _account_page(request)


@login_required
@require_POST
def change_email(request):
    if not mail_is_available():
        return redirect("account")
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _account_page(request, email_form=form, status=400)
    email = form.cleaned_data["email"]
    emails.send_confirmation(request.user, email)
    messages.success(
        request,
        f"A link is on its way to {email}: follow it to use that address.",
    )
    return redirect("account")


@login_required
@require_POST
def change_notifications(request):
    form = NotificationsForm(request.POST, instance=Profile.of(request.user))
    form.save()
    messages.success(request, "Your notification choices are saved")
    return redirect("account")


def confirm_email(request, token):
    """Shows the address to confirm, and sets it on POST. No login needed:
    the signed link is the proof (it may be opened on another device)."""
    change = emails.confirmed_change(token)
    if change is None:
        return render(
            request, "accounts/confirm_email.html", {"valid": False}, status=400
        )
    user, email = change
    if request.method == "POST":
        emails.change(user, email)
        messages.success(request, f"Your email address is now {email}")
        return redirect("account" if request.user == user else "login")
    return render(
        request,
        "accounts/confirm_email.html",
        {"valid": True, "account": user, "email": email},
    )
