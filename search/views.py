from django.conf import settings
from django.db import connections
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from comments.models import Comment

from . import backends, limits
from .forms import SearchForm
from .highlight import highlight
from .query import MAX_WORDS, MIN_WORD_LENGTH, parse


class Result:
    """A comment found, shown as the board shows it (comments/comment.html),
    its text with the words found marked."""

    def __init__(self, comment, query):
        self.comment = comment
        self.marked_html = highlight(comment.content_html(), query)

    def __getattr__(self, name):
        return getattr(self.comment, name)

    def content_html(self):
        return self.marked_html


def search_url(**params) -> str:
    params = {name: value for name, value in params.items() if value}
    return f"{reverse('search:search')}?{urlencode(params)}"


@require_safe
def search(request):
    """The comments that match the words typed, newest first, a page at a time.

    At most SEARCH_RATE_LIMIT searches a reader (search.limits): over it,
    the page says when to try again, with a 429 and Retry-After.

    Keyset paging, as the board's: ``before`` is the id of the last result
    shown, and a page is one query by the full-text index (and one for the results'
    replies, as the board's pages), with one row more
    than a page to tell whether there are older results. Pages are not cached:
    their addresses are as many as the words one can type.
    """
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "400.html",
            {
                "problem": (
                    "This search does not exist: “before” takes a comment "
                    "number and “by” a username."
                )
            },
            status=400,
        )
    q = form.cleaned_data["q"]
    by = form.cleaned_data["by"]
    before = form.cleaned_data["before"]
    query = parse(q)
    results = None
    too_broad = False
    too_fast = None
    older_url = newest_url = None
    wait = limits.search_wait(request) if query else 0
    if wait:
        too_fast = limits.TOO_FAST % {"seconds": wait}
    elif query:
        per_page = settings.COMMENTS_PER_PAGE
        comments = backends.search(Comment.objects.visible(), query)
        if by:
            comments = comments.filter(commenter__username=by)
        if before is not None:
            comments = comments.filter(pk__lt=before)
            newest_url = search_url(q=q, by=by)
        comments = comments.for_listing().order_by("-pk")[: per_page + 1]
        try:
            with backends.time_limit(
                connections[comments.db], settings.SEARCH_TIME_LIMIT
            ):
                rows = list(comments)
        except backends.SearchTooSlow:
            too_broad = True
        else:
            results = [Result(comment, query) for comment in rows[:per_page]]
            if len(rows) > per_page:
                older_url = search_url(q=q, by=by, before=results[-1].pk)
    response = render(
        request,
        "search/search.html",
        {
            "q": q,
            "by": by,
            "query": query,
            "results": results,
            "too_broad": too_broad,
            "too_fast": too_fast,
            "older_url": older_url,
            "newest_url": newest_url,
            "min_word_length": MIN_WORD_LENGTH,
            "max_words": MAX_WORDS,
        },
        status=429 if wait else 200,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response
