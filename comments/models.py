from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator


class Comment(models.Model):
    content = models.CharField(max_length=4096)
    # Nullable: comments from before the site stored times (imported from
    # its Flask ancestor) say "at an unknown time". A default rather than
    # auto_now_add, which would overwrite the times of imported comments.
    posted = models.DateTimeField(
        default=timezone.now, editable=False, null=True, db_index=True
    )
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


class ImportedComment(models.Model):
    """A comment row of a Flask tutorial database that has been imported.

    Remembered so that importing the same database again adds only what is
    new there. Kept even when the comment is later deleted here, so that a
    comment removed by staff does not come back with the next import.
    """

    # The source database, as the importer names it (its URL without the
    # password, or the SQLite file's absolute path).
    source = models.CharField(max_length=255)
    source_id = models.BigIntegerField()
    imported = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="unique_imported_comment"
            ),
        ]

    def __str__(self):
        return f"{self.source} #{self.source_id}"
