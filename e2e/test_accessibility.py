"""Accessibility: axe-core's checks in the pages, and the keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from comments.tests.factories import CommentFactory

# axe's scale is minor, moderate, serious, critical: the last two keep
# someone from using the page (a control without a name, unreadable text).
BLOCKING = {"serious", "critical"}


def assert_no_blocking_violations(page):
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, results.generate_report()


@pytest.fixture
def some_comments(bob):
    CommentFactory(content="The first comment on the board.", commenter=bob)
    CommentFactory(content="A reply\non two lines.", commenter=None)


def test_front_page_logged_out(page, some_comments):
    page.goto(reverse("comments:list"))
    assert_no_blocking_violations(page)


def test_front_page_logged_in(bob_page, some_comments):
    bob_page.reload()
    assert_no_blocking_violations(bob_page)


def test_front_page_with_an_error_in_the_form(bob_page, post_comment):
    post_comment(bob_page, "   ")
    textbox = bob_page.get_by_role("textbox", name="Comment")
    # Read out with the field, not only shown above it.
    expect(textbox).to_have_accessible_description("Write something before posting.")
    expect(textbox).to_have_attribute("aria-invalid", "true")
    assert_no_blocking_violations(bob_page)


def test_login_page(page):
    page.goto(reverse("login"))
    assert_no_blocking_violations(page)


def test_login_page_with_an_error(page, bob):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password")
    assert_no_blocking_violations(page)


def tab_to(page, target, presses=10):
    """Press Tab until ``target`` has the focus, and check that it shows."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            ring = target.evaluate(
                "element => { const style = getComputedStyle(element);"
                " return [style.outlineStyle, style.boxShadow]; }"
            )
            assert ring != ["none", "none"], "the focused element shows no focus ring"
            return
    pytest.fail(f"{target} not reached in {presses} presses of Tab")


def test_log_in_and_post_with_the_keyboard_alone(page, bob, password):
    # Without animations the focus ring is there at once, not fading in.
    page.emulate_media(reduced_motion="reduce")
    page.goto(reverse("comments:list"))

    tab_to(page, page.get_by_role("navigation").get_by_role("link", name="Log in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("bob")
    tab_to(page, page.get_by_label("Password"), presses=1)
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    tab_to(page, page.get_by_role("textbox", name="Comment"), presses=15)
    page.keyboard.type("Typed without a mouse")
    tab_to(page, page.get_by_role("button", name="Post comment"), presses=1)
    page.keyboard.press("Enter")
    expect(page.locator(".comment")).to_contain_text("Typed without a mouse")
    assert Comment.objects.get().commenter == bob


@pytest.fixture
def bobs_comment(bob):
    return CommentFactory(content="Bob's own comment.", commenter=bob)


def test_password_change_page_with_errors(bob_page, password):
    bob_page.goto(reverse("password_change"))
    new_password = bob_page.get_by_label("New password", exact=True)
    # The rules are read out with the field, before the first try.
    expect(new_password).to_have_accessible_description(
        re.compile("must contain at least 8 characters")
    )
    assert_no_blocking_violations(bob_page)
    old_password = bob_page.get_by_label("Old password")
    confirmation = bob_page.get_by_label("New password confirmation")
    old_password.fill("not the old one")
    new_password.fill("bob")
    confirmation.fill("bob")
    bob_page.get_by_role("button", name="Change password").click()
    expect(bob_page.get_by_role("main")).to_contain_text("This password is too short.")
    # Each error is read out with its field, which says it is invalid.
    expect(old_password).to_have_accessible_description(
        "Your old password was entered incorrectly. Please enter it again."
    )
    expect(old_password).to_have_attribute("aria-invalid", "true")
    expect(old_password).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(confirmation).to_have_accessible_description(
        re.compile("This password is too short.")
    )
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    assert_no_blocking_violations(bob_page)


def test_password_changed_page(bob_page, password):
    bob_page.goto(reverse("password_change"))
    bob_page.get_by_label("Old password").fill(password)
    bob_page.get_by_label("New password", exact=True).fill("a new and long passphrase")
    bob_page.get_by_label("New password confirmation").fill("a new and long passphrase")
    bob_page.get_by_role("button", name="Change password").click()
    expect(bob_page.get_by_role("heading", name="Password changed")).to_be_visible()
    assert_no_blocking_violations(bob_page)


def test_edit_page(bob_page, bobs_comment):
    bob_page.goto(reverse("comments:edit", args=[bobs_comment.pk]))
    assert_no_blocking_violations(bob_page)


def test_delete_confirmation_page(bob_page, bobs_comment):
    bob_page.goto(reverse("comments:delete", args=[bobs_comment.pk]))
    assert_no_blocking_violations(bob_page)


def test_not_found_page(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert_no_blocking_violations(page)


def test_edit_and_close_a_message_with_the_keyboard_alone(bob_page, bobs_comment):
    bob_page.emulate_media(reduced_motion="reduce")
    bob_page.goto(reverse("comments:list"))

    comment = bob_page.locator(".comment").filter(has_text="Bob's own comment.")
    tab_to(bob_page, comment.get_by_role("link", name="Edit"), presses=15)
    bob_page.keyboard.press("Enter")
    textbox = bob_page.get_by_role("textbox", name="Comment")
    tab_to(bob_page, textbox, presses=15)
    bob_page.keyboard.press("End")
    bob_page.keyboard.type(" Edited by keyboard.")
    tab_to(bob_page, bob_page.get_by_role("button", name="Save changes"), presses=1)
    bob_page.keyboard.press("Enter")

    expect(comment).to_contain_text("Bob's own comment. Edited by keyboard.")
    close = bob_page.get_by_role("status").get_by_role("button", name="Close")
    # From the comment, through its links and the form, round to the top.
    tab_to(bob_page, close, presses=25)
    bob_page.keyboard.press("Enter")
    expect(bob_page.get_by_role("status")).to_have_count(0)
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Bob's own comment. Edited by keyboard."
