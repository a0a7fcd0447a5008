"""How fast one user may post, edit and preview, and posts sent twice.

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

Previews leave no row to count, and a row written for each would add a
write to each: they are counted in the cache (count_in_cache(), which
search.limits also uses for searches), one counter for each user and
window of time, in fixed windows (a minute's starts on the minute), added
to atomically (incr) and expiring with their window. With a shared cache
that adds so (CACHE_URL=redis://... or memcached), every process and server
counts together; otherwise (a file or database cache, whose incr() is a
read and a write that also resets the expiry; local memory; a shared cache
that is failing, comments.caching), each process counts on its own, so one
may act that many times with each worker. A preview renders the text as a
post does, up to a second or so for the worst 4,096 characters
(comments.formatting): without a limit, a few users could keep every
worker rendering.
"""

import contextlib
import math
import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from . import caching
from .models import Comment, CommentEdit

# The shared caches whose incr() is one atomic step that keeps the expiry.
ATOMIC_COUNTERS = (RedisCache, BaseMemcachedCache)

TOO_FAST = "You are posting too fast. Try again in %(seconds)d seconds."
PREVIEWING_TOO_FAST = "You are previewing too fast. Try again in %(seconds)d seconds."


def lock_user(user) -> None:
    """Makes the user's other posts and edits wait until this transaction ends.

    Call inside transaction.atomic(), before the checks below.
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))


def refuse(form, wait: int, message: str = TOO_FAST) -> None:
    """Puts the refusal on the form's text field, which keeps the text."""
    form.add_error(
        "content",
        forms.ValidationError(message, code="too_fast", params={"seconds": wait}),
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


def preview_wait(user) -> int:
    """Counts a preview by the user and returns 0; or, over
    COMMENTS_PREVIEW_RATE_LIMIT, counts nothing and returns the seconds to
    wait. Staff are not limited."""
    if user.is_staff:
        return 0
    return count_in_cache(
        "preview", f"user:{user.pk}", settings.COMMENTS_PREVIEW_RATE_LIMIT
    )


def count_in_cache(action: str, who: str, limits) -> int:
    """Counts one more ``action`` by ``who`` (a part of a cache key) under
    limits (a setting such as COMMENTS_PREVIEW_RATE_LIMIT) and returns 0; or,
    when one more would pass them, counts nothing and returns the whole
    seconds until every window it fills is over."""
    now = time.time()
    windows = []
    for count, seconds in limits:
        start = now // seconds * seconds
        key = f"limit:{action}:{who}:{seconds}:{start:.0f}"
        windows.append((key, count, start + seconds - now))
    shared = caching.shared_cache()
    if isinstance(shared, ATOMIC_COUNTERS):
        try:
            return _count(shared, windows)
        except Exception as error:
            # Any backend's error, as for the pages (comments.caching).
            caching.pause_shared_cache(error)
    return _count(caches["local"], windows)


def _count(cache, windows) -> int:
    """Adds one to each window's counter; if that passes one's count, takes
    them all back and returns the seconds until the last of those is over."""
    counted = []
    wait = 0
    for key, count, left in windows:
        # Kept a second past its window, so that no clock's rounding lets
        # it expire before it is over.
        timeout = math.ceil(left) + 1
        cache.add(key, 0, timeout)
        try:
            value = cache.incr(key)
        except ValueError:
            # Evicted between the two calls.
            cache.set(key, value := 1, timeout)
        counted.append(key)
        if value > count:
            wait = max(wait, math.ceil(left))
    if wait:
        for key in counted:
            # Evicted meanwhile: nothing to take back.
            with contextlib.suppress(ValueError):
                cache.decr(key)
    return wait
