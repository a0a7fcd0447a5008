"""
A page of comments rendered once for every reader, and cached.

What a reader may do with a comment (Reply, Edit, Delete) differs from
reader to reader, so the rendered HTML is cut where each comment's links go,
and each reader's links go in at each request without rendering the comments
again. Who gets which link is the model's to say (Comment.has_links_for,
Comment.can_reply, Comment.can_edit, Comment.can_delete): the listing only
asks it. Every logged-in reader may reply, and most have no other link: the
links of such a reader are rendered once with the list, and kept with it.

Other apps add links of their own (moderation's Report, Hide, Restore)
without this app knowing them: each registers a function with add_links(),
called once per page for the reader with the page's listing, and answering
with the HTML to add after each comment's links, by the comment's pk.

Most logged-in readers wrote none of a page's comments and have no
permission: the whole list as they see it, every app's links in, is put
together once with the rest (Listing.readers_html), and such a reader's
page costs no work per comment.

A hidden comment shows every reader the moderator's placeholder, but its
author their own text, marked as removed: the listing keeps that second
rendering of the comment, up to its links, as a piece of its own
(author_pieces), which replaces the shared one for the author only.
"""

import copy
import functools
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.functional import LazyObject
from django.utils.safestring import mark_safe

from . import caching
from .models import Comment, Page

# Where each comment's links for its reader (Edit, Delete) go in the cached
# HTML. An HTML comment, which escaped text can never contain.
LINKS_SLOT = "<!-- links -->"

# The functions other apps registered with add_links().
_link_providers = []


def add_links(provider) -> None:
    """Adds provider(request, user, listing) -> {comment pk: HTML} to every
    page: its HTML goes after each comment's own links, for that reader
    (request.user, as the user object itself: comments.listing.reader).

    Called once with request None and AnyReader() as the listing is
    rendered: what any logged-in reader gets. At each request it may answer
    None instead, for a reader who gets just that (the common case, which
    then costs nothing per comment). Call from an AppConfig.ready()."""
    if provider not in _link_providers:
        _link_providers.append(provider)


class AnyReader(AnonymousUser):
    """Any logged-in reader, who neither wrote the comments nor has any
    permission: whose links are rendered once with the list
    (Listing.readers_links)."""

    is_authenticated = True


def reader(user):
    """The user object itself for request.user, the lazy object standing for
    it: asked of every comment on a page, each attribute read through the
    lazy object is a call of its own, which cost a logged-in page more than
    the rest of its links."""
    if not isinstance(user, LazyObject):
        return user
    # Once read, a lazy object copies as the object it wraps.
    user.get_username()
    return copy.copy(user)


# A pk no comment has: the links are rendered with it once for each set of
# links a comment may get, then given each comment's pk. Rendering the
# template for each comment was most of the time a page took to render.
ANY_PK = 9876543210123


def links_html(comment, user, rendered=None) -> str:
    """The comment's links (Reply, Edit, Delete) for this reader. RENDERED
    keeps the template's output by the links shown, for the other comments
    of a page."""
    if not comment.has_links_for(user):
        return ""
    shown = (comment.can_reply(user), comment.can_edit(user), comment.can_delete(user))
    if rendered is None:
        rendered = {}
    if shown not in rendered:
        can_reply, can_edit, can_delete = shown
        rendered[shown] = render_to_string(
            "comments/comment_links.html",
            {
                "comment": {"pk": ANY_PK},
                "can_reply": can_reply,
                "can_edit": can_edit,
                "can_delete": can_delete,
            },
        )
    return rendered[shown].replace(str(ANY_PK), str(comment.pk))


def comment_html(comment, own_hidden_text=False) -> str:
    """comments/comment.html for the comment, with LINKS_SLOT where its
    reader's links go: rendered once, then kept in this process's memory
    under everything it shows, so that a page rendered again after a change
    renders only the comments that changed (a new one, the one it answers).
    The comment comes from Comment.objects.for_listing()."""
    key = _comment_html_key(comment, own_hidden_text)
    html = caches["local"].get(key)
    if html is None:
        html = render_to_string(
            "comments/comment.html",
            {
                "comment": comment,
                "links": mark_safe(LINKS_SLOT),
                "own_hidden_text": own_hidden_text,
            },
        )
        caches["local"].set(key, html)
    return html


def _comment_html_key(comment, own_hidden_text) -> str:
    # Everything comments/comment.html shows of the comment, its author,
    # the comment it answers and its replies; and the address prefix of its
    # links. Of a person, their name (the avatar follows from it), and of
    # its author whether they are active (a link to their page, or not).
    def name(user):
        return None if user is None else user.get_username()

    parent = comment.parent
    shown = (
        get_script_prefix(),
        own_hidden_text,
        comment.pk,
        comment.content,
        comment.html,
        comment.format,
        comment.posted,
        comment.edited,
        comment.hidden,
        comment.is_reply,
        name(comment.commenter),
        comment.commenter is not None and comment.commenter.is_active,
        None if parent is None else (parent.pk, name(parent.commenter)),
        [(reply.pk, name(reply.commenter)) for reply in comment.shown_replies()],
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"comments:comment{caching.PAGES_FORMAT}:{digest}"


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
    # For each hidden comment, by its index: the piece its author sees in
    # place of pieces[index], their own text marked as removed.
    author_pieces: dict = field(default_factory=dict)
    # The whole list as AnyReader sees it, every app's links in.
    readers_html: str = ""

    @classmethod
    def of(cls, page: Page) -> "Listing":
        html = (
            render_to_string(
                "comments/comment_items.html",
                {"comments": [comment_html(comment) for comment in page.comments]},
            )
            if page.comments
            else ""
        )
        pieces = html.split(LINKS_SLOT)
        if len(pieces) != len(page.comments) + 1:
            # Links would go beside the wrong comments.
            raise ImproperlyConfigured(
                "comments/comment.html must show {{ links }} once per comment, "
                "and comments/comment_items.html each comment once."
            )
        author_pieces = {}
        for index, comment in enumerate(page.comments):
            if comment.hidden is not None:
                shown, own = (
                    comment_html(comment, own_text).split(LINKS_SLOT)[0]
                    for own_text in (False, True)
                )
                author_pieces[index] = pieces[index][: -len(shown)] + own
        any_reader, rendered = AnyReader(), {}
        listing = cls(
            pieces=pieces,
            comments=[
                (c.pk, c.commenter_id, c.posted, c.hidden) for c in page.comments
            ],
            readers_links=[
                links_html(comment, any_reader, rendered) for comment in page.comments
            ],
            older_url=page.older_url,
            newer_url=page.newer_url,
            author_pieces=author_pieces,
        )
        listing.readers_html = listing._join(AnyReader(), listing._readers_added())
        return listing

    def _readers_added(self) -> list:
        """The other apps' links for AnyReader."""
        return [provider(None, AnyReader(), self) for provider in _link_providers]

    def html_for(self, user, request) -> str:
        """The comments as this reader sees them, with their links and the
        other apps'."""
        user = reader(user)
        if not user.is_authenticated:
            return "".join(self.pieces)
        added = [provider(request, user, self) for provider in _link_providers]
        if all(links is None for links in added) and self.gets_readers_links(user):
            return self.readers_html
        if None in added:
            added = [
                readers if links is None else links
                for links, readers in zip(added, self._readers_added(), strict=True)
            ]
        return self._join(user, added)

    def gets_readers_links(self, user) -> bool:
        """Whether this logged-in reader gets AnyReader's links of this app
        on every comment: they wrote none of them, and may not delete
        others' (the model's rules, Comment.has_own_links_for)."""
        return not Comment.may_delete_others(user) and not self.has_comment_by(user)

    def has_comment_by(self, user) -> bool:
        return user.pk in self.commenter_ids

    @functools.cached_property
    def commenter_ids(self) -> frozenset:
        return frozenset(
            commenter_id
            for _, commenter_id, _, _ in self.comments
            if commenter_id is not None
        )

    def _join(self, user, added) -> str:
        """The comments with USER's links, and ADDED, the other apps' links
        for them (their providers' answers)."""
        pieces = list(self.pieces)
        # One instance that takes each comment's values in turn: building a
        # model instance per comment cost a page more than all the rest of
        # its links.
        comment = Comment()
        rendered = {}
        for index, (pk, commenter_id, posted, hidden) in enumerate(self.comments):
            comment.pk, comment.commenter_id = pk, commenter_id
            comment.posted, comment.hidden = posted, hidden
            if index in self.author_pieces and comment.is_authored_by(user):
                pieces[index] = self.author_pieces[index]
            if comment.has_own_links_for(user):
                pieces[index] += links_html(comment, user, rendered)
            elif user.is_authenticated:
                pieces[index] += self.readers_links[index]
            for links in added:
                pieces[index] += links.get(pk, "")
        return "".join(pieces)
