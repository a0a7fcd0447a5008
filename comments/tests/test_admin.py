import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment

from .factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:comments_comment_changelist")


def test_changelist_shows_excerpt_commenter_and_time(staff_client):
    CommentFactory(content="A comment worth reading", commenter__username="carol")
    response = staff_client.get(CHANGELIST_URL)
    assertContains(response, "A comment worth reading")
    assertContains(response, "carol")
    assertContains(response, "column-posted")


def test_staff_see_when_a_comment_was_edited(staff_client):
    edited = datetime.datetime(2017, 10, 13, 16, 50, tzinfo=datetime.UTC)
    comment = CommentFactory(content="Changed since", edited=edited)
    assertContains(staff_client.get(CHANGELIST_URL), "column-edited")
    response = staff_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    )
    assertContains(response, "Oct. 13, 2017, 4:50 p.m.")


def test_search_by_text_finds_the_comment(staff_client):
    CommentFactory(content="needle in here")
    CommentFactory(content="only hay")
    response = staff_client.get(CHANGELIST_URL, {"q": "needle"})
    assertContains(response, "needle in here")
    assertNotContains(response, "only hay")


def test_search_by_username_finds_the_comment(staff_client):
    CommentFactory(content="from dave", commenter__username="dave")
    CommentFactory(content="from erin", commenter__username="erin")
    response = staff_client.get(CHANGELIST_URL, {"q": "dave"})
    assertContains(response, "from dave")
    assertNotContains(response, "from erin")


def test_filter_by_commenter(staff_client):
    dave = UserFactory(username="dave")
    CommentFactory(content="from dave", commenter=dave)
    CommentFactory(content="from erin", commenter__username="erin")
    response = staff_client.get(CHANGELIST_URL, {"commenter__id__exact": dave.pk})
    assertContains(response, "from dave")
    assertNotContains(response, "from erin")


def test_change_form_picks_the_commenter_by_autocomplete(staff_client):
    UserFactory.create_batch(5)
    comment = CommentFactory()
    response = staff_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    )
    assertContains(response, "admin-autocomplete")
    # No <option> per user: only the current commenter is rendered.
    assert response.content.decode().count("<option") <= 2


def test_staff_can_delete_a_comment(staff_client):
    comment = CommentFactory()
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    response = staff_client.post(url, {"post": "yes"})
    assertRedirects(response, CHANGELIST_URL)
    assert not Comment.objects.exists()


def test_staff_can_add_a_comment_up_to_4096_characters(staff_client):
    url = reverse("admin:comments_comment_add")
    response = staff_client.post(url, {"content": "a" * 4097, "commenter": ""})
    assert response.status_code == 200
    assert not Comment.objects.exists()
    response = staff_client.post(url, {"content": "a" * 4096, "commenter": ""})
    assertRedirects(response, CHANGELIST_URL)
    assert len(Comment.objects.get().content) == 4096


def test_non_staff_is_sent_to_the_admin_login(bob_client):
    CommentFactory(content="private view")
    response = bob_client.get(CHANGELIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_cannot_delete(bob_client):
    comment = CommentFactory()
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    bob_client.post(url, {"post": "yes"})
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_staff_manage_users(staff_client):
    UserFactory(username="frank")
    response = staff_client.get(reverse("admin:auth_user_changelist"))
    assertContains(response, "frank")


def test_admin_login_refuses_an_over_long_username_before_authenticating(client):
    # authenticate() would have django-axes store the name in a column of
    # 255 characters, which MySQL refuses: a 500.
    response = client.post(
        reverse("admin:login"), {"username": "b" * 256, "password": "x"}
    )
    assertContains(response, "Ensure this value has at most 150 characters")
    assert not AccessAttempt.objects.exists()
