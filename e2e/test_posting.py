"""Posting when it goes wrong: a refused comment, a session that ended."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from comments.models import Comment

ERROR_TITLE = re.compile(r"^Error: ")


@pytest.fixture
def full_board(make_comments):
    """A latest page full of comments, the form far below the top."""
    return make_comments(settings.COMMENTS_PER_PAGE)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [375, 1280])
def test_a_refused_post_shows_its_error_beside_the_focused_field(
    new_context, bob, full_board, log_in, post_comment, width, javascript
):
    context = new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in(page, "bob")
    # Blank to the server; the browser's own check lets spaces through.
    post_comment(page, "   ")

    error = page.get_by_role("alert")
    expect(error).to_have_text("Write something before posting.")
    expect(error).to_be_in_viewport(ratio=1)
    textbox = page.get_by_role("textbox", name="Comment")
    expect(textbox).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Post comment")).to_be_in_viewport()
    expect(textbox).to_be_focused()
    expect(page).to_have_title(ERROR_TITLE)


# A session that ends while a form is on screen: what was typed is never lost.


def comment_box(page):
    return page.get_by_role("textbox", name="Comment")


def log_out_in_another_tab(context):
    tab = context.new_page()
    tab.goto(reverse("comments:list"))
    tab.get_by_role("button", name="Log out").click()
    expect(
        tab.get_by_role("navigation").get_by_role("link", name="Log in")
    ).to_be_visible()
    return tab


def log_in_on_this_page(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_a_post_after_logging_out_elsewhere_is_kept_through_the_login(
    context, bob_page
):
    log_out_in_another_tab(context)
    comment_box(bob_page).fill("Typed before the logout")
    bob_page.get_by_role("button", name="Post comment").click()

    expect(bob_page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(
        bob_page.get_by_text(
            "Your session ended: log in to post your comment; your text is kept."
        )
    ).to_be_visible()
    assert "Typed" not in bob_page.url
    assert not Comment.objects.exists()

    log_in_on_this_page(bob_page, "bob")
    box = comment_box(bob_page)
    expect(box).to_have_value("Typed before the logout")
    expect(box).to_be_in_viewport()
    assert not Comment.objects.exists()
    with bob_page.expect_navigation():
        bob_page.get_by_role("button", name="Post comment").click()
    expect(bob_page.locator(".comment")).to_contain_text("Typed before the logout")
    assert Comment.objects.get().content == "Typed before the logout"


def test_a_post_after_another_user_logged_in_elsewhere_shows_its_text_to_copy(
    context, bob_page, log_in
):
    UserFactory(username="carol")
    carols_tab = log_out_in_another_tab(context)
    log_in(carols_tab, "carol")
    comment_box(bob_page).fill("Bob's words, <b>typed</b> before")
    bob_page.get_by_role("button", name="Post comment").click()

    expect(bob_page.get_by_role("heading", name="Form expired")).to_be_visible()
    expect(bob_page.get_by_label("Your text, not sent")).to_have_value(
        "Bob's words, <b>typed</b> before"
    )
    assert not Comment.objects.exists()
    # Nothing of it goes to the user now logged in.
    bob_page.goto(reverse("comments:list"))
    expect(comment_box(bob_page)).to_have_value("")


def test_an_edit_after_logging_out_elsewhere_is_kept_through_the_login(
    context, bob_page, post_comment
):
    post_comment(bob_page, "Frist post")
    comment = Comment.objects.get()
    bob_page.goto(reverse("comments:edit", args=[comment.pk]))
    log_out_in_another_tab(context)
    comment_box(bob_page).fill("First post")
    bob_page.get_by_role("button", name="Save changes").click()

    expect(
        bob_page.get_by_text(
            "Your session ended: log in to save your changes; your text is kept."
        )
    ).to_be_visible()
    log_in_on_this_page(bob_page, "bob")
    expect(bob_page.get_by_role("heading", name="Edit comment")).to_be_visible()
    expect(comment_box(bob_page)).to_have_value("First post")
    comment.refresh_from_db()
    assert comment.content == "Frist post"

    bob_page.get_by_role("button", name="Save changes").click()
    expect(bob_page.get_by_text("Comment updated")).to_be_visible()
    comment.refresh_from_db()
    assert comment.content == "First post"


def test_the_posting_address_opened_leads_to_the_form(bob_page, live_server):
    # Enter in the address bar of a refused post's answer.
    bob_page.goto(reverse("comments:create"))
    expect(bob_page).to_have_url(
        live_server.url + reverse("comments:list") + "#comment-form"
    )
    expect(comment_box(bob_page)).to_be_visible()
