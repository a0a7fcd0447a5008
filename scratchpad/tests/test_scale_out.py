"""
Several app servers behind a load balancer, sharing one database: each is a
gunicorn process (as `make serve` runs it), and any of them can answer any
request, because sessions live in the database and nothing in local files.
"""

import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import PASSWORD

from .processes import Browser, site_shell

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGIN_URL = reverse("login")


@pytest.fixture
def alice(shared_database_url):
    code = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user('alice', password={PASSWORD!r})"
    )
    site_shell(shared_database_url, code)
    return "alice"


@pytest.fixture
def two_app_servers(shared_database_url, start_app_server):
    return start_app_server(shared_database_url), start_app_server(shared_database_url)


def log_in(browser, server, username):
    response = browser.submit(
        server.url + LOGIN_URL,
        server.url + LOGIN_URL,
        {"username": username, "password": PASSWORD},
    )
    assert response.status == 302, response.text
    assert response.headers["Location"] == settings.LOGIN_REDIRECT_URL


def test_a_comment_posted_through_one_server_is_listed_by_the_other(
    two_app_servers, alice
):
    first, second = two_app_servers
    browser = Browser()
    log_in(browser, first, alice)
    response = browser.submit(
        first.url + LIST_URL, first.url + CREATE_URL, {"content": "Hello from one"}
    )
    assert response.status == 302
    page = Browser().get(second.url + LIST_URL)
    assert page.status == 200
    assert "Hello from one" in page.text
    assert ' by <a href="/users/alice/" class="comment-author">alice</a>' in page.text


def test_a_login_made_on_one_server_is_valid_on_the_other(two_app_servers, alice):
    first, second = two_app_servers
    browser = Browser()
    log_in(browser, first, alice)
    page = browser.get(second.url + LIST_URL)
    assert "Log out" in page.text
    assert "Post comment" in page.text
    response = browser.submit(
        second.url + LIST_URL, second.url + CREATE_URL, {"content": "Hello from two"}
    )
    assert response.status == 302
    assert "Hello from two" in Browser().get(first.url + LIST_URL).text


def test_a_logout_on_one_server_ends_the_session_on_the_other(two_app_servers, alice):
    first, second = two_app_servers
    browser = Browser()
    log_in(browser, first, alice)
    response = browser.submit(second.url + LIST_URL, second.url + reverse("logout"), {})
    assert response.status == 302
    assert "Log out" not in browser.get(first.url + LIST_URL).text


def test_static_files_are_hashed_and_cached_for_good(
    shared_database_url, start_app_server
):
    server = start_app_server(shared_database_url)
    page = Browser().get(server.url + LIST_URL)
    stylesheet = re.search(
        r'href="(/static/bootstrap/css/bootstrap\.min\.\w+\.css)"', page.text
    )
    assert stylesheet, "the stylesheet's name carries no content hash"
    response = Browser().get(server.url + stylesheet[1])
    assert response.status == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_a_page_cached_by_one_server_shows_a_comment_posted_through_the_other(
    two_app_servers, alice
):
    # Each server keeps its own cache (local memory, the default); the
    # version each checks in the database tells the second of the post.
    first, second = two_app_servers
    reader = Browser()
    for _ in range(3):
        assert "Hello again" not in reader.get(second.url + LIST_URL).text
    browser = Browser()
    log_in(browser, first, alice)
    response = browser.submit(
        first.url + LIST_URL, first.url + CREATE_URL, {"content": "Hello again"}
    )
    assert response.status == 302
    assert "Hello again" in reader.get(second.url + LIST_URL).text


def test_pages_shared_in_redis_show_a_comment_posted_through_the_other_server(
    shared_database_url, start_app_server, alice, redis_server
):
    # Both servers keep the pages in one Redis (CACHE_URL), and each its own
    # copy of those it has read; the version in the database still tells
    # the second of the post at once. A database of the tests' own Redis,
    # emptied first.
    cache_url = redis_server.url(1)
    shared = redis.Redis.from_url(cache_url)
    shared.flushdb()
    first, second = (
        start_app_server(shared_database_url, CACHE_URL=cache_url) for _ in range(2)
    )
    reader = Browser()
    for server in (first, second, second):
        assert "Hello from the first" not in reader.get(server.url + LIST_URL).text
    browser = Browser()
    log_in(browser, first, alice)
    response = browser.submit(
        first.url + LIST_URL,
        first.url + CREATE_URL,
        {"content": "Hello from the first"},
    )
    assert response.status == 302
    assert "Hello from the first" in reader.get(second.url + LIST_URL).text
    assert "Hello from the first" in reader.get(first.url + LIST_URL).text
    assert shared.keys("*comments:pages*"), "the servers kept nothing in Redis"
    shared.flushdb()


def test_a_redis_that_stops_answering_costs_a_page_seconds_not_a_worker(
    shared_database_url, start_app_server
):
    # A port that takes connections (the kernel's backlog) and never says a
    # word, as a Redis that hangs.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        server = start_app_server(
            shared_database_url, CACHE_URL=f"redis://127.0.0.1:{port}/0"
        )
        started = time.monotonic()
        response = Browser().get(server.url + LIST_URL)
        elapsed = time.monotonic() - started
    assert response.status == 200
    assert "No comments yet." in response.text
    # The cache's timeouts (a second each), well below gunicorn's 30.
    assert elapsed < 10


def test_posts_through_two_servers_are_limited_as_one(
    shared_database_url, start_app_server, alice
):
    first, second = (
        start_app_server(shared_database_url, COMMENTS_RATE_LIMIT="3/m")
        for _ in range(2)
    )
    browser = Browser()
    log_in(browser, first, alice)
    statuses = [
        browser.submit(
            server.url + LIST_URL, server.url + CREATE_URL, {"content": f"Post {n}"}
        ).status
        for n, server in enumerate([first, second, first, second])
    ]
    assert statuses == [302, 302, 302, 429]
    refused = browser.submit(
        first.url + LIST_URL, first.url + CREATE_URL, {"content": "Post 5"}
    )
    assert refused.status == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "You are posting too fast." in refused.text
    page = Browser().get(second.url + LIST_URL).text
    assert [f"Post {n}" in page for n in range(5)] == [True] * 3 + [False] * 2


def test_the_same_post_sent_at_once_through_two_servers_is_stored_once(
    shared_database_url, start_app_server, alice
):
    servers = [start_app_server(shared_database_url) for _ in range(2)]
    browser = Browser()
    log_in(browser, servers[0], alice)
    page = browser.get(servers[0].url + LIST_URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    start_together = threading.Barrier(8, timeout=30)

    def send(server):
        start_together.wait()
        fields = {"csrfmiddlewaretoken": token, "content": "Only once"}
        return browser.post(server.url + CREATE_URL, fields).status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, servers * 4))
    assert statuses == [302] * 8
    assert Browser().get(servers[1].url + LIST_URL).text.count("Only once") == 1
