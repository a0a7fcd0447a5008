import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def delete_url(comment):
    return reverse("comments:delete", args=[comment.pk])


@pytest.fixture
def bobs_comment(bob):
    return CommentFactory(commenter=bob, content="Regrettable")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="delete_comment"))
    return user


def test_author_sees_a_delete_link(bob_client, bobs_comment):
    assertContains(bob_client.get(LIST_URL), f'href="{delete_url(bobs_comment)}"')


def test_staff_see_a_delete_link_on_every_comment(staff_client, bobs_comment):
    assertContains(staff_client.get(LIST_URL), f'href="{delete_url(bobs_comment)}"')


def test_others_see_no_delete_link(client, bobs_comment):
    assertNotContains(client.get(LIST_URL), delete_url(bobs_comment))
    client.force_login(UserFactory(username="carol"))
    assertNotContains(client.get(LIST_URL), delete_url(bobs_comment))


def test_delete_asks_for_confirmation_first(bob_client, bobs_comment):
    response = bob_client.get(delete_url(bobs_comment))
    assertContains(response, "Delete this comment?")
    assertContains(response, "Regrettable")
    assertContains(response, f'<form method="post" action="{delete_url(bobs_comment)}"')
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()


def test_author_deletes_their_comment(bob_client, bobs_comment):
    response = bob_client.post(delete_url(bobs_comment))
    assertRedirects(response, LIST_URL)
    assert not Comment.objects.filter(pk=bobs_comment.pk).exists()


def test_delete_says_so(bob_client, bobs_comment):
    response = bob_client.post(delete_url(bobs_comment), follow=True)
    assertContains(response, "Comment deleted")
    assertNotContains(response, "Regrettable")


def test_author_deletes_long_after_the_edit_window(bob_client, bobs_comment):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Comment.objects.filter(pk=bobs_comment.pk).update(posted=long_ago)
    bob_client.post(delete_url(bobs_comment))
    assert not Comment.objects.exists()


def test_staff_delete_anyones_comment(staff_client, bobs_comment):
    other = CommentFactory(commenter=None)
    staff_client.post(delete_url(bobs_comment))
    staff_client.post(delete_url(other))
    assert not Comment.objects.exists()


def test_staff_with_the_delete_permission_may_delete(client, moderator, bobs_comment):
    client.force_login(moderator)
    client.post(delete_url(bobs_comment))
    assert not Comment.objects.exists()


def test_staff_without_the_delete_permission_may_not(client, bobs_comment):
    # The same rule as the admin's: being staff alone allows no deleting.
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.post(delete_url(bobs_comment)).status_code == 403
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()


def test_others_cannot_delete_and_nothing_changes(client, bobs_comment):
    client.force_login(UserFactory(username="carol"))
    assert client.get(delete_url(bobs_comment)).status_code == 403
    assert client.post(delete_url(bobs_comment)).status_code == 403
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Regrettable"


def test_visitor_is_sent_to_log_in_and_nothing_changes(client, bobs_comment):
    response = client.post(delete_url(bobs_comment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()


def test_delete_without_csrf_token_is_refused(bob, bobs_comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(delete_url(bobs_comment)).status_code == 403
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()


def test_deleting_an_unknown_comment_is_404(bob_client):
    assert bob_client.post("/comments/999/delete/").status_code == 404


def test_delete_by_put_is_refused(bob_client, bobs_comment):
    assert bob_client.put(delete_url(bobs_comment)).status_code == 405
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()


def group_member(username, is_staff):
    """A user given the delete permission through a group, not on their own."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="delete_comment"))
    user = UserFactory(username=username, is_staff=is_staff)
    user.groups.add(group)
    return user


def test_staff_given_the_permission_by_a_group_see_delete_and_may_delete(
    client, bobs_comment
):
    client.force_login(group_member("moderator", is_staff=True))
    assertContains(client.get(LIST_URL), f'href="{delete_url(bobs_comment)}"')
    assertRedirects(client.post(delete_url(bobs_comment)), LIST_URL)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "make_reader",
    [
        lambda bob: bob,
        lambda bob: UserFactory(username="carol"),
        lambda bob: UserFactory(username="intern", is_staff=True),
        lambda bob: group_member("moderator", is_staff=True),
        # The permission without staff: the admin's rule, which the links
        # follow too.
        lambda bob: group_member("helper", is_staff=False),
        lambda bob: UserFactory(username="root", is_staff=True, is_superuser=True),
    ],
    ids=[
        "author",
        "other",
        "staff-without-permission",
        "staff-in-group",
        "group-without-staff",
        "superuser",
    ],
)
def test_the_delete_link_shows_exactly_where_deleting_is_allowed(
    client, bob, make_reader
):
    comment = CommentFactory(commenter=bob, content="Regrettable")
    reader = make_reader(bob)
    client.force_login(reader)
    allowed = comment.can_delete(reader)
    shown = f'href="{delete_url(comment)}"' in client.get(LIST_URL).content.decode()
    client.post(delete_url(comment))
    deleted = not Comment.objects.filter(pk=comment.pk).exists()
    assert shown == allowed == deleted


def test_the_listing_shows_the_links_the_model_allows(
    client, bobs_comment, monkeypatch
):
    # Who may delete is the model's to say, whatever it says: a rule that
    # let anyone with the permission delete, staff or not, shows there too.
    helper = group_member("helper", is_staff=False)

    def permission_alone(user):
        return user.has_perm("comments.delete_comment")

    monkeypatch.setattr(Comment, "may_delete_others", staticmethod(permission_alone))
    client.force_login(helper)
    assertContains(client.get(LIST_URL), f'href="{delete_url(bobs_comment)}"')
