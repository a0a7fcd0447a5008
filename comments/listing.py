"""
A page of comments rendered once for every reader, and cached.

What a reader may do with a comment (Reply, Edit, Delete) differs from
reader to reader, so the rendered HTML is cut where each comment's links go,
and each reader's links go in at each request without rendering the comments
again. Who gets which link is the model's to say (Comment.has_links_for,
Comment.can_reply, Comment.can_edit, Comment.can_delete): the listing only
asks it. Every logged-in reader may reply, and most have no other link: the
links of such a reader are rendered once with the list, and kept with it.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import Comment, Page

# Where each comment's links for its reader (Edit, Delete) go in the cached
# HTML. An HTML comment, which escaped text can never contain.
LINKS_SLOT = "<!-- links -->"


class AnyReader(AnonymousUser):
    """Any logged-in reader, who neither wrote the comments nor has any
    permission: whose links are rendered once with the list
    (Listing.readers_links)."""

    is_authenticated = True


def links_html(comment, user) -> str:
    """The comment's links (Reply, Edit, Delete) for this reader."""
    if not comment.has_links_for(user):
        return ""
    return render_to_string(
        "comments/comment_links.html",
        {
            "comment": comment,
            "can_reply": comment.can_reply(user),
            "can_edit": comment.can_edit(user),
            "can_delete": comment.can_delete(user),
        },
    )


@dataclass
class Listing:
    """A page's comments as HTML, with what the page around it needs: the
    small, picklable form the cache keeps (comments.caching)."""

    # One more piece than comments: comment i's links go after pieces[i].
    pieces: list[str]
    # (pk, commenter_id, posted, hidden) of each comment, what deciding its
    # links takes.
    comments: list[tuple]
    # Each comment's links for a logged-in reader who is neither its author
    # nor staff (AnyReader).
    readers_links: list[str]
    older_url: str | None
    newer_url: str | None

    @classmethod
    def of(cls, page: Page) -> "Listing":
        html = (
            render_to_string(
                "comments/comment_items.html",
                {"comments": page.comments, "links": mark_safe(LINKS_SLOT)},
            )
            if page.comments
            else ""
        )
        pieces = html.split(LINKS_SLOT)
        if len(pieces) != len(page.comments) + 1:
            # Links would go beside the wrong comments.
            raise ImproperlyConfigured(
                "comments/comment.html must show {{ links }} once per comment."
            )
        return cls(
            pieces=pieces,
            comments=[
                (c.pk, c.commenter_id, c.posted, c.hidden) for c in page.comments
            ],
            readers_links=[links_html(c, AnyReader()) for c in page.comments],
            older_url=page.older_url,
            newer_url=page.newer_url,
        )

    def html_for(self, user) -> str:
        """The comments as this reader sees them, with their links."""
        pieces = list(self.pieces)
        # One instance that takes each comment's values in turn: building a
        # model instance per comment cost a page more than all the rest of
        # its links.
        comment = Comment()
        for index, (pk, commenter_id, posted, hidden) in enumerate(self.comments):
            comment.pk, comment.commenter_id = pk, commenter_id
            comment.posted, comment.hidden = posted, hidden
            if comment.has_own_links_for(user):
                pieces[index] += links_html(comment, user)
            elif user.is_authenticated:
                pieces[index] += self.readers_links[index]
        return "".join(pieces)
