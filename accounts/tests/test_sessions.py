"""Sessions read with their user in one query (accounts.sessions), with
every check of Django's own sessions and authentication kept."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import Session

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
LOGOUT_URL = reverse("logout")


def logged_in_user(client):
    """Who the site takes the client for: its user, or None (anonymous)."""
    response = client.get(reverse("password_change"))
    user = response.wsgi_request.user
    return user if user.is_authenticated else None


def logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_logged_in_page_reads_the_session_and_its_user_in_one_query(
    django_assert_num_queries,
):
    client = logged_in_client(UserFactory())
    client.get(LIST_URL)
    # The session with its user, then the cached pages' version.
    with django_assert_num_queries(2) as queries:
        response = client.get(LIST_URL)
    assert response.wsgi_request.user.is_authenticated
    session_query = queries.captured_queries[0]["sql"]
    assert "accounts_session" in session_query and "auth_user" in session_query


def test_the_session_row_names_who_logged_in():
    carol = UserFactory()
    client = Client()
    client.post(reverse("login"), {"username": carol.username, "password": PASSWORD})
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.user == carol
    assert session.get_decoded()[SESSION_KEY] == str(carol.pk)


def test_an_anonymous_session_names_nobody():
    session = Client().session
    session["something"] = "kept"
    session.save()
    assert Session.objects.get(session_key=session.session_key).user is None


def test_the_session_gives_the_user_it_was_logged_in_with():
    carol = UserFactory()
    assert logged_in_user(logged_in_client(carol)) == carol


def test_a_logout_ends_the_same_session_for_every_browser_that_holds_it():
    carol = UserFactory()
    first = logged_in_client(carol)
    # The same cookie in another browser, as another server would see it.
    second = Client()
    second.cookies = first.cookies.__class__(first.cookies)
    assert logged_in_user(second) == carol

    first.post(LOGOUT_URL)

    assert logged_in_user(second) is None


def test_a_password_changed_elsewhere_ends_the_session():
    carol = UserFactory()
    client = logged_in_client(carol)
    carol.set_password("an entirely new passphrase")
    carol.save()
    assert logged_in_user(client) is None


def test_a_deactivated_user_is_anonymous_at_their_next_request():
    carol = UserFactory()
    client = logged_in_client(carol)
    carol.is_active = False
    carol.save()
    assert logged_in_user(client) is None


def test_a_deleted_user_has_no_session_left():
    carol = UserFactory()
    client = logged_in_client(carol)
    carol.delete()
    assert not Session.objects.exists()
    assert logged_in_user(client) is None


def test_a_user_renamed_elsewhere_is_seen_renamed_at_the_next_request():
    carol = UserFactory(username="carol")
    client = logged_in_client(carol)
    carol.username = "caroline"
    carol.save()
    assert logged_in_user(client).username == "caroline"
