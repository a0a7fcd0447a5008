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

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.template.loader import render_to_string

from .models import HAS_REPORTED_SESSION_KEY, ModeratedComment, Report


def moderation_links(request, listing) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    pks = [pk for pk, _, _ in listing.comments]
    reported = set()
    if request.session.get(HAS_REPORTED_SESSION_KEY):
        reported = set(
            Report.objects.filter(reporter=user, comment__in=pks).values_list(
                "comment_id", flat=True
            )
        )
    moderator = ModeratedComment.can_moderate(user)
    links = {}
    # One instance that takes each comment's values in turn, as the listing's.
    comment = ModeratedComment()
    for pk, commenter_id, _ in listing.comments:
        comment.pk, comment.commenter_id = pk, commenter_id
        comment.hidden = listing.hidden.get(pk)
        can_report = pk not in reported and comment.can_report(user)
        if can_report or pk in reported or moderator:
            links[pk] = render_to_string(
                "moderation/comment_links.html",
                {
                    "comment": comment,
                    "can_report": can_report,
                    "reported": pk in reported,
                    "can_hide": moderator and comment.hidden is None,
                    "can_restore": moderator and comment.hidden is not None,
                },
            )
    return links


@receiver(user_logged_in, dispatch_uid="moderation.links.logged_in")
def note_earlier_reports(sender, request, user, **kwargs):
    if Report.objects.filter(reporter=user).exists():
        request.session[HAS_REPORTED_SESSION_KEY] = True
