from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core import validators

from .models import Profile


class BootstrapBoundField(forms.BoundField):
    """A field whose input Bootstrap shows as invalid (is-invalid) when it
    has errors, as Django marks it for assistive technology (aria-invalid)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden and self.errors:
            classes = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs


class LoginForm(auth_forms.AuthenticationForm):
    bound_field_class = BootstrapBoundField
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "Incorrect username or password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        # Django sets the username's max_length after the field is made, so
        # only the browser enforces it. Without the validator a longer name
        # reaches authenticate(), and django-axes fails to store the attempt
        # in its username column (MySQL's strict mode refuses it): a 500.
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class PasswordResetForm(auth_forms.PasswordResetForm):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["class"] = "form-control"

    def save(self, **kwargs):
        """Queues a reset mail to each active account with the address
        (Django's get_users()); nothing at all when none has it."""
        from .resets import send_reset_mail

        for user in self.get_users(self.cleaned_data["email"]):
            send_reset_mail(user)


class SetPasswordForm(auth_forms.SetPasswordForm):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class EmailForm(forms.Form):
    bound_field_class = BootstrapBoundField

    email = forms.EmailField(
        label="New email address",
        help_text="We mail a link to it; it is used once you follow that link.",
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )


class NotificationsForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["notify_replies", "notify_mentions"]
        widgets = {
            "notify_replies": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "notify_mentions": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, with the username limit of the site's own
    (LoginForm says why: a longer name is a 500 on MySQL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))
