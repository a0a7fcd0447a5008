"""The pages fit a phone's width and a desktop's: nothing scrolls sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from comments.tests.factories import CommentFactory

# A name of 150 characters, the most Django allows, with nowhere to break.
LONG_USERNAME = "kimberly.longname" * 8 + "@example.com"
UNBROKEN = "x" * 1000


def overflow(page):
    """How many pixels the page is wider than the window (0 if it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.fixture
def long_user(transactional_db):
    user = UserFactory(username=LONG_USERNAME)
    CommentFactory(content="Short and sweet.", commenter=user)
    CommentFactory(content=UNBROKEN, commenter=user)
    CommentFactory(
        content="See https://example.com/" + "a-long-path/" * 40, commenter=None
    )
    return user


@pytest.mark.parametrize("width", [375, 1280])
def test_no_page_scrolls_sideways(page, long_user, log_in, post_comment, width):
    page.set_viewport_size({"width": width, "height": 800})
    widths = {}

    page.goto(reverse("comments:list"))
    expect(page.get_by_text("Short and sweet.")).to_be_visible()
    widths["front page, logged out"] = overflow(page)

    page.goto(reverse("login"))
    page.get_by_label("Username").fill(LONG_USERNAME)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    widths["login page, with an error"] = overflow(page)

    log_in(page, LONG_USERNAME)
    widths["front page, logged in"] = overflow(page)

    post_comment(page, "   ")
    expect(page.get_by_role("alert")).to_be_visible()
    widths["front page, with an error in the form"] = overflow(page)

    assert widths == dict.fromkeys(widths, 0)


@pytest.mark.parametrize("width", [375, 1280])
def test_admin_comment_list_does_not_scroll_sideways(staff_page, long_user, width):
    staff_page.set_viewport_size({"width": width, "height": 800})
    staff_page.goto(reverse("admin:comments_comment_changelist"))
    expect(staff_page.locator("#result_list tbody tr")).to_have_count(3)
    assert overflow(staff_page) == 0


@pytest.mark.parametrize("width", [375, 1280])
def test_account_and_comment_pages_do_not_scroll_sideways(
    page, long_user, log_in, width
):
    page.set_viewport_size({"width": width, "height": 800})
    own = long_user.comments.get(content=UNBROKEN)
    log_in(page, LONG_USERNAME)
    widths = {}

    page.goto(reverse("comments:edit", args=[own.pk]))
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    widths["edit"] = overflow(page)

    page.goto(reverse("comments:delete", args=[own.pk]))
    expect(page.get_by_role("button", name="Delete")).to_be_visible()
    widths["delete confirmation"] = overflow(page)

    page.goto(reverse("password_change"))
    widths["password change"] = overflow(page)
    page.get_by_label("Old password").fill("wrong")
    page.get_by_label("New password", exact=True).fill(UNBROKEN[:100])
    page.get_by_label("New password confirmation").fill("y" * 100)
    page.get_by_role("button", name="Change password").click()
    expect(
        page.get_by_text("Your old password was entered incorrectly.")
    ).to_be_visible()
    widths["password change, with errors"] = overflow(page)

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a new and long passphrase")
    page.get_by_label("New password confirmation").fill("a new and long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    widths["password changed"] = overflow(page)

    assert widths == dict.fromkeys(widths, 0)
