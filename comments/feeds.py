from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Comment


class LatestCommentsFeed(Feed):
    """The latest comments, newest first, for feed readers."""

    feed_type = Atom1Feed
    title = "My scratchpad"
    subtitle = "The latest comments"
    link = reverse_lazy("comments:list")
    language = "en"

    def items(self):
        return Comment.objects.select_related("commenter").order_by("-pk")[
            : settings.COMMENTS_PER_PAGE
        ]

    def item_title(self, item):
        # An Atom title is plain text, escaped once by the XML writer; the
        # default escapes it a second time, as RSS readers expect.
        return str(item)

    def item_description(self, item):
        # Atom's summary is HTML: the text escaped, its line breaks kept,
        # as on the page.
        return linebreaksbr(item.content, autoescape=True)

    def item_author_name(self, item):
        return item.commenter.get_username() if item.commenter else "anonymous"

    def item_pubdate(self, item):
        return item.posted

    def item_updateddate(self, item):
        return item.edited or item.posted
