import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from comments.models import Comment
from comments.views import list_url

from .factories import CommentFactory
from .page_reading import comment_ids

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def permalink(comment):
    return reverse("comments:permalink", args=[comment.pk])


def test_permalink_is_the_comments_absolute_url():
    comment = CommentFactory()
    assert comment.get_absolute_url() == f"/comments/{comment.pk}/"


def test_every_comment_has_an_anchor_and_its_time_links_to_the_permalink(client):
    comment = CommentFactory()
    response = client.get(LIST_URL)
    assertContains(response, f'<article class="comment" id="comment-{comment.pk}">')
    assertContains(response, f'Posted <a href="{permalink(comment)}"><time ')


def test_comment_without_a_time_still_has_its_permalink(client):
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(posted=None)
    response = client.get(LIST_URL)
    assertContains(response, f'<a href="{permalink(comment)}">at an unknown time</a>')


def test_recent_comment_leads_to_the_front_page_at_its_anchor(client, make_comments):
    comments = make_comments(51)
    # The 50 newest are on the front page, down to the second comment.
    for comment in (comments[-1], comments[1]):
        response = client.get(permalink(comment))
        assertRedirects(response, f"{LIST_URL}#comment-{comment.pk}")


def test_old_comment_leads_to_the_page_that_starts_with_it(client, make_comments):
    comments = make_comments(120)
    old = comments[9]
    response = client.get(permalink(old))
    assertRedirects(
        response,
        f"{list_url(after=old.pk - 1)}#comment-{old.pk}",
    )
    page = client.get(list_url(after=old.pk - 1))
    assert comment_ids(page)[0] == old.pk
    assert len(comment_ids(page)) == 50


def test_oldest_comment_behind_a_full_page_is_reachable(client, make_comments):
    comments = make_comments(51)
    response = client.get(permalink(comments[0]), follow=True)
    assert comments[0].pk in comment_ids(response)


def test_permalink_runs_a_fixed_number_of_queries(
    client, make_comments, django_assert_max_num_queries
):
    comments = make_comments(1000, commenters=100)
    with django_assert_max_num_queries(2):
        client.get(permalink(comments[3]))


@pytest.mark.parametrize("pk", [999, 10**30])
def test_unknown_comment_is_404(client, make_comments, pk):
    make_comments(3)
    response = client.get(f"/comments/{pk}/")
    assert response.status_code == 404
