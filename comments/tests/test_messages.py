import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
LOGIN_URL = reverse("login")
LOGOUT_URL = reverse("logout")
BOOTSTRAP_JS = "bootstrap/js/bootstrap.bundle.min.js"


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def test_login_welcomes_the_user_by_name(client, bob, password):
    response = client.post(
        LOGIN_URL, {"username": "bob", "password": password}, follow=True
    )
    assert messages_on(response) == ["Welcome, bob"]
    assertContains(response, "Welcome, bob")


def test_failed_login_welcomes_nobody(client, bob):
    response = client.post(LOGIN_URL, {"username": "bob", "password": "wrong"})
    assertNotContains(response, "Welcome")


def test_logout_says_so_on_the_next_page(bob_client):
    response = bob_client.post(LOGOUT_URL, follow=True)
    assert messages_on(response) == ["You have been logged out"]
    assert "_auth_user_id" not in bob_client.session
    assertContains(response, "Log in")


def test_posting_says_the_comment_was_posted(bob_client):
    response = bob_client.post(
        reverse("comments:create"), {"content": "hello"}, follow=True
    )
    assert messages_on(response) == ["Comment posted"]


def test_refused_post_says_nothing_was_posted(bob_client):
    response = bob_client.post(reverse("comments:create"), {"content": ""})
    assertNotContains(response, "Comment posted")


def test_password_change_says_so(bob_client, password):
    response = bob_client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
        follow=True,
    )
    assert messages_on(response) == ["Your password was changed"]


def test_a_message_shows_once(client, bob, password):
    client.post(LOGIN_URL, {"username": "bob", "password": password}, follow=True)
    assertNotContains(client.get(LIST_URL), "Welcome, bob")


def test_messages_are_dismissible_alerts(bob_client):
    response = bob_client.post(LOGOUT_URL, follow=True)
    assertContains(
        response, '<div class="alert alert-success alert-dismissible fade show"'
    )
    # Without JavaScript the close button could do nothing: the site's
    # script shows it, Bootstrap's closes the alert.
    assertContains(
        response,
        '<button type="button" class="btn-close" data-bs-dismiss="alert" '
        'aria-label="Close" hidden></button>',
    )
    assertContains(response, f'<script defer src="/static/{BOOTSTRAP_JS}"></script>')


def test_pages_without_messages_do_not_load_bootstrap_js(client):
    assertNotContains(client.get(LIST_URL), BOOTSTRAP_JS)


def test_message_text_is_escaped(client, password):
    UserFactory(username="<b>mallory</b>")
    response = client.post(
        LOGIN_URL,
        {"username": "<b>mallory</b>", "password": password},
        follow=True,
    )
    assertContains(response, "Welcome, &lt;b&gt;mallory&lt;/b&gt;")
    assertNotContains(response, "<b>mallory</b>")
