from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from comments.models import Comment

from .tasks import notify_about


@receiver(post_save, sender=Comment, dispatch_uid="notifications.new_comment")
def new_comment(sender, instance, created, raw=False, **kwargs):
    # Only a reply or a text with an @ can notify anyone: the other posts
    # cost nothing more. The worker reads the parent and the mentions, which
    # Comment.save() records after this signal, in its transaction.
    if not created or raw or not (instance.parent_id or "@" in instance.content):
        return
    # robust: a queue that fails once the comment is stored is logged; the
    # page that posted it still answers.
    transaction.on_commit(lambda: notify_about.enqueue(instance.pk), robust=True)
