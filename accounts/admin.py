from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model

from mailing.mail import mail_is_available

from .forms import AdminLoginForm
from .resets import send_reset_mail

admin.site.login_form = AdminLoginForm

User = get_user_model()


class UserAdmin(auth_admin.UserAdmin):
    actions = ["send_password_reset"]

    @admin.action(description="Send a password reset mail", permissions=["change"])
    def send_password_reset(self, request, queryset):
        """The way to hand a new password to users who have none that works
        (those imported with a hash that could not be kept): a mail with a
        link to set one, sent whatever their password is now."""
        if not mail_is_available():
            self.message_user(
                request,
                "This site cannot send mail (EMAIL_URL is not set).",
                messages.ERROR,
            )
            return
        sent, without = 0, []
        for user in queryset:
            if user.email:
                send_reset_mail(user)
                sent += 1
            else:
                without.append(user.get_username())
        if sent:
            self.message_user(
                request, f"A password reset mail is on its way to {sent} user(s)."
            )
        if without:
            self.message_user(
                request,
                f"No email address, no mail: {', '.join(without)}.",
                messages.WARNING,
            )


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
