"""Sessions read with their user in one query (accounts.sessions), with
every check of Django's own sessions and authentication kept."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from accounts.models import Session
from accounts.sessions import SessionStore

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
    # The session with its user and the cached pages' version
    # (comments.caching, read along).
    with django_assert_num_queries(1) as queries:
        response = client.get(LIST_URL)
    assert response.wsgi_request.user.is_authenticated
    session_query = queries.captured_queries[0]["sql"]
    assert "accounts_session" in session_query and "auth_user" in session_query
    assert "comments_boardversion" in session_query


def test_a_value_read_along_is_received_each_time_a_session_is_read(monkeypatch):
    received = []
    monkeypatch.setattr(sessions, "_read_along", dict(sessions._read_along))
    sessions.read_along(
        "tests.answer", lambda connection: ("SELECT %s", [42]), received.append
    )
    client = logged_in_client(UserFactory())
    key = client.session.session_key
    received.clear()
    store = SessionStore(key)
    assert store[SESSION_KEY]
    assert received == [42]
    # No session found, nothing received.
    assert not SessionStore("x" * 32).load()
    assert received == [42]


def test_a_read_along_not_for_the_sessions_database_is_left_out(monkeypatch):
    monkeypatch.setattr(sessions, "_read_along", dict(sessions._read_along))
    sessions.read_along(
        "tests.elsewhere", lambda connection: None, lambda value: pytest.fail()
    )
    client = logged_in_client(UserFactory())
    assert SessionStore(client.session.session_key)[SESSION_KEY]


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


def test_the_user_the_session_brings_is_the_one_the_orm_reads():
    # Read in SQL of its own (accounts.sessions.session_query): every field
    # as the ORM gives it, times aware, flags booleans.
    carol = UserFactory(first_name="Carol", is_staff=True)
    client = logged_in_client(carol)
    store = SessionStore(client.session.session_key)
    assert store.load()[SESSION_KEY] == str(carol.pk)
    brought = store.loaded_user
    read = get_user_model().objects.get(pk=carol.pk)
    for field in read._meta.concrete_fields:
        value = getattr(brought, field.attname)
        assert value == getattr(read, field.attname), field.name
        assert type(value) is type(getattr(read, field.attname)), field.name
    assert brought.last_login.tzinfo is not None
    assert brought._state.db == read._state.db and not brought._state.adding


def test_an_expired_session_is_not_read():
    client = logged_in_client(UserFactory())
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.loaded_user is None
    assert logged_in_user(client) is None


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


@pytest.mark.django_db(transaction=True)
def test_sessions_open_before_the_change_of_engine_stay_open():
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session as DjangoSession
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    user = UserFactory()
    before = [("accounts", "0002_profile")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    # Three sessions in Django's own table: a logged-in one, an anonymous one
    # holding a draft, and one that expired.
    logged_in = DjangoStore()
    logged_in[SESSION_KEY] = str(user.pk)
    # Logged in by the backend the site listed then.
    logged_in["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    logged_in["_auth_user_hash"] = user.get_session_auth_hash()
    logged_in.create()
    anonymous = DjangoStore()
    anonymous["draft"] = "kept"
    anonymous.create()
    expired = DjangoStore()
    expired["draft"] = "gone"
    expired.set_expiry(-1)
    expired.create()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    copied = dict(Session.objects.values_list("session_key", "user_id"))
    assert copied == {logged_in.session_key: user.pk, anonymous.session_key: None}
    assert DjangoSession.objects.count() == 3
    client = Client()
    client.cookies["sessionid"] = logged_in.session_key
    assert logged_in_user(client) == user
