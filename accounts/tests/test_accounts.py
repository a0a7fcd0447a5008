import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import (
    assertContains,
    assertNotContains,
    assertRedirects,
    assertTemplateNotUsed,
    assertTemplateUsed,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
LOGIN_URL = reverse("login")
PASSWORD_URL = reverse("password_change")
DONE_URL = reverse("password_change_done")
NEW_PASSWORD = "a brand new passphrase"


def change(client, old, new1, new2=None):
    return client.post(
        PASSWORD_URL,
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_password_pages_have_their_addresses():
    assert PASSWORD_URL == "/password/"
    assert DONE_URL == "/password/done/"


def test_navbar_links_a_logged_in_user_to_password_change(bob_client):
    response = bob_client.get(LIST_URL)
    assertContains(response, f'<a class="nav-link" href="{PASSWORD_URL}">')


def test_visitor_sees_no_password_link(client):
    assertNotContains(client.get(LIST_URL), PASSWORD_URL)


def test_password_page_asks_a_visitor_to_log_in(client):
    response = client.get(PASSWORD_URL)
    assertRedirects(response, f"{LOGIN_URL}?next={PASSWORD_URL}")


def test_password_page_is_in_the_sites_style(bob_client):
    response = bob_client.get(PASSWORD_URL)
    assertTemplateUsed(response, "base.html")
    assertContains(response, 'name="old_password"')
    assertContains(response, 'name="new_password1"')
    assertContains(response, 'name="new_password2"')
    assertContains(response, 'class="form-control"')
    # The validators explain themselves before the first try.
    assertContains(response, "can’t be a commonly used password")


def test_right_old_password_changes_it_and_keeps_the_session(bob_client, bob, password):
    response = change(bob_client, password, NEW_PASSWORD)
    assertRedirects(response, DONE_URL)
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
    assert bob_client.session["_auth_user_id"] == str(bob.pk)
    assertContains(bob_client.get(LIST_URL), "Log out")


def test_other_sessions_of_the_user_are_logged_out(bob_client, bob, password):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": "bob", "password": password})
    assertContains(elsewhere.get(LIST_URL), "Log out")
    change(bob_client, password, NEW_PASSWORD)
    assertContains(elsewhere.get(LIST_URL), "Log in")
    assertNotContains(elsewhere.get(LIST_URL), "Log out")


def test_wrong_old_password_changes_nothing(bob_client, bob, password):
    response = change(bob_client, "not my password", NEW_PASSWORD)
    assertContains(response, "Your old password was entered incorrectly")
    bob.refresh_from_db()
    assert bob.check_password(password)


@pytest.mark.parametrize(
    ("new_password", "error"),
    [
        ("password", "This password is too common."),
        ("short1", "This password is too short."),
        ("83927461029", "This password is entirely numeric."),
        ("bob@example.com", "The password is too similar to the"),
    ],
)
def test_validators_refuse_a_weak_password(
    bob_client, bob, password, new_password, error
):
    response = change(bob_client, password, new_password)
    assert response.status_code == 200
    assertContains(response, error)
    bob.refresh_from_db()
    assert bob.check_password(password)


def test_new_passwords_must_match(bob_client, bob, password):
    response = change(bob_client, password, NEW_PASSWORD, NEW_PASSWORD + "!")
    assertContains(response, "The two password fields didn’t match.")
    bob.refresh_from_db()
    assert bob.check_password(password)


def test_change_without_csrf_token_is_refused(bob, password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = change(client, password, NEW_PASSWORD)
    assert response.status_code == 403
    bob.refresh_from_db()
    assert bob.check_password(password)


def test_done_page_confirms_in_the_sites_style(bob_client, password):
    response = change(bob_client, password, NEW_PASSWORD)
    response = bob_client.get(response["Location"])
    assertTemplateUsed(response, "base.html")
    assertContains(response, "Password changed")
    assertContains(response, "You stay logged in here")


def test_admin_keeps_its_own_password_page(staff_client):
    response = staff_client.get(reverse("admin:password_change"))
    assertTemplateUsed(response, "admin/base_site.html")
    assertTemplateNotUsed(response, "registration/change_password.html")
