"""How fast one user may post and edit, and posts sent twice.

The counts are the database's own rows: a user's comments with ``posted`` in
the last minute or hour, and their ``CommentEdit`` rows for edits. Every app
server sees the same rows, the count is exact (no counter to drift or
expire), and a two-column index answers it from a few index entries. The
shared cache was the other place: by default it is each process's own
memory, where a limit would be one per worker.

Two posts at once must not both pass the check, nor both store the same
text: the check and the write run in one transaction that first locks the
user's row (``SELECT ... FOR UPDATE``), so one user's posts and edits take
their turn, while other users' do not wait. SQLite has no row locks: its
transactions take the database's write lock as they begin (BEGIN IMMEDIATE,
settings.py), so every post there takes its turn.
"""

import math
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Comment, CommentEdit

TOO_FAST = "You are posting too fast. Try again in %(seconds)d seconds."


def lock_user(user) -> None:
    """Makes the user's other posts and edits wait until this transaction ends.

    Call inside transaction.atomic(), before the checks below.
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))


def refuse(form, wait: int) -> None:
    """Puts the refusal on the form's text field, which keeps the text."""
    form.add_error(
        "content",
        forms.ValidationError(TOO_FAST, code="too_fast", params={"seconds": wait}),
    )
    # The field keeps the focus, as for any refused post (views.focus_first_error).
    form.fields["content"].widget.attrs["autofocus"] = True


def duplicate_of(user, content: str, parent=None) -> Comment | None:
    """The comment this user posted with exactly this text within
    COMMENTS_DUPLICATE_WINDOW, if there is one; for a reply, in reply to the
    same comment ("Thanks!" to two people is two replies)."""
    since = timezone.now() - settings.COMMENTS_DUPLICATE_WINDOW
    recent = Comment.objects.filter(
        commenter=user, posted__gte=since, content=content, parent=parent
    ).order_by("-pk")
    # The database's comparison may ignore case or accents (MySQL's
    # collations do): only the very same text is the same post.
    return next((comment for comment in recent if comment.content == content), None)


def _wait(times, limits) -> int:
    """Whole seconds until one more fits under every limit, given the
    times of the counted actions, newest first; 0 when one fits now."""
    now = timezone.now()
    wait = 0
    for count, seconds in limits:
        window = timedelta(seconds=seconds)
        counted = [time for time in times if time > now - window]
        if len(counted) >= count:
            # The oldest of the last `count` must leave the window first.
            leaves = counted[count - 1] + window
            wait = max(wait, math.ceil((leaves - now).total_seconds()))
    return wait


def posting_wait(user) -> int:
    """Seconds until the user may post again under COMMENTS_RATE_LIMIT."""
    return _actions_wait(
        user,
        Comment.objects.filter(commenter=user),
        "posted",
        settings.COMMENTS_RATE_LIMIT,
    )


def editing_wait(user) -> int:
    """Seconds until the user may save an edit under COMMENTS_EDIT_RATE_LIMIT."""
    return _actions_wait(
        user,
        CommentEdit.objects.filter(editor=user),
        "edited",
        settings.COMMENTS_EDIT_RATE_LIMIT,
    )


def actions_wait(user, actions, field, limits) -> int:
    """Seconds until the user may act again under limits (a setting such as
    COMMENTS_RATE_LIMIT), given the queryset of their counted actions and
    the name of its time field; staff are not limited. For other apps'
    actions (moderation's reports): call it under lock_user(), as above."""
    return _actions_wait(user, actions, field, limits)


def _actions_wait(user, actions, field, limits) -> int:
    if user.is_staff:
        return 0
    longest = max(seconds for _, seconds in limits)
    most = max(count for count, _ in limits)
    since = timezone.now() - timedelta(seconds=longest)
    # At most the largest count of times, newest first, from the index.
    times = list(
        actions.filter(**{f"{field}__gt": since})
        .order_by(f"-{field}")
        .values_list(field, flat=True)[:most]
    )
    return _wait(times, limits)


def record_edit(user) -> None:
    """Counts an edit just saved, and forgets those too old to count."""
    now = timezone.now()
    longest = max(seconds for _, seconds in settings.COMMENTS_EDIT_RATE_LIMIT)
    CommentEdit.objects.filter(
        editor=user, edited__lte=now - timedelta(seconds=longest)
    ).delete()
    CommentEdit.objects.create(editor=user, edited=now)
