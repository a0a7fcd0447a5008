"""
The cache of rendered comment pages: how it stays right, where it lives, and
what happens when part of it fails. The one place this design is explained;
the settings, the middleware, the models and the README point here.

What is cached. An anonymous reader's whole response, content and headers,
at each of the site's own addresses of the front page and of people's pages
(comments.middleware.CachedPageMiddleware); for everyone else, the list of
comments of a page rendered once for every reader, cut where each reader's
own links go (comments.listing.Listing), inside the page around it, also
rendered once and cut where each reader's own parts go
(comments.frames.Frame). Each comment's HTML is kept by everything it shows
(comments.listing.comment_html), so a list rendered again after a change
renders only the comments the change touched.

How it stays right: a version of the board. Every change a page could show
(a comment posted, edited or deleted, a user renamed or deleted, an import)
stores a new random version in one database row, in the change's own
transaction, and every cached page is looked up under the version read from
the database for that request: one row read by its primary key, much less
than a page's own queries, and for a logged-in reader no query of its own,
read with the session (accounts.sessions.read_along). A request that makes
a change reads it again. A page cached before a change is never read
again, whatever the cache and however many workers and servers: nothing
has to be told to forget anything.

The front page's list travels with the version: the change that makes a
version renders the latest page's list and writes it into the version's row,
in its own transaction (bump_board_version()), and a process that has no
copy of it reads it from there instead of rendering it. When the board
changes under a crowd of readers, every process needs the new list at once:
rendering it cost each of them 20 ms or more, held up whichever reader came
first, and cost the readers a quarter of their throughput at five posts a
second. A change pays it once.

What replaces the version: saving or deleting a comment, saving a user
under a new name or deactivated, or deleting one (the receivers below), a
ban (moderation.admin), and every bulk
write of the comments' queryset, update(), bulk_create(), bulk_update()
and delete() among them (comments.models.CommentQuerySet). What does not:
a change made outside Django (a SQL console), and users renamed or
deactivated by a queryset's update() (the User model is Django's, and so is its queryset).
After those, ``manage.py refresh_pages`` replaces it; without it they show
once the pages kept expire (the cache's TIMEOUT, five minutes by default,
up to twice that with a shared cache, whose pages each process keeps again).

Two levels. "local" is each process's own memory, bounded by the bytes it
holds (comments.locmem). "default" is CACHE_URL's cache; when that is one
other processes see (Redis, memcached, a database or file cache: anything
but local memory, decided once), it is the shared level behind the local
one. Since a page under a version never changes, each process keeps its own
copy of what it read from the shared level: the shared cache renders each
page once for every server, and serving it again costs no round trip.

When the shared level fails. It only saves work, so any error of its get or
set is logged and the page is rendered without it; after one, the process
leaves it alone for SHARED_CACHE_PAUSE_SECONDS, so that a Redis that hangs
costs one request its socket timeout, and the next ones nothing.

A shared cache outlives a deploy: PAGES_FORMAT is part of every key, and
changes with the shape of anything cached.
"""

import contextvars
import functools
import hashlib
import logging
import pickle
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started, setting_changed
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import BoardVersion, Comment

logger = logging.getLogger(__name__)

VERSION_PK = 1


def new_version() -> str:
    # Random rather than counted: a version row lost and made again (a
    # restored backup, a test database emptied) never repeats an old one.
    return secrets.token_hex(16)


def board_version() -> str:
    """The version the pages are cached under now."""
    seen = _seen.get()
    version = (seen and seen.version) or _read_version()
    if version is None:
        return _create_version(new_version())
    return version


@dataclass
class _Seen:
    """The version the request's session brought (read_along() of
    accounts.sessions): a logged-in page's version, without a round trip
    of its own."""

    version: str | None = None


# A _Seen while a request runs, None otherwise: a process that reads a
# session outside a request (a management command, the worker) keeps no
# version that would go stale.
_seen = contextvars.ContextVar("comments.caching.seen", default=None)


def version_subquery(connection):
    """The SQL that reads the version, for the session's query."""
    # On the database the version is written to and read from
    # (_read_row()): the default one.
    if connection.alias != DEFAULT_DB_ALIAS:
        return None
    return _row_sql(connection, "version"), [VERSION_PK]


def saw_version(version: str | None) -> None:
    if (seen := _seen.get()) is not None:
        seen.version = version


@receiver(request_started, dispatch_uid="comments.caching.request_started")
def watch_request_version(**kwargs):
    _seen.set(_Seen())


@receiver(request_finished, dispatch_uid="comments.caching.request_finished")
def forget_request_version(**kwargs):
    _seen.set(None)


def _read_version() -> str | None:
    return _read_row("version", [VERSION_PK])


def _read_row(column, params, where=""):
    with connection.cursor() as cursor:
        cursor.execute(_row_sql(connection, column, where), params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def _row_sql(connection, column, where="") -> str:
    # The version is read on every page view, so in plain SQL: building
    # the same ORM query each time cost more than running it.
    quote = connection.ops.quote_name
    return "SELECT {column} FROM {table} WHERE {pk} = %s{where}".format(
        column=quote(column),
        table=quote(BoardVersion._meta.db_table),
        pk=quote(BoardVersion._meta.pk.column),
        where=where.format(version=quote("version")),
    )


def bump_board_version(render=True) -> str:
    """Make every cached page out of date, and return the new version: call
    after anything they show changes, in the same transaction as the change.

    The front page's list is rendered here, once, and kept in the version's
    row (front_listing() reads it). It is rendered before the row is
    written, and the row is written only if its version is still the one
    read before rendering: no other change committed meanwhile, so the list
    holds them all (MySQL's transactions read what is committed; SQLite's
    writers take turns anyway). Otherwise it is rendered again once the row
    is written and locked until this change commits: a change that comes
    meanwhile waits for it, and its own list holds this one.

    Without RENDER (a comment deleted, which a queryset's delete() does for
    each of its comments in one transaction), the list is rendered once the
    change is committed, unless another version came meanwhile."""
    version = new_version()
    # This request's change: the version its session brought is gone.
    saw_version(None)
    with transaction.atomic():
        current = _read_version()
        if current is None:
            return _create_version(version)
        if not render:
            BoardVersion.objects.filter(pk=VERSION_PK).update(
                version=version, front_page=None
            )
            transaction.on_commit(functools.partial(_render_front_page, version))
            return version
        listing = _front_listing()
        if not BoardVersion.objects.filter(pk=VERSION_PK, version=current).update(
            version=version, front_page=_pickled(listing)
        ):
            BoardVersion.objects.filter(pk=VERSION_PK).update(
                version=version, front_page=None
            )
            listing = _front_listing()
            BoardVersion.objects.filter(pk=VERSION_PK).update(
                front_page=_pickled(listing)
            )
        # This process has it already, once it is the version.
        key = page_key(version, "list", None, None)
        transaction.on_commit(lambda: set_page(key, listing))
    return version


def _render_front_page(version: str) -> None:
    """The front page's list for VERSION, once its change is committed,
    unless another version came since (whose change renders its own)."""
    if _read_version() != version:
        return
    listing = _front_listing()
    if BoardVersion.objects.filter(pk=VERSION_PK, version=version).update(
        front_page=_pickled(listing)
    ):
        set_page(page_key(version, "list", None, None), listing)


def _pickled(listing) -> bytes:
    """The list as the version's row keeps it: pickled with what it must be
    read under (the code's PAGES_FORMAT, the address prefix), and signed
    with the SECRET_KEY, so that the database alone cannot make a web
    process unpickle anything else."""
    data = pickle.dumps((PAGES_FORMAT, get_script_prefix(), listing))
    return _signature(data) + data


def _signature(data: bytes) -> bytes:
    return salted_hmac("comments.caching.front_page", data, algorithm="sha256").digest()


def _front_listing():
    from .listing import Listing

    return Listing.of(Comment.objects.page())


def front_listing(version: str):
    """The front page's list, as the change that made VERSION rendered it
    (bump_board_version()); None if that is not VERSION any more, or it
    was rendered under another address prefix (SCRIPT_NAME)."""
    row = _read_row("front_page", [VERSION_PK, version], " AND {version} = %s")
    if row is None:
        return None
    row = bytes(row)
    signature, data = row[:SIGNATURE_SIZE], row[SIGNATURE_SIZE:]
    if not constant_time_compare(signature, _signature(data)):
        # Written under another SECRET_KEY, or not by the site.
        return None
    pages_format, prefix, listing = pickle.loads(data)
    if pages_format != PAGES_FORMAT or prefix != get_script_prefix():
        return None
    return listing


SIGNATURE_SIZE = 32  # SHA-256's


def _create_version(version: str) -> str:
    try:
        with transaction.atomic():
            return BoardVersion.objects.create(pk=VERSION_PK, version=version).version
    except IntegrityError:
        # Another request made it first; theirs is as new as ours.
        return BoardVersion.objects.values_list("version", flat=True).get(pk=VERSION_PK)


# Change with the shape of anything cached (the Listing, the responses the
# middleware keeps): new code must never read what old code kept in another
# shape. Changed markup alone shows once the pages kept expire.
PAGES_FORMAT = 7


def page_key(version: str, *parts) -> str:
    # Under the address prefix too (SCRIPT_NAME): what is cached holds links.
    return ":".join(
        [
            "comments",
            f"pages{PAGES_FORMAT}",
            version,
            get_script_prefix(),
            *(str(part) for part in parts),
        ]
    )


def response_key(version: str, path: str, query: str) -> str:
    """The key of an anonymous reader's whole response at PATH?QUERY
    (comments.middleware): the address by its digest, since a made-up
    person's name has any length and any character (memcached takes
    neither spaces nor keys over 250 characters)."""
    address = f"{path}?{query}".encode(errors="surrogatepass")
    return page_key(
        version, "page", hashlib.blake2b(address, digest_size=16).hexdigest()
    )


# How long a process leaves the shared level alone after it failed.
SHARED_CACHE_PAUSE_SECONDS = 30

# When this process may try the shared cache again (time.monotonic()).
_shared_cache_paused_until = 0.0


# Every error of the shared level is caught, not a list of them: each of
# Django's backends raises its own client's (redis.RedisError, pymemcache's
# MemcacheError, pylibmc.Error, a DatabaseError from dbcache, an OSError
# from filecache or a socket), with nothing in common but Exception. Only
# the shared level's own calls are inside the try.
def get_page(key: str):
    page = caches["local"].get(key)
    if page is None and (shared := shared_cache()) is not None:
        try:
            page = shared.get(key)
        except Exception as error:
            pause_shared_cache(error)
            return None
        if page is not None:
            caches["local"].set(key, page)
    return page


def set_page(key: str, value) -> None:
    caches["local"].set(key, value)
    if (shared := shared_cache()) is not None:
        try:
            shared.set(key, value)
        except Exception as error:
            pause_shared_cache(error)


@functools.cache
def _has_shared_level() -> bool:
    """Whether the default cache (CACHE_URL) is one other processes see:
    decided once, when the first page asks."""
    return not isinstance(caches["default"], LocMemCache)


@receiver(setting_changed, dispatch_uid="comments.caching.caches_changed")
def caches_changed(*, setting, **kwargs):
    # Tests give CACHES other values: decide again for the new ones.
    if setting == "CACHES":
        _has_shared_level.cache_clear()


def shared_cache():
    """The shared cache, when there is one and it has not failed in the last
    SHARED_CACHE_PAUSE_SECONDS; None otherwise. Also for what else the
    processes count together (comments.limits.count_in_cache), which calls
    pause_shared_cache() on its errors, as the pages do."""
    if not _has_shared_level() or time.monotonic() < _shared_cache_paused_until:
        return None
    # This thread's own client, as Django keeps one per thread.
    return caches["default"]


def pause_shared_cache(error: Exception) -> None:
    global _shared_cache_paused_until
    _shared_cache_paused_until = time.monotonic() + SHARED_CACHE_PAUSE_SECONDS
    logger.warning(
        "Shared cache unavailable, working without it for %s s: %s: %s",
        SHARED_CACHE_PAUSE_SECONDS,
        type(error).__name__,
        error,
    )


@receiver(post_save, sender=Comment, dispatch_uid="comments.caching.comment_saved")
def comment_saved(sender, raw, **kwargs):
    # A fixture's rows (loaddata) come many in one transaction.
    bump_board_version(render=not raw)


@receiver(post_delete, sender=Comment, dispatch_uid="comments.caching.comment_deleted")
def comment_deleted(sender, **kwargs):
    # A queryset's delete() sends this for each of its comments.
    bump_board_version(render=False)


@receiver(post_save, sender=get_user_model(), dispatch_uid="comments.caching.user")
def user_saved(sender, instance, created, update_fields, **kwargs):
    # A new user has no comments yet, and a login (last_login) or a new
    # password changes nothing on the pages; any other save may rename or
    # deactivate (their page goes, their name links nowhere).
    if created:
        return
    if update_fields is not None and not (
        {sender.USERNAME_FIELD, "is_active"} & set(update_fields)
    ):
        return
    bump_board_version()


@receiver(
    post_delete, sender=get_user_model(), dispatch_uid="comments.caching.user_deleted"
)
def user_deleted(sender, **kwargs):
    # Their comments now read "by anonymous".
    bump_board_version()
