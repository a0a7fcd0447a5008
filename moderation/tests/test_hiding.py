import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModeratedComment, Report

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
FEED_URL = reverse("comments:feed")
PLACEHOLDER = "This comment was removed by a moderator."


def hide_url(comment):
    return reverse("moderation:hide", args=[comment.pk])


def restore_url(comment):
    return reverse("moderation:restore", args=[comment.pk])


@pytest.fixture
def carols(db):
    return CommentFactory(content="Something rude", commenter__username="carol")


@pytest.fixture
def moderator(db):
    """Staff with the permission to hide, and nothing else."""
    user = UserFactory(username="mod", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="hide_comment"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def hide(comment, by=None):
    ModeratedComment.objects.filter(pk=comment.pk).hide(by or UserFactory())


def test_a_hidden_comment_shows_the_placeholder_on_the_cached_page(client, carols):
    assertContains(client.get(LIST_URL), "Something rude")
    hide(carols)
    response = client.get(LIST_URL)
    assertContains(response, PLACEHOLDER, count=1)
    assertNotContains(response, "Something rude")
    # Its place and permalink stay.
    assertContains(response, f'id="comment-{carols.pk}"')
    assertContains(response, carols.get_absolute_url())


def test_other_logged_in_readers_see_the_placeholder(bob_client, carols):
    bob_client.get(LIST_URL)
    hide(carols)
    response = bob_client.get(LIST_URL)
    assertContains(response, PLACEHOLDER)
    assertNotContains(response, "Something rude")


def test_the_author_sees_their_own_text_marked_removed(client, carols):
    hide(carols)
    client.get(LIST_URL)  # the list cached by an anonymous reader
    client.force_login(carols.commenter)
    response = client.get(LIST_URL)
    assertContains(response, "Something rude")
    assertContains(response, "Removed by a moderator")
    assertNotContains(response, PLACEHOLDER)


def test_the_authors_view_does_not_reach_other_readers(client, bob, carols):
    hide(carols)
    client.force_login(carols.commenter)
    client.get(LIST_URL)
    client.force_login(bob)
    response = client.get(LIST_URL)
    assertNotContains(response, "Something rude")
    assertContains(response, PLACEHOLDER)


def test_a_reply_to_a_hidden_comment_keeps_its_place_and_link(client, carols):
    reply = CommentFactory(content="I disagree", parent=carols, is_reply=True)
    hide(carols)
    response = client.get(LIST_URL)
    assertContains(response, "I disagree")
    assertContains(response, f'id="comment-{reply.pk}"')
    assert Comment.objects.get(pk=reply.pk).parent_id == carols.pk


def test_the_permalink_leads_to_the_placeholder(client, carols):
    hide(carols)
    response = client.get(carols.get_absolute_url(), follow=True)
    assertContains(response, PLACEHOLDER)
    assertNotContains(response, "Something rude")


def test_the_feed_leaves_hidden_comments_out(client, carols):
    CommentFactory(content="Still here")
    hide(carols)
    response = client.get(FEED_URL)
    assertContains(response, "Still here")
    assertNotContains(response, "Something rude")
    assertNotContains(response, carols.get_absolute_url())


def test_restore_puts_the_text_back_everywhere(client, carols):
    hide(carols)
    client.get(LIST_URL)
    ModeratedComment.objects.filter(pk=carols.pk).restore(UserFactory())
    assertContains(client.get(LIST_URL), "Something rude")
    assertContains(client.get(FEED_URL), "Something rude")


def test_visible_leaves_out_hidden_comments(carols):
    shown = CommentFactory()
    hide(carols)
    assert list(Comment.objects.visible()) == [shown]


def test_moderator_sees_hide_on_the_board_and_restore_once_hidden(
    moderator_client, carols
):
    response = moderator_client.get(LIST_URL)
    assertContains(response, f'href="{hide_url(carols)}"')
    assertNotContains(response, restore_url(carols))
    hide(carols)
    response = moderator_client.get(LIST_URL)
    assertContains(response, f'href="{restore_url(carols)}"')
    assertNotContains(response, hide_url(carols))


def test_readers_without_the_permission_see_no_hide(client, carols):
    client.force_login(UserFactory(is_staff=True))
    assertNotContains(client.get(LIST_URL), hide_url(carols))


def test_hide_asks_first_and_changes_nothing_by_get(moderator_client, carols):
    response = moderator_client.get(hide_url(carols))
    assertContains(response, "Hide this comment?")
    assertContains(response, "Something rude")
    assert Comment.objects.get(pk=carols.pk).hidden is None


def test_hide_on_the_board_hides_and_records_who_and_when(
    moderator_client, moderator, carols
):
    before = timezone.now()
    response = moderator_client.post(hide_url(carols))
    assertRedirects(response, carols.get_absolute_url(), fetch_redirect_response=False)
    assert Comment.objects.get(pk=carols.pk).hidden >= before
    entry = LogEntry.objects.get()
    assert entry.user == moderator
    assert entry.action_flag == CHANGE
    assert entry.action_time >= before
    assert entry.content_type == ContentType.objects.get_for_model(Comment)
    assert entry.object_id == str(carols.pk)
    assert entry.change_message == "Hid the comment on the board."


def test_restore_on_the_board_shows_it_again_and_records_it(
    moderator_client, moderator, carols
):
    hide(carols)
    moderator_client.post(restore_url(carols))
    assert Comment.objects.get(pk=carols.pk).hidden is None
    entry = LogEntry.objects.filter(user=moderator).get()
    assert entry.change_message == "Restored the comment on the board."


def test_readers_without_the_permission_cannot_hide(bob_client, carols):
    assert bob_client.post(hide_url(carols)).status_code == 403
    assert Comment.objects.get(pk=carols.pk).hidden is None
    assert not LogEntry.objects.exists()


def test_hide_by_a_form_without_csrf_is_refused(client, moderator, carols):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(moderator)
    assert csrf_client.post(hide_url(carols)).status_code == 403
    assert Comment.objects.get(pk=carols.pk).hidden is None


def test_hiding_closes_the_comments_open_reports(carols, bob):
    Report.objects.create(comment=carols, reporter=bob, reason="abuse")
    hide(carols)
    assert not Report.objects.open().exists()


def test_the_author_cannot_edit_a_hidden_comment(client, carols):
    hide(carols)
    client.force_login(carols.commenter)
    edit_url = reverse("comments:edit", args=[carols.pk])
    assertNotContains(client.get(LIST_URL), edit_url)
    response = client.post(edit_url, {"content": "Something nice"})
    assert response.status_code == 403
    assert Comment.objects.get(pk=carols.pk).content == "Something rude"


def test_the_author_can_still_delete_a_hidden_comment(client, carols):
    hide(carols)
    client.force_login(carols.commenter)
    assertContains(client.get(LIST_URL), reverse("comments:delete", args=[carols.pk]))
    client.post(reverse("comments:delete", args=[carols.pk]))
    assert not Comment.objects.filter(pk=carols.pk).exists()


def test_the_comment_template_alone_shows_the_placeholder(carols):
    # As other pages (a user's comments) include it, with no listing around.
    hide(carols)
    carols.refresh_from_db()
    html = render_to_string("comments/comment.html", {"comment": carols})
    assert PLACEHOLDER in html
    assert "Something rude" not in html


def test_a_moderators_deletion_on_the_board_is_in_the_history(staff_client, carols):
    staff_client.post(reverse("comments:delete", args=[carols.pk]))
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id, entry.user.username) == (
        DELETION,
        str(carols.pk),
        "staff",
    )
    assert entry.object_repr == "Something rude"


def test_an_authors_own_deletion_is_not_a_moderators_action(client, carols):
    client.force_login(carols.commenter)
    client.post(reverse("comments:delete", args=[carols.pk]))
    assert not Comment.objects.exists()
    assert not LogEntry.objects.exists()
