from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import Truncator


class Comment(models.Model):
    content = models.CharField(max_length=4096)
    # Nullable: comments from before the site stored times (imported from
    # its Flask ancestor) say "at an unknown time".
    posted = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
    # SET_NULL: deleting a user must never delete what was said; their
    # comments then read "by anonymous".
    commenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )

    class Meta:
        # Insertion order is chronological order, and it also holds for the
        # rows without a time.
        ordering = ["id"]

    def __str__(self):
        return Truncator(self.content).chars(50)

    def get_absolute_url(self):
        return reverse("comments:permalink", args=[self.pk])
