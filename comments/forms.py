from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators

from .models import Comment


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content"]
        labels = {"content": "Comment"}
        widgets = {
            "content": forms.Textarea(
                attrs={
                    "rows": 3,
                    "placeholder": "Enter a comment",
                    "class": "form-control",
                }
            ),
        }
        error_messages = {
            "content": {
                "required": "Write something before posting.",
                "max_length": (
                    "A comment can be at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
        }


class PageForm(forms.Form):
    """Where a page of the list starts: ?before=<id> (older) or ?after=<id> (newer).

    Any whole number is a position, whether or not a comment has that id, so
    an id deleted since the link was made still leads to the nearest page.
    """

    before = forms.IntegerField(min_value=0, required=False)
    after = forms.IntegerField(min_value=0, required=False)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("before") is not None and (
            cleaned_data.get("after") is not None
        ):
            raise forms.ValidationError("A page starts either before or after.")
        return cleaned_data


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
