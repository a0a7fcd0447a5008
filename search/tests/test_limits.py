"""How often one reader may search (search.limits)."""

import socket

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments.tests.caches import use_redis
from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = reverse("search:search")


@pytest.fixture
def two_a_minute(settings, clock):
    settings.SEARCH_RATE_LIMIT = ((2, 60),)
    return clock


def search(client, q="walrus", **extra):
    return client.get(SEARCH, {"q": q}, **extra)


def test_a_search_over_the_limit_says_when_to_try_again(client, two_a_minute):
    comment = CommentFactory(content="The walrus said")
    for _ in range(2):
        assertContains(search(client), f'id="comment-{comment.pk}"')
    response = search(client)
    # 45 s to the end of the minute (the clock starts 15 s into it).
    assertContains(
        response,
        "You are searching too fast. Try again in 45 seconds.",
        status_code=429,
    )
    assert response["Retry-After"] == "45"
    assertNotContains(response, f'id="comment-{comment.pk}"', status_code=429)
    # What was typed stays in the box.
    assertContains(response, 'value="walrus"', status_code=429)


def test_searching_again_once_the_window_is_over(client, two_a_minute):
    search(client)
    search(client)
    assert search(client).status_code == 429
    two_a_minute(44)
    assert search(client)["Retry-After"] == "1"
    two_a_minute(1)
    assert search(client).status_code == 200


def test_a_refused_search_is_not_counted(client, settings, clock):
    settings.SEARCH_RATE_LIMIT = ((2, 60), (3, 3600))
    search(client)
    search(client)
    for _ in range(5):
        assert search(client).status_code == 429
    clock(60)
    # The hour has counted two searches, not seven.
    assert search(client).status_code == 200
    response = search(client)
    assert response.status_code == 429
    # Until the hour is over: 60 + 15 s of it are gone.
    assert response["Retry-After"] == str(3600 - 75)


def test_the_longest_wait_is_the_one_given(client, settings, clock):
    settings.SEARCH_RATE_LIMIT = ((1, 60), (1, 3600))
    search(client)
    assert search(client)["Retry-After"] == str(3600 - 15)


def test_a_box_with_nothing_to_search_for_is_not_counted(client, two_a_minute):
    for q in ["", "a", "the", "   "]:
        assert search(client, q).status_code == 200
    assert search(client).status_code == 200
    assert search(client).status_code == 200
    assert search(client).status_code == 429


def test_each_address_is_counted_apart(client, two_a_minute):
    for _ in range(2):
        search(client, REMOTE_ADDR="192.0.2.1")
    assert search(client, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert search(client, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_an_ipv6_block_of_64_is_one_reader(client, two_a_minute):
    search(client, REMOTE_ADDR="2001:db8:1:2::1")
    search(client, REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert search(client, REMOTE_ADDR="2001:db8:1:2::abcd").status_code == 429
    assert search(client, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_behind_a_proxy_the_clients_address_is_counted(client, settings, two_a_minute):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    for _ in range(2):
        search(client, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert search(client, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # The proxy's own address is the same; the client's is not.
    assert search(client, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_a_user_is_counted_apart_from_their_address(client, two_a_minute):
    search(client)
    search(client)
    assert search(client).status_code == 429
    user = UserFactory()
    client.force_login(user)
    for _ in range(2):
        assert search(client).status_code == 200
    assert search(client).status_code == 429
    # Wherever they log in from.
    elsewhere = Client(REMOTE_ADDR="192.0.2.9")
    elsewhere.force_login(user)
    assert search(elsewhere).status_code == 429


def test_staff_are_not_limited(client, two_a_minute):
    client.force_login(UserFactory(is_staff=True))
    for _ in range(5):
        assert search(client).status_code == 200


def test_the_counts_are_shared_through_the_shared_cache(
    client, two_a_minute, shared_cache
):
    search(client)
    search(client)
    # As another process: none of this one's memory.
    caches["local"].clear()
    assert search(client).status_code == 429


def test_searches_are_limited_while_the_shared_cache_is_unreachable(
    client, settings, two_a_minute, caplog
):
    # A port where nothing listens.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    use_redis(settings, f"redis://127.0.0.1:{port}/0")
    comment = CommentFactory(content="The walrus said")
    assertContains(search(client), f'id="comment-{comment.pk}"')
    assert "Shared cache unavailable" in caplog.text
    # Counted in this process's own memory meanwhile.
    search(client)
    assert search(client).status_code == 429
