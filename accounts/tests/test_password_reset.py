import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertRedirects

from accounts.tests.factories import UserFactory

RESET_URL = reverse("password_reset")
SENT_URL = reverse("password_reset_done")
NEW_PASSWORD = "a brand new passphrase"


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"http://testserver(/password/reset/\S+/)", text)
    return url


def ask_reset(client, email, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def set_password(client, url, password=NEW_PASSWORD):
    # Django's confirm view swaps the token in the address for one in the
    # session, then shows the form there.
    form_url = client.get(url).url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_reset_pages_have_their_addresses():
    assert RESET_URL == "/password/reset/"
    assert SENT_URL == "/password/reset/sent/"


@pytest.mark.django_db
def test_login_page_links_to_the_reset(client):
    assertContains(client.get(reverse("login")), f'href="{RESET_URL}"')


def test_reset_mail_carries_a_link_that_sets_a_new_password(
    client, mail_server, run_worker
):
    user = UserFactory(username="ann", email="ann@example.com")

    assertRedirects(ask_reset(client, "ann@example.com"), SENT_URL)
    run_worker()

    [message] = mail_server.messages
    assert message["To"] == "ann@example.com"
    assert "ann" in message.get_body(("html",)).get_content()
    response = set_password(client, link_in(message))
    assertRedirects(response, reverse("password_reset_complete"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_works_only_once(client, mail_server, run_worker):
    UserFactory(email="ann@example.com")
    ask_reset(client, "ann@example.com")
    run_worker()
    url = link_in(mail_server.messages[0])
    set_password(client, url)

    response = client.get(url, follow=True)

    assertContains(response, "has been used already, or has expired")


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client, mail_server, run_worker
):
    UserFactory(email="ann@example.com")

    response = ask_reset(client, "nobody@example.com")
    run_worker()

    assertRedirects(response, SENT_URL)
    assert mail_server.received == []


def test_an_address_is_sent_at_most_three_resets_an_hour(client, mail_server, db):
    UserFactory(email="ann@example.com")
    for _ in range(3):
        assertRedirects(ask_reset(client, "ann@example.com"), SENT_URL)

    response = ask_reset(client, "ANN@example.com")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 3500
    assertContains(response, "Too many reset requests", status_code=429)
    assert DBTaskResult.objects.count() == 3


def test_an_unknown_address_is_limited_as_a_known_one(client, mail_server, db):
    for _ in range(3):
        ask_reset(client, "nobody@example.com")

    assert ask_reset(client, "nobody@example.com").status_code == 429


def test_a_client_may_ask_ten_resets_an_hour(client, mail_server, db):
    for number in range(10):
        assertRedirects(ask_reset(client, f"user{number}@example.com"), SENT_URL)

    assert ask_reset(client, "another@example.com").status_code == 429
    other_client = ask_reset(client, "another@example.com", REMOTE_ADDR="192.0.2.7")
    assertRedirects(other_client, SENT_URL)


def test_an_ipv6_client_is_limited_by_its_64(client, mail_server, db):
    for number in range(10):
        ask_reset(
            client, f"user{number}@example.com", REMOTE_ADDR=f"2001:db8::{number}"
        )

    same_block = ask_reset(client, "another@example.com", REMOTE_ADDR="2001:db8::ff")
    assert same_block.status_code == 429
    other_block = ask_reset(
        client, "another@example.com", REMOTE_ADDR="2001:db8:0:1::1"
    )
    assertRedirects(other_block, SENT_URL)


def test_without_mail_settings_the_page_says_reset_is_unavailable(client, settings, db):
    settings.EMAIL_URL = ""
    UserFactory(email="ann@example.com")

    response = ask_reset(client, "ann@example.com")

    assertContains(response, "cannot send mail")
    assert DBTaskResult.objects.count() == 0


def test_reset_lifts_a_lockout_of_the_username(
    client, mail_server, run_worker, settings
):
    from axes.models import AccessAttempt

    user = UserFactory(username="ann", email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    assertContains(locked, f'href="{RESET_URL}"', status_code=429)
    assert AccessAttempt.objects.exists()

    ask_reset(client, "ann@example.com")
    run_worker()
    set_password(client, link_in(mail_server.messages[0]))

    response = client.post(
        reverse("login"), {"username": "ann", "password": NEW_PASSWORD}
    )
    assertRedirects(
        response, settings.LOGIN_REDIRECT_URL, fetch_redirect_response=False
    )
    assert int(client.session["_auth_user_id"]) == user.pk


def test_admin_action_mails_a_reset_link_to_a_user_without_a_usable_password(
    staff_client, mail_server, run_worker
):
    imported = UserFactory(username="imported", email="imp@example.com")
    imported.set_unusable_password()
    imported.save()

    response = staff_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [imported.pk]},
        follow=True,
    )
    run_worker()

    assertContains(response, "on its way to 1 user")
    [message] = mail_server.messages
    assert message["To"] == "imp@example.com"
    from django.test import Client

    set_password(Client(), link_in(message))
    assert get_user_model().objects.get(pk=imported.pk).check_password(NEW_PASSWORD)


def test_admin_action_names_the_users_without_an_address(staff_client, mail_server, db):
    nomail = UserFactory(username="nomail", email="")

    response = staff_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [nomail.pk]},
        follow=True,
    )

    assertContains(response, "No email address, no mail: nomail.")
    assert DBTaskResult.objects.count() == 0
