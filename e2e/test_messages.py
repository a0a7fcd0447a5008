"""What the site says after an action, and closing it."""

from django.urls import reverse
from playwright.sync_api import expect


def message(page, text):
    return page.locator(".messages .alert").filter(has_text=text)


def close(page, text):
    """Read the message, then close it with its button."""
    shown = message(page, text)
    expect(shown).to_be_visible()
    shown.get_by_role("button", name="Close").click()
    expect(shown).to_have_count(0)


def test_messages_show_and_close(page, bob, log_in, post_comment):
    log_in(page, "bob")
    close(page, "Welcome, bob")

    post_comment(page, "Hello")
    close(page, "Comment posted")

    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Log in")
    ).to_be_visible()
    close(page, "You have been logged out")


def test_a_message_shows_once(bob_page):
    expect(message(bob_page, "Welcome, bob")).to_be_visible()
    bob_page.goto(reverse("comments:list"))
    expect(bob_page.locator(".messages")).to_have_count(0)
