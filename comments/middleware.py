import functools
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import get_script_prefix, get_urlconf, reverse

from . import caching

# The positions the site's own links use (comments.models.list_url), written
# as they write them. Pages under any other query are rendered as usual, so
# that one page is not cached again under each spelling of its address
# (?before=03, ?before=3&x=1). Of the numbers, only the ids of comments are
# pages: the view redirects from any other
# (comments.models.CommentQuerySet.page), and only a page (200) is cached.
CACHED_QUERY = re.compile(r"(?:(?:before|after)=(?:0|[1-9]\d{0,18}))?")


CACHED_VIEWS = {"comments:list", "comments:user"}


class CachedPageMiddleware:
    """Serves the comment pages, the front page's and people's, to anonymous
    readers whole from the cache.

    A reader who sends neither a session cookie nor a messages cookie is
    anonymous with no message waiting: every such reader gets the same page
    at a position. The first one's response (content and headers) is cached
    (comments.caching explains the cache) and given to the others before the
    sessions, CSRF, authentication and messages middleware run: what those
    did for the first is in the headers kept.

    Goes after the middleware that every response passes through, cached or
    not: SecurityMiddleware (the HTTPS redirect and its headers), WhiteNoise
    (static files), the clickjacking and CSP headers, and the Cache-Control
    of one visitor's pages (scratchpad.middleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable(request):
            return self.get_response(request)
        # CommonMiddleware checks the Host header against ALLOWED_HOSTS for
        # every other request; a cached page must not skip that.
        request.get_host()
        # Kept for the view, should the page have to be rendered.
        request.board_version = caching.board_version()
        key = caching.response_key(
            request.board_version, request.path, request.META.get("QUERY_STRING", "")
        )
        cached = caching.get_page(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            # Only the pages of comments: not whatever else may answer under
            # the path of people's pages one day.
            and getattr(request.resolver_match, "view_name", None) in CACHED_VIEWS
        ):
            caching.set_page(key, (response.content, dict(response.headers)))
        return response

    @staticmethod
    def is_cacheable(request) -> bool:
        if (
            request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or CookieStorage.cookie_name in request.COOKIES
            or CACHED_QUERY.fullmatch(request.META.get("QUERY_STRING", "")) is None
        ):
            return False
        front, people = cached_paths(
            get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF
        )
        # A person's page is cached under the name as the view answers it:
        # another spelling of the name is redirected, an unknown one is not
        # found, and only a page (200) is cached.
        return request.path == front or request.path.startswith(people)


@functools.lru_cache(maxsize=16)
def cached_paths(script_prefix, urlconf, root_urlconf) -> tuple[str, str]:
    """The front page's path, and what the paths of people's pages start
    with, under the addresses the site has now (the arguments: all
    reverse() depends on), reversed once rather than for every request,
    where it was a tenth of a page from the cache."""
    person = reverse("comments:user", args=["-"])
    return reverse("comments:list"), person.removesuffix("-/")
