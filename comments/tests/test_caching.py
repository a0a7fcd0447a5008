"""
The anonymous pages come from the cache, and no reader ever sees one older
than the last change: each test fills the cache first, changes something the
page shows, and reads the page again.
"""

import datetime
import io
import shutil
import socket
import threading
import time
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.functional import LazyObject, SimpleLazyObject
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments import caching
from comments.caching import (
    board_version,
    bump_board_version,
    get_page,
    page_key,
    response_key,
)
from comments.listing import Listing, reader
from comments.locmem import SizedLocMemCache
from comments.models import BoardVersion, Comment

from .caches import use_cache_url, use_redis
from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGOUT_URL = reverse("logout")


@pytest.fixture
def comment(bob):
    return CommentFactory(content="What bob said first", commenter=bob)


@pytest.fixture
def cached_page(client, comment):
    """The anonymous front page, rendered once so that it is in the cache."""
    assertContains(client.get(LIST_URL), "What bob said first")
    return client


def test_second_anonymous_view_reads_only_the_version(
    cached_page, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = cached_page.get(LIST_URL)
    assertContains(response, "What bob said first")
    assert not response.cookies


def test_old_page_is_cached_too(client, make_comments, django_assert_num_queries):
    comments = make_comments(120)
    query = {"before": comments[60].pk}
    first = client.get(LIST_URL, query)
    with django_assert_num_queries(1):
        second = client.get(LIST_URL, query)
    assert second.content == first.content


def test_posted_comment_shows_at_once(cached_page, bob):
    poster = type(cached_page)()
    poster.force_login(bob)
    poster.post(CREATE_URL, {"content": "Fresh from the oven"})
    assertContains(cached_page.get(LIST_URL), "Fresh from the oven")


def test_edited_comment_shows_its_new_text_at_once(cached_page, bob, comment):
    editor = type(cached_page)()
    editor.force_login(bob)
    response = editor.post(
        reverse("comments:edit", args=[comment.pk]), {"content": "Second thoughts"}
    )
    assert response.status_code == 302
    response = cached_page.get(LIST_URL)
    assertContains(response, "Second thoughts")
    assertNotContains(response, "What bob said first")


def test_deleted_comment_is_gone_at_once(cached_page, bob, comment):
    deleter = type(cached_page)()
    deleter.force_login(bob)
    deleter.post(reverse("comments:delete", args=[comment.pk]))
    assertNotContains(cached_page.get(LIST_URL), "What bob said first")


def test_renamed_user_shows_under_the_new_name_at_once(cached_page, bob):
    bob.username = "robert"
    bob.save()
    response = cached_page.get(LIST_URL)
    assertContains(
        response, ' by <a href="/users/robert/" class="comment-author">robert</a>'
    )
    assertNotContains(response, ">bob</a>")


def test_deleted_user_comments_read_anonymous_at_once(cached_page, bob):
    bob.delete()
    response = cached_page.get(LIST_URL)
    assertContains(response, "What bob said first")
    assertContains(response, ' by <strong class="comment-author">anonymous</strong>')


def test_comments_changed_by_a_queryset_update_show_at_once(cached_page, comment):
    Comment.objects.filter(pk=comment.pk).update(content="Changed in bulk")
    response = cached_page.get(LIST_URL)
    assertContains(response, "Changed in bulk")
    assertNotContains(response, "What bob said first")


def test_comments_changed_through_a_users_related_manager_show_at_once(
    cached_page, bob
):
    bob.comments.update(content="Bob changed his mind")
    assertContains(cached_page.get(LIST_URL), "Bob changed his mind")


def test_bulk_created_comments_show_at_once(cached_page, bob):
    Comment.objects.bulk_create(
        [Comment(content="First of a batch", commenter=bob), Comment(content="Last")]
    )
    response = cached_page.get(LIST_URL)
    assertContains(response, "First of a batch")
    assertContains(response, "What bob said first")


def test_bulk_updated_comments_show_at_once(cached_page, comment):
    comment.content = "Rewritten by bulk_update"
    Comment.objects.bulk_update([comment], ["content"])
    response = cached_page.get(LIST_URL)
    assertContains(response, "Rewritten by bulk_update")
    assertNotContains(response, "What bob said first")


def test_comments_deleted_by_a_queryset_are_gone_at_once(cached_page, comment):
    CommentFactory(content="Stays")
    Comment.objects.filter(pk=comment.pk).delete()
    response = cached_page.get(LIST_URL)
    assertNotContains(response, "What bob said first")
    assertContains(response, "Stays")


def test_a_queryset_that_changes_nothing_keeps_the_version(comment):
    version = board_version()
    assert Comment.objects.filter(pk=comment.pk + 1).update(content="x") == 0
    Comment.objects.bulk_create([])
    assert board_version() == version


def test_a_change_made_in_sql_shows_after_refresh_pages(cached_page, comment):
    change_in_sql(comment, "Fixed in the database console")
    assertContains(cached_page.get(LIST_URL), "What bob said first")
    stdout = io.StringIO()
    call_command("refresh_pages", stdout=stdout)
    assert stdout.getvalue() == (
        f"Board version changed to {board_version()}: every cached page is "
        "rendered again at its next request, on every server.\n"
    )
    response = cached_page.get(LIST_URL)
    assertContains(response, "Fixed in the database console")
    assertNotContains(response, "What bob said first")


def test_users_renamed_by_a_queryset_update_show_after_refresh_pages(cached_page, bob):
    # Django's User queryset is not the site's to change: refresh_pages is
    # what tells the pages of this kind of change.
    get_user_model().objects.filter(pk=bob.pk).update(username="robert")
    assertContains(cached_page.get(LIST_URL), ">bob</a>")
    call_command("refresh_pages", stdout=io.StringIO())
    response = cached_page.get(LIST_URL)
    assertContains(
        response, ' by <a href="/users/robert/" class="comment-author">robert</a>'
    )
    assertNotContains(response, ">bob</a>")


def test_a_login_does_not_change_the_version(client, bob, password):
    version = board_version()
    client.post(reverse("login"), {"username": "bob", "password": password})
    assert board_version() == version


def test_logged_in_reader_is_not_given_the_anonymous_page(cached_page, bob):
    cached_page.force_login(bob)
    response = cached_page.get(LIST_URL)
    assertContains(response, "Post comment")
    assertContains(response, "Log out")


def test_own_comment_has_its_links_after_a_cached_anonymous_view(
    cached_page, bob, comment
):
    cached_page.force_login(bob)
    assertContains(
        cached_page.get(LIST_URL), reverse("comments:edit", args=[comment.pk])
    )


def test_reader_just_logged_out_sees_the_message_on_a_cached_page(cached_page, bob):
    cached_page.force_login(bob)
    response = cached_page.post(LOGOUT_URL, follow=True)
    assertContains(response, "You have been logged out")
    assertContains(response, "What bob said first")


def test_pages_are_cached_per_position(client, make_comments):
    comments = make_comments(120)
    latest = client.get(LIST_URL).content
    older = client.get(LIST_URL, {"before": comments[60].pk}).content
    assert latest != older
    assert client.get(LIST_URL).content == latest


def test_a_user_saved_without_a_change_of_name_keeps_the_version(bob):
    version = board_version()
    bob.set_password("another secret phrase")
    bob.save(update_fields=["password"])
    assert board_version() == version
    assert get_user_model().objects.count() == 1


def test_logged_in_reader_gets_the_cached_list_in_their_own_page(
    cached_page, comment, django_assert_num_queries
):
    cached_page.force_login(UserFactory(username="carol"))
    # The session with its user and the version, in one query: the list
    # comes from the cache.
    with django_assert_num_queries(1):
        response = cached_page.get(LIST_URL)
    assertContains(response, "What bob said first")
    assertContains(response, "csrfmiddlewaretoken")
    assertContains(response, "carol")
    assertNotContains(response, reverse("comments:edit", args=[comment.pk]))
    assertNotContains(response, reverse("comments:delete", args=[comment.pk]))


def test_moderator_sees_delete_links_on_a_cached_list(cached_page, comment):
    cached_page.force_login(
        UserFactory(username="boss", is_staff=True, is_superuser=True)
    )
    assertContains(
        cached_page.get(LIST_URL), reverse("comments:delete", args=[comment.pk])
    )


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def delete_url(comment):
    return reverse("comments:delete", args=[comment.pk])


def test_own_comments_get_their_links_on_the_cached_list(
    cached_page, bob, comment, django_assert_num_queries
):
    carols = CommentFactory(content="Carol here", commenter=UserFactory())
    cached_page.get(LIST_URL)
    cached_page.force_login(bob)
    # The session with its user and the version, in one query: the
    # comments are not read again.
    with django_assert_num_queries(1):
        response = cached_page.get(LIST_URL)
    assertContains(response, f'href="{edit_url(comment)}"', count=1)
    assertContains(response, f'href="{delete_url(comment)}"', count=1)
    assertNotContains(response, edit_url(carols))
    assertNotContains(response, delete_url(carols))


def test_a_lazy_user_not_yet_read_gets_the_same_links_as_the_user(
    rf, bob, comment, django_assert_num_queries
):
    # request.user is a lazy object: the listing reads the user once and
    # works with the object itself (comments.listing.reader), even when
    # nothing has read it before, for its own links and the other apps'.
    carols = CommentFactory(content="Carol here", commenter=UserFactory())
    listing = Listing.of(Comment.objects.page())
    request = rf.get(LIST_URL)
    request.session = {}
    request.user = SimpleLazyObject(lambda: get_user_model().objects.get(pk=bob.pk))
    user = reader(request.user)
    assert not isinstance(user, LazyObject)
    assert user == bob
    with django_assert_num_queries(0):
        html = listing.html_for(request.user, request)
    assert html == listing.html_for(bob, request)
    assert edit_url(comment) in html
    assert edit_url(carols) not in html
    assert reverse("comments:reply", args=[carols.pk]) in html
    assert reverse("moderation:report", args=[carols.pk]) in html
    assert reverse("moderation:report", args=[comment.pk]) not in html


def test_edit_link_goes_when_the_window_closes_though_the_list_is_cached(
    cached_page, bob, comment, settings, django_assert_num_queries
):
    cached_page.force_login(bob)
    assertContains(cached_page.get(LIST_URL), edit_url(comment))
    settings.COMMENTS_EDIT_WINDOW = datetime.timedelta(0)
    # The session, its user and the version: the list is the one kept.
    with django_assert_num_queries(1):
        response = cached_page.get(LIST_URL)
    assertNotContains(response, edit_url(comment))
    assertContains(response, delete_url(comment))


def test_moderator_gets_delete_links_only_on_the_cached_list(cached_page, comment):
    own = CommentFactory(content="Moderator's own")
    cached_page.force_login(own.commenter)
    own.commenter.is_staff = own.commenter.is_superuser = True
    own.commenter.save(update_fields=["is_staff", "is_superuser"])
    response = cached_page.get(LIST_URL)
    assertContains(response, f'href="{delete_url(comment)}"', count=1)
    assertNotContains(response, edit_url(comment))
    assertContains(response, f'href="{edit_url(own)}"', count=1)
    assertContains(response, f'href="{delete_url(own)}"', count=1)


def test_text_that_looks_like_the_links_marker_stays_text(cached_page, bob):
    CommentFactory(content="<!-- links --> sneaky", commenter=UserFactory())
    cached_page.force_login(bob)
    response = cached_page.get(LIST_URL)
    assertContains(response, "&lt;!-- links --&gt; sneaky")
    # Reply on both, Edit and Delete on bob's own, Report on the other:
    # five links, in their places, none at the text.
    assertContains(response, 'class="comment-action"', count=5)


def test_cached_page_keeps_the_headers_of_the_first(cached_page):
    first = cached_page.get(LIST_URL)
    second = cached_page.get(LIST_URL)
    assert second.content == first.content
    assert dict(second.headers) == dict(first.headers)
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_cached_page_still_refuses_a_host_not_allowed(cached_page):
    response = cached_page.get(LIST_URL, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assertNotContains(response, "What bob said first", status_code=400)


@pytest.mark.parametrize(
    "query", ["utm_source=mail", "before=1&after=2", "before=x", "before=01"]
)
def test_pages_are_cached_only_at_the_sites_own_addresses(client, comment, query):
    client.get(f"{LIST_URL}?{query}")
    assert get_page(response_key(board_version(), LIST_URL, query)) is None


@pytest.fixture
def served_under_a_prefix():
    """The site mounted at /board/ by a proxy: Django's WSGI handler sets the
    prefix that reverse() adds from SCRIPT_NAME (the test client does not)."""
    previous = get_script_prefix()
    set_script_prefix("/board/")
    yield "/board"
    set_script_prefix(previous)


def test_pages_are_cached_on_a_site_served_under_a_prefix(
    client, comment, served_under_a_prefix
):
    response = client.get("/", SCRIPT_NAME=served_under_a_prefix)
    assertContains(response, 'href="/board/login/"')
    content, _ = get_page(response_key(board_version(), "/board/", ""))
    assert content == response.content


def test_the_front_pages_path_is_kept_for_each_prefix(client, comment):
    # The path is reversed once for each prefix (comments.middleware), not
    # once for all: under /board/ the front page is /board/, not /.
    client.get(LIST_URL)
    assert get_page(response_key(board_version(), "/", "")) is not None
    previous = get_script_prefix()
    set_script_prefix("/board/")
    try:
        client.get("/", SCRIPT_NAME="/board")
        # Under the prefix's own keys (comments.caching.page_key).
        assert get_page(response_key(board_version(), "/board/", "")) is not None
    finally:
        set_script_prefix(previous)


def test_pages_are_served_from_a_file_cache(client, comment, settings, tmp_path):
    use_cache_url(settings, f"filecache://{tmp_path}")
    assertContains(client.get(LIST_URL), "What bob said first")
    change_behind_the_caches_back(comment)
    # As a process that has not seen the page yet: the file cache has it.
    caches["local"].clear()
    assertContains(client.get(LIST_URL), "What bob said first")
    assert caches["default"].get(response_key(board_version(), LIST_URL, ""))


@pytest.fixture(
    params=["redis", "dbcache", "filecache"],
    ids=[
        "redis-on-a-closed-port",
        "dbcache-without-its-table",
        "filecache-without-its-directory",
    ],
)
def unreachable_cache(request, settings, tmp_path):
    """A shared cache of which every call fails."""
    if request.param == "redis":
        # A port where nothing listens.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        use_redis(settings, f"redis://127.0.0.1:{port}/0")
    elif request.param == "dbcache":
        # createcachetable never ran: every call is a DatabaseError.
        use_cache_url(settings, "dbcache://comments_no_such_cache_table")
    else:
        # Its directory made at start-up, then replaced by a file: every
        # call is an OSError.
        use_cache_url(settings, f"filecache://{tmp_path / 'cache'}")
        caches["default"].set("probe", "here")
        shutil.rmtree(tmp_path / "cache")
        (tmp_path / "cache").write_text("")


def test_pages_are_rendered_while_the_cache_is_unreachable(
    client, bob, comment, unreachable_cache, caplog
):
    assertContains(client.get(LIST_URL), "What bob said first")
    assert "Shared cache unavailable" in caplog.text
    client.force_login(bob)
    response = client.post(CREATE_URL, {"content": "Posted with no cache"}, follow=True)
    assertContains(response, "Posted with no cache")
    assertContains(response, "What bob said first")


class SilentServer:
    """A TCP server that accepts every connection and never says a word, as
    a Redis that hangs; counts the connections it was sent."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)
        self.port = self.socket.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                self.connections.append(self.socket.accept()[0])
            except TimeoutError:
                continue

    def close(self):
        self._stop.set()
        self._thread.join(5)
        for accepted in self.connections:
            accepted.close()
        self.socket.close()


@pytest.fixture
def hung_cache(settings):
    """Redis as the shared cache at a server that never answers. Its socket
    timeout is twice what settings.py gives CACHE_URL's Redis, so that a
    page that waits for it stands well apart from one rendered on a busy
    machine."""
    server = SilentServer()
    use_redis(
        settings,
        f"redis://127.0.0.1:{server.port}/0",
        OPTIONS={"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
    )
    yield server
    server.close()


# The hung cache's socket timeout, in seconds.
TIMEOUT = 2


def timed_get(client, *args):
    started = time.monotonic()
    response = client.get(*args)
    return response, time.monotonic() - started


def test_a_hung_shared_cache_costs_a_page_one_timeout(client, comment, hung_cache):
    response, elapsed = timed_get(client, LIST_URL)
    assertContains(response, "What bob said first")
    # One socket timeout, not one for each of the four uses of the cache.
    assert elapsed < 2 * TIMEOUT
    assert len(hung_cache.connections) == 1


def test_after_a_timeout_pages_do_not_wait_on_the_shared_cache(
    client, make_comments, hung_cache
):
    comments = make_comments(120)
    client.get(LIST_URL)
    # Pages this process has not cached yet, which only Redis could hold.
    for comment in comments[1:100:20]:
        response, elapsed = timed_get(client, LIST_URL, {"before": comment.pk})
        assert response.status_code == 200
        # Less than a socket timeout, even on a busy machine.
        assert elapsed < TIMEOUT
    # Not even a connection tried.
    assert len(hung_cache.connections) == 1


def test_the_shared_cache_is_tried_again_after_the_pause(
    client, make_comments, hung_cache, monkeypatch
):
    comments = make_comments(120)
    client.get(LIST_URL)
    monkeypatch.setattr(
        caching,
        "_shared_cache_paused_until",
        time.monotonic() - 1,
    )
    response, elapsed = timed_get(client, LIST_URL, {"before": comments[60].pk})
    assert response.status_code == 200
    assert len(hung_cache.connections) == 2
    assert TIMEOUT <= elapsed < 2 * TIMEOUT


def test_the_shared_cache_is_a_redis_of_the_tests_own(shared_cache, redis_server):
    shared_cache.set("probe", "here")
    own = redis.Redis.from_url(redis_server.url())
    try:
        assert own.keys("*:probe")
    finally:
        own.close()


def change_behind_the_caches_back(comment):
    # In SQL, as from a database console: the version stays, so only a page
    # rendered anew shows the new text.
    change_in_sql(comment, "Changed quietly")


def change_in_sql(comment, content):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE {table} SET {content} = %s WHERE {pk} = %s".format(
                table=connection.ops.quote_name(Comment._meta.db_table),
                content=connection.ops.quote_name("content"),
                pk=connection.ops.quote_name(Comment._meta.pk.column),
            ),
            [content, comment.pk],
        )


def test_a_page_from_the_shared_cache_is_kept_by_the_process(
    client, comment, shared_cache
):
    assertContains(client.get(LIST_URL), "What bob said first")
    change_behind_the_caches_back(comment)
    shared_cache.clear()
    # Served from this process's own copy: the shared cache has nothing.
    assertContains(client.get(LIST_URL), "What bob said first")


def test_a_page_another_process_cached_is_read_from_the_shared_cache(
    client, comment, shared_cache
):
    assertContains(client.get(LIST_URL), "What bob said first")
    change_behind_the_caches_back(comment)
    # As a process that has not seen the page yet.
    caches["local"].clear()
    assertContains(client.get(LIST_URL), "What bob said first")
    assert shared_cache.get(response_key(board_version(), LIST_URL, "")) is not None


def test_a_post_shows_at_once_with_a_shared_cache(client, bob, comment, shared_cache):
    assertContains(client.get(LIST_URL), "What bob said first")
    poster = type(client)()
    poster.force_login(bob)
    poster.post(CREATE_URL, {"content": "Fresh from the oven"})
    assertContains(client.get(LIST_URL), "Fresh from the oven")


def test_a_comment_template_without_the_links_marker_is_refused(settings, comment):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"comments/comment.html": "<article>{{ comment }}</article>"},
                    ),
                    "django.template.loaders.filesystem.Loader",
                ],
            },
        }
    ]
    # As a new process would start: without the comments rendered before.
    caches["local"].clear()
    with pytest.raises(ImproperlyConfigured, match="links"):
        Listing.of(Comment.objects.page())


@pytest.mark.django_db(transaction=True)
def test_a_comment_is_saved_in_one_transaction_with_the_pages_version(bob):
    # Not inside a test's own transaction: what commits when is real here.
    in_transaction = []

    def record(**kwargs):
        in_transaction.append(connection.in_atomic_block)

    post_save.connect(record, sender=Comment)
    try:
        comment = CommentFactory(commenter=bob)
        comment.content = "Changed"
        comment.save(update_fields=["content"])
    finally:
        post_save.disconnect(record, sender=Comment)
    assert in_transaction == [True, True]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "write",
    [
        lambda comment: Comment.objects.filter(pk=comment.pk).update(content="x"),
        lambda comment: Comment.objects.bulk_create([Comment(content="y")]),
        lambda comment: Comment.objects.bulk_create_keeping_times(
            [Comment(content="z", posted=None)]
        ),
    ],
    ids=["update", "bulk_create", "bulk_create_keeping_times"],
)
def test_a_bulk_write_is_in_one_transaction_with_the_pages_version(write, bob):
    # Not inside a test's own transaction: what commits when is real here.
    comment = CommentFactory(commenter=bob)
    version = board_version()
    in_transaction = []

    def record(execute, sql, params, many, context):
        # SQLite's BEGIN (IMMEDIATE, settings.py) is sent just before the
        # transaction counts as begun.
        if not sql.startswith("BEGIN"):
            in_transaction.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        write(comment)
    assert board_version() != version
    assert in_transaction and all(in_transaction)


def made_up_positions(comments, count=300):
    """What an attacker asks for: ids no comment has, between and beyond
    the comments', each once."""
    taken = {comment.pk for comment in comments}
    gaps = [n for n in range(1, max(taken) + 10) if n not in taken]
    huge = [10**18 - n for n in range(count - len(gaps))]
    return [{"before": n} for n in gaps + huge]


@pytest.fixture
def board_with_gaps(make_comments):
    """120 comments, every third deleted: ids that are no comment's."""
    comments = make_comments(120)
    Comment.objects.filter(pk__in=[c.pk for c in comments[::3]]).delete()
    return [c for c in comments if c.pk % 3 != comments[0].pk % 3]


def local_keys():
    """The pages kept in this process's memory (comments.caching.page_key),
    without the comments each is made of, kept once each whatever the
    positions asked (comments.listing.comment_html)."""
    # LocMemCache has no way to list its keys but its own dictionary.
    return {key for key in caches["local"]._cache if ":comments:pages" in key}


def test_made_up_positions_fill_no_cache(client, board_with_gaps):
    for query in made_up_positions(board_with_gaps):
        response = client.get(LIST_URL, query)
        assert response.status_code == 302
    assert local_keys() == set()


def test_made_up_positions_lead_to_pages_at_comments_ids(client, board_with_gaps):
    ids = {str(comment.pk) for comment in board_with_gaps}
    cached = set()
    for query in made_up_positions(board_with_gaps)[:40]:
        response = client.get(LIST_URL, query, follow=True)
        assert response.status_code == 200
        position = response.request["QUERY_STRING"].partition("=")[2]
        assert position in ids | {"", "0"}
        cached.add(position)
    # The response, its list and the page around it (comments.frames) for
    # each page shown, nothing more.
    assert len(local_keys()) == 3 * len(cached)


def test_made_up_positions_fill_no_shared_cache(client, board_with_gaps, shared_cache):
    for query in made_up_positions(board_with_gaps):
        client.get(LIST_URL, query)
    redis = shared_cache._cache.get_client()
    prefix = shared_cache.key_prefix
    assert list(redis.scan_iter(f"{prefix}:*")) == []
    assert local_keys() == set()


def test_local_cache_keeps_under_its_size_in_bytes(client, settings):
    # Comments as long as they may be, in markup that escaping lengthens:
    # a page of them weighs about a megabyte.
    comments = Comment.objects.bulk_create(
        [Comment(content=("<&>" * 1400)[:4096]) for _ in range(200)]
    )
    bump_board_version()
    max_bytes = 4 * 1024 * 1024
    local = settings.CACHES["local"]
    options = {**local.get("OPTIONS", {}), "MAX_BYTES": max_bytes}
    settings.CACHES = {**settings.CACHES, "local": {**local, "OPTIONS": options}}
    for comment in comments[1::10]:
        assert client.get(LIST_URL, {"before": comment.pk}).status_code == 200
        assert stored_bytes(caches["local"]) <= max_bytes
    # The most recent pages are kept, up to the bound.
    assert len(local_keys()) >= 2
    latest = response_key(board_version(), LIST_URL, f"before={comment.pk}")
    assert caches["local"].get(latest) is not None


def stored_bytes(cache):
    return sum(len(value) for value in cache._cache.values())


@pytest.fixture
def sized_cache():
    cache = SizedLocMemCache(
        f"test-{uuid.uuid4().hex}", {"OPTIONS": {"MAX_BYTES": 10_000}}
    )
    yield cache
    cache.clear()


def test_sized_cache_drops_the_least_recently_used_beyond_its_bytes(sized_cache):
    for n in range(5):
        sized_cache.set(f"page{n}", b"x" * 3000)
        assert sized_cache.total_bytes == stored_bytes(sized_cache)
        assert sized_cache.total_bytes <= 10_000
    assert sized_cache.get("page0") is None
    assert sized_cache.get("page1") is None
    assert sized_cache.get("page4") == b"x" * 3000


def test_sized_cache_keeps_what_was_read_lately(sized_cache):
    for n in range(3):
        sized_cache.set(f"page{n}", b"x" * 3000)
    sized_cache.get("page0")
    sized_cache.set("page3", b"x" * 3000)
    assert sized_cache.get("page0") is not None
    assert sized_cache.get("page1") is None


def test_sized_cache_does_not_keep_a_value_bigger_than_its_bound(sized_cache):
    sized_cache.set("small", b"x" * 100)
    sized_cache.set("huge", b"x" * 20_000)
    assert sized_cache.get("huge") is None
    assert sized_cache.get("small") == b"x" * 100


def test_sized_cache_counts_a_replaced_or_deleted_value_once(sized_cache):
    sized_cache.set("page", b"x" * 3000)
    sized_cache.set("page", b"x" * 1000)
    sized_cache.set("counter", 1)
    sized_cache.incr("counter", 10**100)
    assert sized_cache.total_bytes == stored_bytes(sized_cache)
    sized_cache.delete("page")
    sized_cache.delete("counter")
    assert sized_cache.total_bytes == 0
    sized_cache.set("page", b"x" * 3000)
    sized_cache.clear()
    assert sized_cache.total_bytes == 0


def test_sized_cache_forgets_the_size_of_an_expired_value(sized_cache):
    sized_cache.set("page", b"x" * 3000, timeout=-1)
    assert sized_cache.get("page") is None
    assert sized_cache.total_bytes == 0


def test_sized_cache_still_bounds_the_number_of_entries():
    cache = SizedLocMemCache(
        f"test-{uuid.uuid4().hex}", {"OPTIONS": {"MAX_ENTRIES": 10}}
    )
    for n in range(100):
        cache.set(f"page{n}", n)
    assert len(cache._cache) <= 10
    assert cache.total_bytes == stored_bytes(cache)


def test_sized_cache_deletes_what_a_plain_cache_stored_under_its_name():
    from django.core.cache.backends.locmem import LocMemCache

    name = f"test-{uuid.uuid4().hex}"
    LocMemCache(name, {}).set("page", "stored before the sizes were counted")
    cache = SizedLocMemCache(name, {})
    assert cache.delete("page")
    assert cache.get("page") is None
    assert cache.total_bytes == 0


def stored_front_page():
    """The front page's list kept in the version's row, as its readers get
    it (comments.caching.front_listing)."""
    return caching.front_listing(board_version())


def test_a_change_renders_the_front_pages_list_for_its_version(bob):
    CommentFactory(content="First", commenter=bob)
    second = CommentFactory(content="Second, *in Markdown*", commenter=bob)
    stored = stored_front_page()
    assert stored is not None
    fresh = Listing.of(Comment.objects.page())
    assert stored.pieces == fresh.pieces
    assert stored.readers_html == fresh.readers_html
    assert stored.comments[-1][0] == second.pk


def test_the_front_pages_list_is_not_taken_under_another_prefix(bob):
    CommentFactory(content="Links under /", commenter=bob)
    assert stored_front_page() is not None
    previous = get_script_prefix()
    set_script_prefix("/board/")
    try:
        # Its links lead under /, not /board/: the page is rendered anew.
        assert stored_front_page() is None
    finally:
        set_script_prefix(previous)


def test_a_reader_after_a_change_gets_the_front_page_without_rendering_its_list(
    client, bob, django_assert_num_queries
):
    CommentFactory(content="Fresh", commenter=bob)
    # The version, and the list the change rendered: no query of comments.
    with django_assert_num_queries(2) as queries:
        response = client.get(LIST_URL)
    assertContains(response, "Fresh")
    assert not any(Comment._meta.db_table in q["sql"] for q in queries.captured_queries)


# MySQL's locks (SQLite's writers take turns; its tests' in-memory database
# refuses a second writer at once rather than have it wait).
@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_each_render_the_other(bob, monkeypatch):
    # Not inside a test's own transaction: what commits when is real here.
    # The second is saved while the first renders: the list kept last must
    # hold both.
    render = caching._front_listing
    rendering, saved = threading.Event(), threading.Event()

    def slow_render():
        listing = render()
        if threading.current_thread().name == "first":
            # Rendered without the second, which is saved meanwhile.
            rendering.set()
            saved.wait(timeout=2)
        return listing

    monkeypatch.setattr(caching, "_front_listing", slow_render)
    bump_board_version()  # the version's row, made
    errors = []

    def post(content):
        try:
            Comment.objects.create(content=content, commenter=bob)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=post, args=["first"], name="first")
    first.start()
    assert rendering.wait(timeout=5)
    second = threading.Thread(target=post, args=["second"], name="second")
    second.start()
    # The second commits first, its list without the first, not committed
    # yet (it may also wait for the first: either is right).
    second.join(timeout=1)
    saved.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert not errors
    stored = stored_front_page()
    contents = "".join(stored.pieces)
    assert "first" in contents and "second" in contents


@pytest.mark.django_db(transaction=True)
def test_the_process_that_makes_a_version_keeps_its_front_pages_list(bob):
    # Not inside a test's own transaction: it is kept once committed.
    bump_board_version()
    CommentFactory(content="Kept here", commenter=bob)
    kept = caches["local"].get(page_key(board_version(), "list", None, None))
    assert kept is not None
    assert "Kept here" in "".join(kept.pieces)


def test_a_front_page_written_by_other_code_or_under_another_key_is_not_read(
    bob, settings, monkeypatch
):
    CommentFactory(content="Signed", commenter=bob)
    version = board_version()
    assert caching.front_listing(version) is not None
    # A change of the code's shape of what is cached.
    with monkeypatch.context() as patched:
        patched.setattr(caching, "PAGES_FORMAT", caching.PAGES_FORMAT + 1)
        assert caching.front_listing(version) is None
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-" * 2
    assert caching.front_listing(version) is None
    # Not signed by the site at all: never unpickled.
    row = caching.BoardVersion.objects.get()
    row.front_page = b"\0" * 32 + b"cos\nsystem\n(S'echo no'\ntR."
    row.save()
    settings.SECRET_KEY = "test-only-secret-key-not-for-production"
    assert caching.front_listing(version) is None


def test_a_deleted_comment_leaves_the_list_to_be_rendered_after_the_commit(
    client, bob, django_capture_on_commit_callbacks, monkeypatch
):
    comments = [CommentFactory(content=f"Gone {n}", commenter=bob) for n in range(3)]
    rendered = []
    render = caching._front_listing
    monkeypatch.setattr(
        caching, "_front_listing", lambda: rendered.append(1) or render()
    )
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk__in=[c.pk for c in comments]).delete()
    # The queryset's delete() replaced the version for each comment; the
    # list was rendered once, for the last.
    assert len(rendered) == 1
    stored = caching.front_listing(board_version())
    assert stored is not None and stored.comments == []
    assertContains(client.get(LIST_URL), "No comments yet.")


def test_a_request_that_changes_the_board_reads_the_version_again():
    # The version its session brought is the one before its change.
    caching.watch_request_version()
    try:
        caching.saw_version(board_version())
        version = bump_board_version()
        assert board_version() == version
    finally:
        caching.forget_request_version()


def test_a_version_seen_outside_a_request_is_not_kept():
    # A session read by a command or the worker: the next change would
    # leave its version behind.
    caching.forget_request_version()
    caching.saw_version("read-by-a-command")
    assert board_version() != "read-by-a-command"


def test_a_version_seen_goes_with_its_request(client, bob, comment):
    client.force_login(bob)
    client.get(LIST_URL)
    # After the request, nothing kept: a session read now (a command's)
    # leaves no version behind.
    caching.saw_version("seen-after-the-request")
    assert board_version() != "seen-after-the-request"


def test_each_request_reads_its_own_version(client, bob, comment):
    reader = Client()
    reader.force_login(bob)
    reader.get(LIST_URL)
    # Another process's change, then a request with no session to read.
    BoardVersion.objects.update(version="from-another-process")
    response = client.get(LIST_URL)
    assert response.wsgi_request.board_version == "from-another-process"
