"""How often one reader may search (SEARCH_RATE_LIMIT).

A search for words that many comments hold can cost the database up to
SEARCH_TIME_LIMIT (search.backends), a second and a half: a few readers
searching again and again could keep every worker waiting on it. So each
reader may run so many searches in a minute and in an hour; staff are not
limited, and a search box left empty or holding only words too short to
search for costs nothing and is not counted.

Who a reader is: a logged-in user, or else an address (the client's, as
accounts.auth.client_block finds it behind a proxy; an IPv6 address by its
/64, the block one home or phone is given whole and may pick addresses
from).

Where the counts are: a search leaves no row to count, so they are
counters in the cache, as for previews (comments.limits.count_in_cache()
says how): with a shared cache every server counts together, otherwise
each worker process counts on its own.
"""

from django.conf import settings

from accounts.auth import client_block
from comments.limits import count_in_cache

TOO_FAST = "You are searching too fast. Try again in %(seconds)d seconds."


def reader(request) -> str:
    """Who is searching, as a part of a cache key."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_block(request) or 'unknown'}"


def search_wait(request) -> int:
    """Counts a search by this request's reader and returns 0; or, when one
    more would pass SEARCH_RATE_LIMIT, counts nothing and returns the whole
    seconds until every window it fills is over."""
    if request.user.is_staff:
        return 0
    return count_in_cache("search", reader(request), settings.SEARCH_RATE_LIMIT)
