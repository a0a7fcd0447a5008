"""Replies: the Reply page, what a reply and the comment it answers show,
and the cached pages changing with them."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def reply_url(comment):
    return reverse("comments:reply", args=[comment.pk])


@pytest.fixture
def carols_comment():
    return CommentFactory(
        content="Is **anyone** there?", commenter=UserFactory(username="carol")
    )


def test_logged_in_reader_sees_reply_on_every_comment(bob_client, bob, carols_comment):
    mine = CommentFactory(commenter=bob)
    page = bob_client.get(LIST_URL)
    assertContains(page, f'href="{reply_url(carols_comment)}"')
    assertContains(page, f'href="{reply_url(mine)}"')


def test_anonymous_reader_sees_no_reply_link(client, carols_comment):
    assertNotContains(client.get(LIST_URL), reply_url(carols_comment))


def test_reply_page_quotes_the_comment_with_its_author_and_permalink(
    bob_client, carols_comment
):
    response = bob_client.get(reply_url(carols_comment))
    assertContains(response, "Reply to carol")
    assertContains(
        response, '<blockquote class="mb-1"><p>Is <strong>anyone</strong> there?</p>'
    )
    assertContains(response, f'href="{carols_comment.get_absolute_url()}"')
    assertContains(response, 'href="/users/carol/"')


def test_reply_is_stored_with_its_parent_and_leads_to_it(
    bob_client, bob, carols_comment
):
    response = bob_client.post(reply_url(carols_comment), {"content": "I am"})
    reply = Comment.objects.get(content="I am")
    assertRedirects(response, reply.get_absolute_url(), fetch_redirect_response=False)
    assert (reply.parent, reply.is_reply, reply.commenter) == (
        carols_comment,
        True,
        bob,
    )


def test_anonymous_reply_is_sent_to_log_in_storing_nothing(client, carols_comment):
    response = client.post(reply_url(carols_comment), {"content": "Me"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Comment.objects.filter(content="Me").exists()


def test_reply_to_a_missing_comment_is_not_found(bob_client):
    response = bob_client.post("/comments/999/reply/", {"content": "Hello?"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_reply_to_a_hidden_comment_is_not_found(bob_client, carols_comment):
    Comment.objects.filter(pk=carols_comment.pk).update(hidden=timezone.now())
    response = bob_client.post(reply_url(carols_comment), {"content": "Hello?"})
    assert response.status_code == 404
    assert not Comment.objects.filter(content="Hello?").exists()


def test_parent_sent_in_the_form_is_ignored(bob_client, carols_comment):
    other = CommentFactory()
    bob_client.post(
        reply_url(carols_comment), {"content": "To carol", "parent": other.pk}
    )
    assert Comment.objects.get(content="To carol").parent == carols_comment


def test_refused_reply_shows_its_error_and_the_quote(bob_client, carols_comment):
    response = bob_client.post(reply_url(carols_comment), {"content": "  "})
    assertContains(response, "Write something before posting.")
    assertContains(response, "Reply to carol")
    assert Comment.objects.count() == 1


def test_preview_of_a_reply_stores_nothing(bob_client, carols_comment):
    response = bob_client.post(
        reply_url(carols_comment), {"content": "*soon*", "preview": "1"}
    )
    assertContains(response, "<em>soon</em>")
    assert Comment.objects.count() == 1


def test_same_text_to_two_comments_is_two_replies(bob_client, carols_comment):
    other = CommentFactory()
    bob_client.post(reply_url(carols_comment), {"content": "Thanks!"})
    bob_client.post(reply_url(other), {"content": "Thanks!"})
    assert Comment.objects.filter(content="Thanks!").count() == 2


def test_reply_shows_whom_it_answers_linking_to_the_parent(client, carols_comment):
    reply = CommentFactory(parent=carols_comment, content="Yes")
    page = client.get(LIST_URL).content.decode()
    link = f'in reply to <a href="{carols_comment.get_absolute_url()}">carol</a>'
    assert link in page
    assert reply.is_reply


def test_comment_shows_how_many_replies_each_linking_to_it(client, carols_comment):
    first = CommentFactory(parent=carols_comment, commenter=UserFactory(username="dan"))
    second = CommentFactory(
        parent=carols_comment, commenter=UserFactory(username="eve")
    )
    page = client.get(LIST_URL).content.decode()
    assert (
        f'2 replies: <a href="{first.get_absolute_url()}">from dan</a>, '
        f'<a href="{second.get_absolute_url()}">from eve</a>'
    ) in page


def test_one_reply_is_said_in_the_singular(client, carols_comment):
    CommentFactory(parent=carols_comment, commenter=UserFactory(username="dan"))
    assertContains(client.get(LIST_URL), "1 reply: <a")


def test_deleting_the_parent_shows_at_once_on_the_cached_page(client, carols_comment):
    CommentFactory(parent=carols_comment, content="Yes")
    assertContains(client.get(LIST_URL), "in reply to <a")
    carols_comment.delete()
    page = client.get(LIST_URL)
    assertContains(page, "in reply to a deleted comment")
    reply = Comment.objects.get(content="Yes")
    assert reply.parent is None and reply.is_reply


def test_a_new_reply_shows_on_the_parent_at_once(bob_client, client, carols_comment):
    assertNotContains(client.get(LIST_URL), "1 reply")
    bob_client.post(reply_url(carols_comment), {"content": "Here"})
    assertContains(client.get(LIST_URL), "1 reply: <a")


def test_a_page_of_replies_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    users = UserFactory.create_batch(5)
    parents = [CommentFactory(commenter=users[i % 5]) for i in range(10)]
    for i in range(40):
        CommentFactory(parent=parents[i % 10], commenter=users[i % 5])
    # The version, the page with each reply's parent, and the replies.
    with django_assert_max_num_queries(3):
        response = client.get(LIST_URL)
    assertContains(response, "4 replies", count=10)


def test_reply_page_of_a_logged_in_reader_costs_a_fixed_number_of_queries(
    bob_client, carols_comment, django_assert_max_num_queries
):
    # The session, the user and the comment with its author.
    with django_assert_max_num_queries(3):
        bob_client.get(reply_url(carols_comment))


def test_a_comment_shown_on_its_own_lists_its_replies_too(client, carols_comment):
    # The delete page shows the comment as the board does, read without the
    # listing's query that brings the replies along.
    reply = CommentFactory(parent=carols_comment, commenter=UserFactory(username="dan"))
    client.force_login(carols_comment.commenter)
    response = client.get(reverse("comments:delete", args=[carols_comment.pk]))
    assertContains(
        response, f'1 reply: <a href="{reply.get_absolute_url()}">from dan</a>'
    )
