"""How often one reader may search (SEARCH_RATE_LIMIT).

A search for words that many comments hold can cost the database up to
SEARCH_TIME_LIMIT (search.backends), a second and a half: a few readers
searching again and again could keep every worker waiting on it. So each
reader may run so many searches in a minute and in an hour; staff are not
limited, and a search box left empty or holding only words too short to
search for costs nothing and is not counted.

Who a reader is: a logged-in user, or else an address (the client's, as
accounts.auth.client_ip finds it behind a proxy); an IPv6 address by its
/64, the block one home or phone is given whole and may pick addresses from.

Where the counts are: unlike posts, a search leaves no row to count, and a
row written for each would add a write to every search. They are counters
in the cache, one for each reader and window of time, counted in fixed
windows (a minute's starts on the minute), added to atomically (incr), and
expiring with their window. With a shared cache (CACHE_URL=redis://...),
every process and server counts together; otherwise, and while the shared
cache is failing (comments.caching), each process counts on its own, so a
reader may search that many times with each worker.
"""

import contextlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches

from accounts.auth import client_ip
from comments import caching

TOO_FAST = "You are searching too fast. Try again in %(seconds)d seconds."


def reader(request) -> str:
    """Who is searching, as a part of a cache key."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = client_ip(request) or "unknown"
    if ":" in address:
        # REMOTE_ADDR as the server wrote it, or client_ip's canonical form.
        address = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return f"address:{address}"


def search_wait(request) -> int:
    """Counts a search by this request's reader and returns 0; or, when one
    more would pass SEARCH_RATE_LIMIT, counts nothing and returns the whole
    seconds until every window it fills is over."""
    if request.user.is_staff:
        return 0
    now = time.time()
    who = reader(request)
    windows = []
    for count, seconds in settings.SEARCH_RATE_LIMIT:
        start = now // seconds * seconds
        key = f"search-limit:{who}:{seconds}:{start:.0f}"
        windows.append((key, count, start + seconds - now))
    if (shared := caching.shared_cache()) is not None:
        try:
            return _count(shared, windows)
        except Exception as error:
            # Any backend's error, as for the pages (comments.caching).
            caching.pause_shared_cache(error)
    return _count(caches["local"], windows)


def _count(cache, windows) -> int:
    """Adds one to each window's counter; if that passes one's count, takes
    them all back and returns the seconds until the last of those is over."""
    counted = []
    wait = 0
    for key, count, left in windows:
        # Kept a second past its window, so that no clock's rounding lets
        # it expire before it is over.
        timeout = math.ceil(left) + 1
        cache.add(key, 0, timeout)
        try:
            value = cache.incr(key)
        except ValueError:
            # Evicted between the two calls.
            cache.set(key, value := 1, timeout)
        counted.append(key)
        if value > count:
            wait = max(wait, math.ceil(left))
    if wait:
        for key in counted:
            # Evicted meanwhile: nothing to take back.
            with contextlib.suppress(ValueError):
                cache.decr(key)
    return wait
