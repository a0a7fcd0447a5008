from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core import validators
from django.db import models

from .models import Comment


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, with the username limit of the site's own
    (LoginForm says why: a longer name is a 500 on MySQL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))


admin.site.login_form = AdminLoginForm


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "commenter", "posted", "edited"]
    list_filter = ["posted", ("commenter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["commenter"]
    search_fields = ["content", "commenter__username"]
    date_hierarchy = "posted"
    # A drop-down of every user would not scale past a few hundred.
    autocomplete_fields = ["commenter"]
    readonly_fields = ["posted", "edited"]
    formfield_overrides = {
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 8, "cols": 80})},
    }
