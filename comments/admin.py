"""
Comments in Django's admin.

Staff moderate what people wrote; they do not write in anyone else's name.
A comment's commenter and times are read-only once it exists, and a
comment added here is by the staff member who adds it, as on the site,
where the view sets the owner from the request. A change of the text marks
the comment edited, as the author's own edits do, and Django's admin keeps
it in the comment's history ("Changed Content.").
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils import dateformat, timezone

from .forms import CommentAdminForm
from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "commenter", "posted_time", "edited_time"]
    list_filter = ["posted", ("commenter", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["commenter"]
    search_fields = ["content", "commenter__username"]
    date_hierarchy = "posted"
    # Newest first: what needs a moderator is what was just posted. The
    # primary key's order is the order of posting, and its index serves it.
    ordering = ["-pk"]
    form = CommentAdminForm
    fields = ["content", "commenter", "posted_time", "edited_time"]
    readonly_fields = ["commenter", "posted_time", "edited_time"]
    formfield_overrides = {
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 8, "cols": 80})},
    }

    @admin.display(description="Posted", ordering="posted")
    def posted_time(self, comment):
        return self.time_with_zone(comment.posted)

    @admin.display(description="Edited", ordering="edited")
    def edited_time(self, comment):
        return self.time_with_zone(comment.edited)

    def time_with_zone(self, value):
        """A time as "30 Nov 2026, 09:12 UTC", in the site's time zone.

        Django's own display has no zone, and the site's zone is a setting.
        """
        if value is None:
            # A read-only field shows None as "None", not as the list's "-".
            return self.get_empty_value_display()
        return dateformat.format(timezone.localtime(value), "j M Y, H:i T")

    def get_fields(self, request, obj=None):
        if obj is None:
            # The commenter is whoever adds it, and the times are not known
            # before it is saved.
            return ["content"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.commenter = request.user
        elif "content" in form.changed_data:
            obj.edited = timezone.now()
        super().save_model(request, obj, form, change)
