from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """
    A user is to be told of a comment: a reply to theirs, or one that
    mentions them. One row per user and comment, whatever the reasons, so a
    reply that also mentions its parent's author makes one mail. ``sent`` is
    set in the transaction that queues the mail that tells of it: a
    notification is mailed once. Deleting the comment deletes the row.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "reply"
        MENTION = "mention", "mention"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created = models.DateTimeField(default=timezone.now)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "comment"], name="one_notification_per_comment"
            )
        ]
        indexes = [models.Index(fields=["recipient", "sent"])]

    def __str__(self):
        return f"{self.kind} for {self.recipient} on comment {self.comment_id}"
