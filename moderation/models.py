"""
Reports of comments, and what moderators do about them.

A logged-in reader reports someone else's comment once, with a reason; the
reports stay open until a moderator acts on the comment: hiding or deleting
it, or dismissing its reports (restoring a hidden comment does not reopen
them). The admin's reports queue (moderation.admin) lists the comments with
open reports.

Hiding keeps the comment, its place and its replies, and takes its text off
every page (comments.models.Comment.hidden; the placeholder is
comments/comment.html's). Every moderator's action, on the board or in the
admin, is written to the admin's history (LogEntry) against the comment
itself, so that the comment's History page in the admin tells all of it.
"""

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.utils import timezone

from comments.models import Comment, CommentQuerySet

# The reader's session notes that they have reported a comment at least once
# (moderation.links): a reader who never has costs the board no query.
HAS_REPORTED_SESSION_KEY = "moderation_has_reported"


def log_change(user, comments, message: str) -> None:
    """Writes the moderator's action on these comments to the admin's
    history, against comments.Comment (the model, not a proxy of it)."""
    comments = [Comment(pk=c.pk, content=c.content) for c in comments]
    if comments:
        LogEntry.objects.log_actions(user.pk, comments, CHANGE, message)


class ModeratedCommentQuerySet(CommentQuerySet):
    def with_open_reports(self):
        return self.filter(
            models.Exists(Report.objects.open().filter(comment=models.OuterRef("pk")))
        )

    def hide(self, moderator, message="Hid the comment.") -> int:
        """Hides the comments still shown, closes their open reports and
        records it; returns how many were hidden."""
        return self._moderate(moderator, message, hidden__isnull=True, hide=True)

    def restore(self, moderator, message="Restored the comment.") -> int:
        """Shows the hidden comments again; returns how many."""
        return self._moderate(moderator, message, hidden__isnull=False, hide=False)

    def _moderate(self, moderator, message, *, hide, **which) -> int:
        now = timezone.now()
        with transaction.atomic(using=self.db):
            comments = self._plain(self.filter(**which))
            # update() replaces the cached pages' version in this transaction
            # (comments.models.CommentQuerySet): every page changes at once.
            Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
                hidden=now if hide else None
            )
            if hide:
                Report.objects.open().filter(comment__in=comments).update(resolved=now)
            log_change(moderator, comments, message)
        return len(comments)

    @staticmethod
    def _plain(queryset) -> list:
        """The comments of a queryset (the admin's, with its annotations and
        joins) as plain comments: their pk and text, for the history."""
        pks = list(queryset.values_list("pk", flat=True))
        return list(Comment.objects.filter(pk__in=pks).only("pk", "content"))

    def dismiss_reports(self, moderator) -> int:
        """Closes the comments' open reports, leaving the comments as they
        are; returns how many comments had any."""
        with transaction.atomic(using=self.db):
            comments = self._plain(self.with_open_reports())
            for comment in comments:
                count = Report.objects.open().filter(comment=comment).count()
                log_change(
                    moderator,
                    [comment],
                    f"Dismissed {count} report{'s' if count != 1 else ''}.",
                )
            Report.objects.open().filter(comment__in=comments).update(
                resolved=timezone.now()
            )
        return len(comments)


class ModeratedComment(Comment):
    """The comments as moderators see them: the admin's reports queue, and
    who may report, hide and restore on the board."""

    objects = ModeratedCommentQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "reported comment"
        verbose_name_plural = "reported comments"
        permissions = [("hide_comment", "Can hide and restore comments")]

    @staticmethod
    def can_moderate(user) -> bool:
        """Staff allowed to hide and restore comments, on the board too."""
        # is_staff first: a regular user's permissions are never loaded.
        return user.is_staff and user.has_perm("moderation.hide_comment")

    def can_report(self, user) -> bool:
        """A logged-in reader reports what others wrote, while it is shown."""
        return (
            user.is_authenticated
            and not self.is_authored_by(user)
            and self.hidden is None
        )


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved__isnull=True)


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        OFF_TOPIC = "off-topic", "Off-topic"
        OTHER = "other", "Other"

    # CASCADE: a deleted comment's reports have nothing left to say (the
    # deletion itself stays in the admin's history).
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    # When a moderator acted on it (hid or deleted the comment, dismissed its
    # reports); NULL while it waits in the queue.
    resolved = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = [
            # Reporter first: the index also answers which of a page's
            # comments this reader reported (moderation.links).
            models.UniqueConstraint(
                fields=["reporter", "comment"], name="one_report_per_reader"
            ),
        ]
        indexes = [
            # The reporter's latest reports, for their rate limit.
            models.Index(
                fields=["reporter", "created"], name="report_reporter_created"
            ),
        ]
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_reason_display()} by {self.reporter} on {self.comment_id}"
