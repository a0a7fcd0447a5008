"""
Mails that tell users of replies to their comments and of mentions, run by
the background worker.

A new comment queues ``notify_about`` (signals.py), which records who is to
be told (``Notification`` rows) and queues ``deliver`` for each of them.
``deliver`` gathers all of a user's waiting notifications into one mail, at
most one every NOTIFICATIONS_MAIL_INTERVAL: one that comes sooner runs
again when the interval is over and finds the notifications gathered since.
What is checked when the mail is made, not when the comment was posted: the
user's choices (/account/, the unsubscribe link), and that the comment is
still there and shown (deleting it deletes its notifications; one hidden by
a moderator is dropped).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_tasks import task

from accounts.models import Profile
from comments.models import Comment
from mailing.mail import absolute_links, absolute_url, mail_is_available, queue_mail

from .models import Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The Profile field each kind of notification is turned off by.
CHOICE = {
    Notification.Kind.REPLY: "replies",
    Notification.Kind.MENTION: "mentions",
}


def unsubscribe_token(user) -> str:
    """The signed part of a user's unsubscribe link: the same in every mail,
    and it never expires, as old mails keep their links."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribed_user(token: str):
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def next_mail_time(user):
    """When ``user`` may be mailed again: now, or the interval after the
    last notification mail."""
    last = Notification.objects.filter(recipient=user, sent__isnull=False).aggregate(
        last=Max("sent")
    )["last"]
    now = timezone.now()
    if last is None:
        return now
    return max(now, last + settings.NOTIFICATIONS_MAIL_INTERVAL)


@task()
def notify_about(comment_id: int) -> None:
    comment = (
        Comment.objects.visible().select_related("parent").filter(pk=comment_id).first()
    )
    if comment is None or not mail_is_available():
        return
    kinds = {}
    if comment.parent is not None and comment.parent.commenter_id is not None:
        kinds[comment.parent.commenter_id] = Notification.Kind.REPLY
    for user_id in comment.mentions.values_list("pk", flat=True):
        kinds.setdefault(user_id, Notification.Kind.MENTION)
    kinds.pop(comment.commenter_id, None)
    if not kinds:
        return
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, comment=comment, kind=kind)
            for user_id, kind in kinds.items()
        ],
        ignore_conflicts=True,
    )
    for user in get_user_model().objects.filter(pk__in=kinds):
        deliver.using(run_after=next_mail_time(user)).enqueue(user.pk)


@task()
def deliver(user_id: int) -> None:
    """One mail of every notification waiting for the user, if the interval
    since their last one is over; otherwise again when it is."""
    with transaction.atomic():
        # One deliver at a time per user, whichever worker runs it.
        user = (
            get_user_model()
            .objects.select_for_update()
            .filter(pk=user_id, is_active=True)
            .first()
        )
        if user is None or not user.email:
            Notification.objects.filter(recipient_id=user_id, sent=None).delete()
            return
        waiting = Notification.objects.filter(recipient=user, sent=None)
        if not waiting.exists():
            # Gathered into a mail that an earlier deliver sent.
            return
        when = next_mail_time(user)
        if when > timezone.now():
            deliver.using(run_after=when).enqueue(user_id)
            return
        profile = Profile.of(user)
        notifications = [
            notification
            for notification in waiting.select_related("comment__commenter").order_by(
                "comment_id"
            )
            if notification.comment.hidden is None
            and profile.wants(CHOICE[notification.kind])
        ]
        if not notifications:
            waiting.delete()
            return
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            sent=now
        )
        waiting.exclude(pk__in=[n.pk for n in notifications]).delete()
        # What was told long ago is kept no longer: only the last mail's
        # time counts (next_mail_time).
        Notification.objects.filter(
            recipient=user, sent__lt=now - timedelta(days=30)
        ).delete()
        _queue_mail(user, notifications)


def _subject(notifications) -> str:
    if len(notifications) > 1:
        return f"{len(notifications)} new replies and mentions on {settings.SITE_NAME}"
    [notification] = notifications
    author = _author(notification.comment)
    if notification.kind == Notification.Kind.REPLY:
        return f"{author} replied to your comment on {settings.SITE_NAME}"
    return f"{author} mentioned you on {settings.SITE_NAME}"


def _author(comment) -> str:
    return comment.commenter.get_username() if comment.commenter else "anonymous"


def _queue_mail(user, notifications) -> None:
    unsubscribe_url = absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])
    )
    items = [
        {
            "kind": notification.kind,
            "author": _author(notification.comment),
            "comment": notification.comment,
            "html": mark_safe(absolute_links(notification.comment.content_html())),
            "url": absolute_url(notification.comment.get_absolute_url()),
        }
        for notification in notifications
    ]
    context = {
        "user": user,
        "items": items,
        "account_url": absolute_url(reverse("account")),
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe_url,
    }
    queue_mail(
        subject=_subject(notifications),
        to=user.email,
        text=render_to_string("notifications/mail/notification.txt", context),
        html=render_to_string("notifications/mail/notification.html", context),
        headers={
            # RFC 2369 and RFC 8058: mail programs show an Unsubscribe button,
            # which POSTs List-Unsubscribe=One-Click to the link.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
