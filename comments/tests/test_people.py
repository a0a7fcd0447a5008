"""People's pages: /users/<username>/."""

import datetime
import re
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def user_url(name):
    return reverse("comments:user", args=[name])


def article_ids(response):
    return [
        int(pk) for pk in re.findall(r'id="comment-(\d+)"', response.content.decode())
    ]


@pytest.fixture
def alice():
    return UserFactory(
        username="alice",
        date_joined=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC),
    )


@pytest.fixture
def alices_comments(alice):
    Comment.objects.bulk_create(
        Comment(content=f"Alice says {n}", commenter=alice) for n in range(1, 121)
    )
    CommentFactory(content="Someone else")
    return list(Comment.objects.filter(commenter=alice).order_by("pk"))


def test_page_shows_how_many_and_since_when(client, alices_comments):
    response = client.get(user_url("alice"))
    assertContains(response, "120 comments since joining on")
    assertContains(response, "5 March 2024")


def test_page_lists_only_their_comments_newest_first_fifty_a_page(
    client, alices_comments
):
    response = client.get(user_url("alice"))
    ids = article_ids(response)
    assert ids == [c.pk for c in reversed(alices_comments)][:50]
    assertContains(response, f'href="{user_url("alice")}?before={ids[-1]}"')


def test_older_pages_follow_by_position_to_the_end(client, alices_comments):
    seen, url = [], user_url("alice")
    while url:
        response = client.get(url)
        seen += article_ids(response)
        older = response.context["older_url"]
        url = older
    assert seen == [c.pk for c in reversed(alices_comments)]


def test_position_that_is_not_their_comment_redirects_to_its_page(
    client, alices_comments
):
    other = Comment.objects.get(content="Someone else")
    response = client.get(user_url("alice"), {"before": other.pk})
    # Nothing of alice's is newer than the other's comment: the newest page.
    assertRedirects(response, user_url("alice"))
    response = client.get(user_url("alice"), {"before": alices_comments[60].pk + 1000})
    assert response.status_code == 302


@pytest.mark.parametrize("query", [{"before": "x"}, {"before": "-1"}, {"after": "3"}])
def test_bad_position_is_a_400(client, alice, query):
    assert client.get(user_url("alice"), query).status_code == 400


def test_unknown_user_is_a_404(client):
    assert client.get(user_url("nobody")).status_code == 404


def test_inactive_user_is_a_404(client):
    UserFactory(username="gone", is_active=False)
    assert client.get(user_url("gone")).status_code == 404


def test_every_by_name_links_to_the_persons_page(client, alice):
    CommentFactory(commenter=alice)
    CommentFactory(commenter=None)
    page = client.get(reverse("comments:list")).content.decode()
    assert f'by <a href="{user_url("alice")}" class="comment-author">alice</a>' in page
    assert 'by <strong class="comment-author">anonymous</strong></span>' in page


def test_an_inactive_author_is_named_without_a_link(client):
    CommentFactory(commenter=UserFactory(username="gone", is_active=False))
    assertContains(
        client.get(reverse("comments:list")),
        'by <strong class="comment-author">gone</strong></span>',
    )


def test_names_with_dots_and_at_signs_have_their_page(client):
    UserFactory(username="j.doe@home+x")
    assert client.get(user_url("j.doe@home+x")).status_code == 200


def test_logged_in_reader_gets_reply_and_own_links_there(bob_client, bob, alice):
    theirs = CommentFactory(commenter=alice)
    response = bob_client.get(user_url("alice"))
    assertContains(response, reverse("comments:reply", args=[theirs.pk]))
    mine = CommentFactory(commenter=bob)
    response = bob_client.get(user_url("bob"))
    assertContains(response, reverse("comments:edit", args=[mine.pk]))


@pytest.mark.parametrize("logged_in", [False, True])
def test_page_costs_a_fixed_number_of_queries(
    client, alices_comments, django_assert_max_num_queries, logged_in
):
    if logged_in:
        client.force_login(UserFactory())
    for comment in alices_comments[::10]:
        CommentFactory(parent=comment)
    # (The session and the user,) the person, the version, the page, its
    # replies and the count.
    with django_assert_max_num_queries(5 + 2 * logged_in):
        client.get(user_url("alice"))
    # Then from the cache: the version, with the session and the user for
    # a logged-in reader, then the person; an anonymous one gets the whole
    # page (comments.middleware).
    with django_assert_max_num_queries(1 + logged_in):
        response = client.get(user_url("alice"))
    assertContains(response, "120 comments since joining")


def test_new_comment_shows_on_their_page_at_once(client, alice):
    client.get(user_url("alice"))
    CommentFactory(commenter=alice, content="Fresh words", posted=timezone.now())
    assertContains(client.get(user_url("alice")), "Fresh words")


@pytest.mark.mysql
def test_name_in_another_case_leads_to_the_one_address(client, alice):
    # MySQL's collation finds "ALICE" as alice: the page has one address.
    response = client.get(user_url("ALICE"))
    assertRedirects(response, user_url("alice"), status_code=301)


def test_an_anonymous_reader_gets_the_page_whole_from_the_cache(
    client, alices_comments, django_assert_num_queries
):
    first = client.get(user_url("alice"))
    with django_assert_num_queries(1):  # the version
        second = client.get(user_url("alice"))
    assert second.content == first.content
    assert not second.cookies


def test_a_renamed_persons_page_moves_at_once(client, alice):
    CommentFactory(commenter=alice, content="Still mine")
    assertContains(client.get(user_url("alice")), "Still mine")
    alice.username = "alicia"
    alice.save()
    assert client.get(user_url("alice")).status_code == 404
    assertContains(client.get(user_url("alicia")), "Still mine")


@pytest.mark.parametrize("update_fields", [None, ["is_active"]])
def test_a_deactivated_persons_page_is_gone_at_once(client, alice, update_fields):
    assertContains(client.get(user_url("alice")), "since joining")
    alice.is_active = False
    alice.save(update_fields=update_fields)
    assert client.get(user_url("alice")).status_code == 404


def test_a_page_that_was_not_found_is_not_kept(client):
    assert client.get(user_url("zed")).status_code == 404
    UserFactory(username="zed")
    assertContains(client.get(user_url("zed")), "0 comments since joining")


def test_any_name_asked_for_makes_a_key_any_cache_takes(client):
    # Memcached refuses keys with spaces or over 250 characters: a shared
    # cache that fails is left alone for a while (comments.caching).
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        response = client.get(user_url("a name with spaces " * 20))
    assert response.status_code == 404
