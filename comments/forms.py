from django import forms
from django.contrib.auth.forms import AuthenticationForm

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


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Incorrect username or password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
