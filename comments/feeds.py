"""
The Atom feed of the latest comments.

The feed is written from what the database holds, and that is not only what
the comment form lets through: rows imported from the Flask site or written
in a SQL console may hold characters XML cannot carry, and comments from
before the site stored times have none. Django's generator refuses the
first (a 500 for every reader of the feed, until the comment is gone) and
leaves the second without the atom:updated RFC 4287 requires. Atom1Feed
below writes a valid feed whatever the rows hold.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import feedgenerator
from django.utils.text import Truncator

from .models import Comment

# Everything outside XML 1.0's Char production: the control characters
# below U+0020 other than tab and line breaks, lone surrogates, U+FFFE and
# U+FFFF.
NOT_XML_CHARACTER = re.compile(
    "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def xml_text(text: str) -> str:
    """The text with each character XML cannot carry replaced by U+FFFD, the
    replacement character, so that a reader sees something was there."""
    return NOT_XML_CHARACTER.sub("\ufffd", text)


class Atom1Feed(feedgenerator.Atom1Feed):
    """Django's Atom 1.0 feed, valid whatever the comments hold."""

    def add_item(self, **kwargs):
        super().add_item(
            **{
                name: xml_text(value) if isinstance(value, str) else value
                for name, value in kwargs.items()
            }
        )

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # Django's generator writes no atom:content: the comment's HTML.
        if item.get("content") is not None:
            handler.addQuickElement("content", item["content"], {"type": "html"})

    def write(self, outfile, encoding):
        # An entry without a time is as recent as the feed: the latest time
        # of the others (the feed's own atom:updated), or now when none has
        # one. The feed's time does not move for them.
        updated = self.latest_post_date()
        for item in self.items:
            if item["updateddate"] is None:
                item["updateddate"] = updated
        super().write(outfile, encoding)


class LatestCommentsFeed(Feed):
    """The latest comments, newest first, for feed readers."""

    feed_type = Atom1Feed
    link = reverse_lazy("comments:list")
    language = "en"

    def title(self):
        return settings.SITE_NAME

    def subtitle(self):
        return settings.SITE_DESCRIPTION

    def items(self):
        # A comment a moderator hid is left out rather than shown as a
        # placeholder: an entry without its text tells a feed reader nothing,
        # and readers keep what they fetched. Restored, it is back in its place.
        return (
            Comment.objects.visible()
            .select_related("commenter")
            .order_by("-pk")[: settings.COMMENTS_PER_PAGE]
        )

    def item_title(self, item):
        # An Atom title is plain text, escaped once by the XML writer; the
        # default escapes it a second time, as RSS readers expect. The text
        # as read, without its Markdown.
        return Truncator(item.plain_text()).chars(50)

    def item_description(self, item):
        # No summary: the whole comment is the entry's content.
        return None

    def item_extra_kwargs(self, item):
        # The HTML the page shows, rendered when the comment was saved.
        return {"content": item.html}

    def item_author_name(self, item):
        return item.commenter.get_username() if item.commenter else "anonymous"

    def item_pubdate(self, item):
        return item.posted

    def item_updateddate(self, item):
        return item.edited or item.posted
