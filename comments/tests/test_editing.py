import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def posted_ago(comment, minutes):
    """Moves the comment back in time, the way the clock would."""
    posted = timezone.now() - datetime.timedelta(minutes=minutes)
    Comment.objects.filter(pk=comment.pk).update(posted=posted)
    comment.refresh_from_db()
    return comment


@pytest.fixture
def bobs_comment(bob):
    return CommentFactory(commenter=bob, content="Frist post")


def test_author_sees_an_edit_link_within_the_window(bob_client, bobs_comment):
    assertContains(bob_client.get(LIST_URL), f'href="{edit_url(bobs_comment)}"')


def test_author_sees_no_edit_link_after_the_window(bob_client, bobs_comment):
    posted_ago(bobs_comment, 16)
    assertNotContains(bob_client.get(LIST_URL), edit_url(bobs_comment))


def test_others_see_no_edit_link(client, bobs_comment):
    client.force_login(UserFactory(username="carol"))
    assertNotContains(client.get(LIST_URL), edit_url(bobs_comment))
    assertNotContains(Client().get(LIST_URL), edit_url(bobs_comment))


def test_edit_page_shows_the_text_in_a_form(bob_client, bobs_comment):
    response = bob_client.get(edit_url(bobs_comment))
    assertContains(response, "Edit comment")
    assertContains(response, ">\nFrist post</textarea>")
    assertContains(response, f'action="{edit_url(bobs_comment)}"')
    assertContains(response, "Save changes")


def test_author_edits_within_the_window(bob_client, bobs_comment):
    posted_ago(bobs_comment, 14)
    response = bob_client.post(edit_url(bobs_comment), {"content": "First post"})
    assertRedirects(
        response, bobs_comment.get_absolute_url(), fetch_redirect_response=False
    )
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "First post"
    assert bobs_comment.edited is not None


def test_edited_comment_says_edited(bob_client, bobs_comment):
    bob_client.post(edit_url(bobs_comment), {"content": "First post"})
    response = bob_client.get(LIST_URL)
    assertContains(response, "First post")
    assertContains(response, "· edited</span>")


def test_unedited_comment_does_not_say_edited(client, bobs_comment):
    assertNotContains(client.get(LIST_URL), "edited")


def test_saving_the_same_text_does_not_mark_it_edited(bob_client, bobs_comment):
    response = bob_client.post(
        edit_url(bobs_comment), {"content": "Frist post"}, follow=True
    )
    assertContains(response, "Nothing changed")
    bobs_comment.refresh_from_db()
    assert bobs_comment.edited is None


def test_edit_says_the_comment_was_updated(bob_client, bobs_comment):
    response = bob_client.post(
        edit_url(bobs_comment), {"content": "First post"}, follow=True
    )
    assertContains(response, "Comment updated")
    assertContains(response, f'id="comment-{bobs_comment.pk}"')


def test_editing_after_the_window_is_refused_with_a_clear_message(
    bob_client, bobs_comment
):
    posted_ago(bobs_comment, 16)
    response = bob_client.get(edit_url(bobs_comment))
    assertContains(
        response,
        "This comment can no longer be edited: comments can be changed for "
        "15 minutes after they are posted.",
        status_code=403,
    )
    assertNotContains(response, "Save changes", status_code=403)


def test_saving_after_the_window_changes_nothing_and_keeps_the_typed_text(
    bob_client, bobs_comment
):
    posted_ago(bobs_comment, 16)
    response = bob_client.post(edit_url(bobs_comment), {"content": "Too late"})
    assertContains(response, "can no longer be edited", status_code=403)
    assertContains(response, ">\nToo late</textarea>", status_code=403)
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"
    assert bobs_comment.edited is None


def test_edit_window_is_a_setting(bob_client, bobs_comment, settings):
    settings.COMMENTS_EDIT_WINDOW = datetime.timedelta(minutes=1)
    posted_ago(bobs_comment, 2)
    response = bob_client.post(edit_url(bobs_comment), {"content": "Too late"})
    assertContains(response, "changed for 1 minute after", status_code=403)
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"


def test_comment_without_a_time_cannot_be_edited(bob_client, bobs_comment):
    Comment.objects.filter(pk=bobs_comment.pk).update(posted=None)
    response = bob_client.post(edit_url(bobs_comment), {"content": "Changed"})
    assert response.status_code == 403
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"


@pytest.mark.parametrize("who", ["carol", "staff"])
def test_others_cannot_edit_and_nothing_changes(client, bobs_comment, who):
    client.force_login(UserFactory(username=who, is_staff=who == "staff"))
    assert client.get(edit_url(bobs_comment)).status_code == 403
    response = client.post(edit_url(bobs_comment), {"content": "Hijacked"})
    assert response.status_code == 403
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"
    assert bobs_comment.edited is None


def test_visitor_is_sent_to_log_in_and_nothing_changes(client, bobs_comment):
    response = client.post(edit_url(bobs_comment), {"content": "Hijacked"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"


def test_edit_without_csrf_token_is_refused(bob, bobs_comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(edit_url(bobs_comment), {"content": "Forged"})
    assert response.status_code == 403
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"


def test_editing_an_unknown_comment_is_404(bob_client):
    assert bob_client.get("/comments/999/edit/").status_code == 404


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "Write something before posting."),
        ("  \r\n ", "Write something before posting."),
        ("z" * 4097, "A comment can be at most 4096 characters"),
        ("nul\x00here", "Null characters are not allowed."),
    ],
)
def test_edit_is_validated_like_a_new_post(bob_client, bobs_comment, content, error):
    response = bob_client.post(edit_url(bobs_comment), {"content": content})
    assertContains(response, error)
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"
    assert bobs_comment.edited is None


def test_refused_edit_says_error_and_focuses_the_field(bob_client, bobs_comment):
    response = bob_client.post(edit_url(bobs_comment), {"content": "  "})
    page = response.content.decode()
    assert "<title>Error: Edit comment" in page
    field = re.search(r"<textarea[^>]*>", page)[0]
    assert " autofocus" in field
    assert 'aria-describedby="id_content_error"' in field


def test_edit_page_says_no_error_before_saving(bob_client, bobs_comment):
    response = bob_client.get(edit_url(bobs_comment))
    assertContains(response, "<title>Edit comment")
    assert " autofocus" not in response.content.decode()


def test_edit_cannot_change_the_commenter(bob_client, bob, bobs_comment):
    carol = UserFactory(username="carol")
    bob_client.post(
        edit_url(bobs_comment), {"content": "Changed", "commenter": carol.pk}
    )
    bobs_comment.refresh_from_db()
    assert bobs_comment.commenter == bob


def test_edit_keeps_the_posted_time(bob_client, bobs_comment):
    posted = posted_ago(bobs_comment, 5).posted
    bob_client.post(edit_url(bobs_comment), {"content": "Changed"})
    bobs_comment.refresh_from_db()
    assert bobs_comment.posted == posted
