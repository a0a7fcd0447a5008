"""The journeys that go through a mailbox: the mails are read from the test's
own SMTP server, as the worker sent them."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from comments.tests.factories import CommentFactory

NEW_PASSWORD = "a brand new passphrase for ann"


@pytest.fixture
def site_mail(mail_server, settings, live_server):
    """The SMTP server, with the mails' links on the live server."""
    settings.SITE_URL = live_server.url
    return mail_server


def link_in(message, pattern):
    text = message.get_body(("plain",)).get_content()
    [url] = re.findall(pattern, text)
    return url


def test_password_reset_from_the_login_page_to_logging_in(
    page, site_mail, run_worker, log_in, live_server
):
    UserFactory(username="ann", email="ann@example.com")

    page.goto(reverse("login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    run_worker()
    [message] = site_mail.messages
    assert message["To"] == "ann@example.com"
    page.goto(link_in(message, rf"{live_server.url}/password/reset/\S+/"))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    log_in(page, "ann", NEW_PASSWORD)
    expect(page.get_by_role("navigation")).to_contain_text("ann")


def test_a_reply_mails_a_link_that_opens_the_reply(
    page, site_mail, run_worker, live_server
):
    ann = UserFactory(username="ann", email="ann@example.com")
    question = CommentFactory(commenter=ann, content="Who brings the cake?")
    reply = CommentFactory(
        commenter=UserFactory(username="bob"), parent=question, content="I do!"
    )

    run_worker()
    [message] = site_mail.messages
    page.goto(link_in(message, rf"{live_server.url}/comments/\d+/"))

    shown = page.locator(f"#comment-{reply.pk}")
    expect(shown).to_contain_text("I do!")
    expect(shown).to_be_in_viewport()


def test_unsubscribe_through_the_mails_header_link(
    page, site_mail, run_worker, live_server
):
    ann = UserFactory(username="ann", email="ann@example.com")
    question = CommentFactory(commenter=ann, content="Who brings the cake?")
    CommentFactory(commenter=UserFactory(), parent=question, content="I do!")
    run_worker()
    [message] = site_mail.messages
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith(live_server.url)

    page.goto(url)
    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("status")).to_contain_text("no more mails")
    profile = Profile.of(ann)
    assert not profile.notify_replies and not profile.notify_mentions
