"""
The moderation app's links on the board's cached pages: Report (or "You
reported this") for logged-in readers on others' comments, Hide and Restore
for moderators.

The board is the comments app's, which must not depend on this one: it
renders each page's comments once for every reader and calls the functions
other apps registered (comments.listing.add_links) for each reader's own
links. Which reader gets which link is the models' to say
(ModeratedComment.can_report, ModeratedComment.can_moderate).

Which of a page's comments the reader reported is one query of the
reporters' unique index, made only for a reader whose session says they
have reported at least once (set when they report, or log in having
reported before): most readers never do, and their pages cost nothing more.
"""

import functools

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from comments.listing import ANY_PK

from .models import HAS_REPORTED_SESSION_KEY, ModeratedComment, Report

REPORTED = '<span class="comment-reported">You reported this</span>'

# Written here rather than in a template, and each made once per page with
# a pk no comment has, then given each comment's: a template rendered, or
# even reverse() called, for each comment of a page cost a logged-in
# reader's page several times all its other work.
LINK = '<a href="{}" class="comment-action">{}</a>'


def moderation_links(request, user, listing) -> dict | None:
    if not user.is_authenticated:
        return {}
    # request is None for the links of any logged-in reader (AnyReader).
    has_reported = request is not None and request.session.get(HAS_REPORTED_SESSION_KEY)
    moderator = ModeratedComment.can_moderate(user)
    if (
        request is not None
        and not has_reported
        and not moderator
        and not listing.has_comment_by(user)
    ):
        # Report on every comment shown, as any logged-in reader.
        return None
    reported = set()
    if has_reported:
        reported = set(
            Report.objects.filter(
                reporter=user, comment__in=[pk for pk, *_ in listing.comments]
            ).values_list("comment_id", flat=True)
        )
    report, hide, restore = _links(
        get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF
    )
    any_pk = str(ANY_PK)
    links = {}
    # One instance that takes each comment's values in turn, as the listing's.
    comment = ModeratedComment()
    for pk, commenter_id, _, hidden in listing.comments:
        comment.pk, comment.commenter_id, comment.hidden = pk, commenter_id, hidden
        html = []
        if pk in reported:
            html.append(REPORTED)
        elif comment.can_report(user):
            html.append(report)
        if moderator:
            html.append(hide if comment.hidden is None else restore)
        if html:
            links[pk] = "\n" + "\n".join(html).replace(any_pk, str(pk))
    return links


@functools.lru_cache(maxsize=16)
def _links(script_prefix, urlconf, root_urlconf) -> tuple[str, str, str]:
    """The Report, Hide and Restore links of ANY_PK, under the addresses
    they have now (the arguments: all reverse() depends on)."""
    return tuple(
        format_html(LINK, reverse(name, args=[ANY_PK]), label)
        for name, label in [
            ("moderation:report", "Report"),
            ("moderation:hide", "Hide"),
            ("moderation:restore", "Restore"),
        ]
    )


@receiver(user_logged_in, dispatch_uid="moderation.links.logged_in")
def note_earlier_reports(sender, request, user, **kwargs):
    if Report.objects.filter(reporter=user).exists():
        request.session[HAS_REPORTED_SESSION_KEY] = True
