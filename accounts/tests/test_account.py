import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Profile
from comments.tests.factories import CommentFactory

ACCOUNT_URL = reverse("account")
DOWNLOAD_URL = reverse("comments:download")


def confirm_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"http://testserver(/account/email/confirm/\S+/)", text)
    return url


def test_account_page_has_its_address():
    assert ACCOUNT_URL == "/account/"


@pytest.mark.django_db
def test_account_page_asks_visitors_to_log_in(client):
    assertRedirects(client.get(ACCOUNT_URL), f"{reverse('login')}?next={ACCOUNT_URL}")


def test_account_page_shows_the_address_choices_and_links(bob_client, bob):
    response = bob_client.get(ACCOUNT_URL)

    assertContains(response, bob.email)
    assertContains(response, 'name="notify_replies"')
    assertContains(response, f'href="{reverse("password_change")}"')
    assertContains(response, f'href="{DOWNLOAD_URL}"')


def test_navbar_links_a_logged_in_user_to_the_account_page(bob_client):
    assertContains(bob_client.get(reverse("comments:list")), f'href="{ACCOUNT_URL}"')


def test_a_new_address_is_used_only_after_its_link_is_followed(
    client, bob, mail_server, run_worker
):
    client.force_login(bob)
    old = bob.email

    response = client.post(reverse("account_email"), {"email": "new@example.com"})
    run_worker()

    assertRedirects(response, ACCOUNT_URL)
    bob.refresh_from_db()
    assert bob.email == old
    [message] = mail_server.messages
    assert message["To"] == "new@example.com"
    link = confirm_link(message)
    assertContains(client.get(link), "new@example.com")
    bob.refresh_from_db()
    assert bob.email == old

    assertRedirects(client.post(link), ACCOUNT_URL)
    bob.refresh_from_db()
    assert bob.email == "new@example.com"


def test_an_altered_confirmation_link_changes_nothing(
    client, bob, mail_server, run_worker
):
    client.force_login(bob)
    client.post(reverse("account_email"), {"email": "new@example.com"})
    run_worker()
    link = confirm_link(mail_server.messages[0])

    response = client.post(link.replace("/confirm/", "/confirm/x"))

    assert response.status_code in {400, 404}
    bob.refresh_from_db()
    assert bob.email != "new@example.com"


def test_an_expired_confirmation_link_changes_nothing(
    client, bob, mail_server, run_worker, settings
):
    client.force_login(bob)
    client.post(reverse("account_email"), {"email": "new@example.com"})
    run_worker()
    settings.EMAIL_CONFIRMATION_TIMEOUT = timedelta(seconds=-1)

    response = client.post(confirm_link(mail_server.messages[0]))

    assertContains(response, "expired", status_code=400)
    bob.refresh_from_db()
    assert bob.email != "new@example.com"


def test_a_confirmation_link_works_once(client, bob, mail_server, run_worker):
    client.force_login(bob)
    old = bob.email
    client.post(reverse("account_email"), {"email": "new@example.com"})
    run_worker()
    link = confirm_link(mail_server.messages[0])
    client.post(link)
    # The owner puts the old address back: the link sets nothing again.
    bob.refresh_from_db()
    bob.email = old
    bob.save()

    response = client.post(link)

    assert response.status_code == 400
    bob.refresh_from_db()
    assert bob.email == old


def test_a_password_change_ends_a_pending_confirmation_link(
    client, bob, mail_server, run_worker
):
    # Asked for by whoever had the session for a moment, to their address.
    client.force_login(bob)
    client.post(reverse("account_email"), {"email": "intruder@example.com"})
    run_worker()
    link = confirm_link(mail_server.messages[0])
    bob.set_password("a new and long password")
    bob.save()

    response = client.post(link)

    assert response.status_code == 400
    bob.refresh_from_db()
    assert bob.email != "intruder@example.com"


def test_without_mail_the_address_cannot_be_changed(bob_client, settings):
    settings.EMAIL_URL = ""

    assertContains(bob_client.get(ACCOUNT_URL), "cannot send mail")
    bob_client.post(reverse("account_email"), {"email": "new@example.com"})
    assert DBTaskResult.objects.count() == 0


def test_notification_choices_are_saved(bob_client, bob):
    response = bob_client.post(
        reverse("account_notifications"), {"notify_mentions": "on"}
    )

    assertRedirects(response, ACCOUNT_URL)
    profile = Profile.of(bob)
    assert (profile.notify_replies, profile.notify_mentions) == (False, True)


def test_download_has_every_comment_of_the_user_with_times_and_permalinks(
    bob_client, bob
):
    first = CommentFactory(commenter=bob, content="first \u00e9 words")
    reply = CommentFactory(commenter=bob, content="second", parent=first)
    CommentFactory(content="someone else's")
    reply.edited = timezone.now()
    reply.save()

    response = bob_client.get(DOWNLOAD_URL)

    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(b"".join(response.streaming_content))
    assert data["username"] == "bob"
    assert [c["content"] for c in data["comments"]] == ["first \u00e9 words", "second"]
    assert data["comments"][0]["permalink"] == f"http://testserver/comments/{first.pk}/"
    assert data["comments"][1]["in_reply_to"] == data["comments"][0]["permalink"]
    assert data["comments"][0]["posted"] == first.posted.isoformat()
    assert data["comments"][1]["edited"] is not None


def test_download_of_a_user_without_comments_is_an_empty_list(bob_client):
    data = json.loads(b"".join(bob_client.get(DOWNLOAD_URL).streaming_content))

    assert data["comments"] == []


@pytest.mark.django_db
def test_download_asks_visitors_to_log_in(client):
    assert client.get(DOWNLOAD_URL).status_code == 302
