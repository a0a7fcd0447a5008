from django import forms
from django.contrib import admin
from django.db import models

from .models import Comment


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
