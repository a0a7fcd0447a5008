"""
A logged-in reader's page of comments, rendered once for every reader and
filled in for each.

Logged-in readers' pages differ in a few places only: their name and avatar
in the bar (the templates {% reader_part %} names), the CSRF token of each
form, their id in the form to post, and their links on the comments
(comments.listing). So the page is rendered once per version of the board
and position, with a marker in each of those places, kept cut there
(comments.caching), and each request puts in its reader's own: a page that
took a template render of a thousand nodes takes a few joins.

Nothing else of the reader may show outside a reader part: while a frame
renders, the user is a FrameReader, which refuses every other attribute
with an error rather than rendering one reader's value for all.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import caching

# The context variable that holds the markers while a frame renders.
MARKERS = "frame_markers"

# The places a frame is cut, beside the reader parts' ("part:<template>").
READER_PK = "reader_pk"
CSRF_TOKEN = "csrf_token"
COMMENT_ITEMS = "comment_items"
PART = "part:"


class Withheld:
    """What a frame may not show of one reader (their user, their request):
    reading any attribute of it is an error."""

    def __init__(self, what):
        self._what = what

    def __getattr__(self, name):
        raise ImproperlyConfigured(
            "A page rendered once for every reader shows the reader's "
            f"{self._what}.{name}: show it in a template of its own, with "
            "{% reader_part %}."
        )


class FrameReader(Withheld):
    """The user while a frame renders: logged in, with a marker for an id."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk):
        super().__init__("user")
        self.pk = pk


@dataclass
class Frame:
    # The page cut at each marker: text, a place's name, text, ..., text.
    pieces: list[str]

    @classmethod
    def render(
        cls,
        request,
        template_name: str,
        context: dict,
        reader=None,
        lists_comments=False,
    ):
        """TEMPLATE_NAME rendered for every logged-in reader, or for READER
        alone (anonymous, or a reader's part). With LISTS_COMMENTS, its
        context's comment_items (the list, comments.listing) is filled per
        reader too; without, the page has none."""
        # Random for each frame, so no text on the page can be taken for one.
        cut = secrets.token_hex(16)

        def marker(place: str) -> str:
            return f"{cut}{place}{cut}"

        context = {
            **context,
            CSRF_TOKEN: marker(CSRF_TOKEN),
            COMMENT_ITEMS: mark_safe(marker(COMMENT_ITEMS)) if lists_comments else "",
        }
        if reader is None:
            reader = FrameReader(pk=marker(READER_PK))
            context.update(
                {
                    "user": reader,
                    "perms": reader,
                    "request": Withheld("request"),
                    MARKERS: marker,
                }
            )
        else:
            context["user"] = reader
        html = render_to_string(template_name, context, request)
        return cls(pieces=html.split(cut))

    def fill(self, places) -> str:
        pieces = list(self.pieces)
        for index in range(1, len(pieces), 2):
            pieces[index] = places[pieces[index]]
        return "".join(pieces)

    def for_reader(self, request, version: str, comment_items: str = "") -> str:
        """The page for request.user, with COMMENT_ITEMS, their list; the
        board's VERSION, under which their parts are kept."""
        return self.fill(_Places(request, version, comment_items))


class _Places(dict):
    """What goes in each place of a frame for a request's reader, each made
    when a frame first asks for it: a page without a form makes no CSRF
    token (which would set a cookie)."""

    def __init__(self, request, version, comment_items):
        super().__init__()
        self.request, self.version = request, version
        self[COMMENT_ITEMS] = comment_items

    def __missing__(self, place):
        if place == CSRF_TOKEN:
            value = get_token(self.request)
        elif place == READER_PK:
            value = str(self.request.user.pk)
        elif place.startswith(PART):
            part = reader_part(self.request, self.version, place.removeprefix(PART))
            value = part.fill(self)
        else:
            raise KeyError(place)
        self[place] = value
        return value


def reader_part(request, version: str, template_name: str) -> Frame:
    """TEMPLATE_NAME rendered for request.user, kept in this process's
    memory under the board's VERSION: what a reader part shows of them is
    what that version covers, their name (a rename replaces it)."""
    key = caching.page_key(version, "part", template_name, request.user.pk)
    part = caches["local"].get(key)
    if part is None:
        part = Frame.render(request, template_name, {}, reader=request.user)
        caches["local"].set(key, part)
    return part
