from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.bans import end_sessions
from moderation.models import Report

pytestmark = pytest.mark.django_db

User = get_user_model()
LIST_URL = reverse("comments:list")
USERS_URL = reverse("admin:auth_user_changelist")
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


@pytest.fixture
def troll(db):
    return UserFactory(username="troll")


@pytest.fixture
def troll_clients(troll):
    """The troll logged in on two devices."""
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(troll)
    return clients


def is_logged_in(client):
    return "Log out" in client.get(LIST_URL).content.decode()


def test_django_refuses_an_inactive_users_session_at_the_next_request(
    troll, troll_clients
):
    # Even written behind the signals' back, the session gives no user: the
    # authentication middleware reads the user's row at every request.
    User.objects.filter(pk=troll.pk).update(is_active=False)
    assert not any(is_logged_in(client) for client in troll_clients)


def test_deactivating_a_user_deletes_their_sessions(troll, troll_clients, bob_client):
    Session = SessionStore.get_model_class()
    assert Session.objects.count() == 3
    troll.is_active = False
    troll.save()
    assert Session.objects.count() == 1
    assert is_logged_in(bob_client)
    # Reactivated, they log in again: the old sessions do not come back.
    troll.is_active = True
    troll.save()
    assert not any(is_logged_in(client) for client in troll_clients)


def test_a_users_sessions_are_found_without_reading_the_others(
    troll, troll_clients, bob_client, monkeypatch
):
    # By the sessions' user column: no session's data is decoded.
    Session = SessionStore.get_model_class()

    def refuse(session):
        raise AssertionError("a session was decoded to find its user")

    monkeypatch.setattr(Session, "get_decoded", refuse)
    assert end_sessions([troll]) == 2
    assert Session.objects.count() == 1
    assert is_logged_in(bob_client)


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_with_djangos_own_sessions_a_users_sessions_end_too(settings, engine):
    # Another SESSION_ENGINE: Django's session model, which has no user
    # column, is read session by session.
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    troll, bob = UserFactory(), UserFactory()
    troll_clients = [Client(), Client()]
    for client in troll_clients:
        client.force_login(troll)
    bob_client = Client()
    bob_client.force_login(bob)
    assert end_sessions([troll]) == 2
    assert not any(is_logged_in(client) for client in troll_clients)
    assert is_logged_in(bob_client)


def test_deactivating_in_the_admin_ends_the_sessions(
    troll, troll_clients, staff_client
):
    response = staff_client.post(
        reverse("admin:auth_user_change", args=[troll.pk]),
        {
            "username": "troll",
            "email": troll.email,
            "date_joined_0": "2026-11-30",
            "date_joined_1": "10:00:00",
            # is_active left out: the box unticked.
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=troll.pk).is_active
    assert not any(is_logged_in(client) for client in troll_clients)


def test_a_save_of_an_active_user_keeps_their_sessions(troll, troll_clients):
    troll.first_name = "Tr"
    troll.save()
    assert all(is_logged_in(client) for client in troll_clients)


def test_an_inactive_user_cannot_log_in(client, troll, password):
    troll.is_active = False
    troll.save()
    response = client.post(
        reverse("login"), {"username": "troll", "password": password}
    )
    assert response.status_code == 200
    assert not is_logged_in(client)


def ban(staff_client, *users):
    return staff_client.post(
        USERS_URL,
        {"action": "ban", "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_ban_deactivates_ends_sessions_and_hides_every_comment(
    client, troll, troll_clients, staff_client
):
    CommentFactory.create_batch(2, commenter=troll, content="Troll talk")
    Report.objects.create(
        comment=Comment.objects.first(), reporter=UserFactory(), reason="abuse"
    )
    CommentFactory(content="Someone else")
    anonymous = Client()
    assertContains(anonymous.get(LIST_URL), "Troll talk", count=2)
    response = ban(staff_client, troll)
    assertContains(response, "Banned 1 user.")
    assert not User.objects.get(pk=troll.pk).is_active
    assert not any(is_logged_in(client) for client in troll_clients)
    assert Comment.objects.filter(commenter=troll, hidden__isnull=True).count() == 0
    assert Comment.objects.visible().count() == 1
    assert not Report.objects.open().exists()
    page = anonymous.get(LIST_URL)
    assertNotContains(page, "Troll talk")
    assertContains(page, "This comment was removed by a moderator.", count=2)


def test_ban_is_in_the_admins_history(troll, staff_client):
    comment = CommentFactory(commenter=troll)
    before = timezone.now()
    ban(staff_client, troll)
    on_user = LogEntry.objects.get(object_id=str(troll.pk), content_type__model="user")
    assert on_user.action_flag == CHANGE
    assert on_user.user.username == "staff"
    assert on_user.action_time >= before
    assert on_user.change_message == (
        "Banned: deactivated, sessions ended, 1 comment hidden."
    )
    on_comment = LogEntry.objects.get(
        object_id=str(comment.pk), content_type__model="comment"
    )
    assert on_comment.change_message == "Hid the comment: troll was banned."


def test_staff_cannot_ban_themselves(staff_client):
    staff = User.objects.get(username="staff")
    response = ban(staff_client, staff)
    assertContains(response, "You cannot ban yourself.")
    assert User.objects.get(pk=staff.pk).is_active


def test_staff_without_the_hide_permission_get_no_ban_action(client, troll):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="change_user"),
        Permission.objects.get(codename="view_user"),
    )
    client.force_login(staff)
    assertNotContains(client.get(USERS_URL), "Ban and hide all their comments")
    ban(client, troll)
    assert User.objects.get(pk=troll.pk).is_active


def test_a_banned_users_page_is_gone_at_once_comments_or_not(troll, staff_client):
    # An anonymous reader's copy of the page, kept whole (comments.middleware).
    anonymous = Client()
    url = reverse("comments:user", args=["troll"])
    assertContains(anonymous.get(url), "0 comments since joining")
    ban(staff_client, troll)
    assert anonymous.get(url).status_code == 404
