"""The tutorial's own walk-through, and its attacks, done in a browser."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment

# "Posted Friday, 13 October 2017 at 16:36 by bob"
POSTED_BY_BOB = re.compile(r"Posted \w+day, \d\d \w+ \d{4} at \d\d:\d\d by bob")


def comment_form(page):
    return page.get_by_role("textbox", name="Comment")


def log_in_link(page):
    return page.get_by_role("navigation").get_by_role("link", name="Log in")


def test_walk_through_log_in_post_and_log_out(page, live_server, bob, password):
    page.goto(reverse("comments:list"))
    expect(page.get_by_text("No comments yet.")).to_be_visible()
    expect(comment_form(page)).to_have_count(0)

    log_in_link(page).click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not bob's password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password")
    expect(page.get_by_label("Username")).to_have_value("bob")

    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # The front page, at the newest comment.
    expect(page).to_have_url(live_server.url + reverse("comments:list") + "#newest")
    expect(comment_form(page)).to_be_visible()

    comment_form(page).fill("My first comment")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".comment").filter(has_text="My first comment")
    expect(comment).to_contain_text(POSTED_BY_BOB)
    expect(comment_form(page)).to_be_empty()

    page.get_by_role("button", name="Log out").click()
    expect(log_in_link(page)).to_be_visible()
    expect(comment_form(page)).to_have_count(0)
    expect(comment).to_be_visible()
    assert Comment.objects.get().commenter == bob


def test_post_from_a_tab_left_open_after_logging_out_stores_nothing(
    context, live_server, bob_page
):
    # The tutorial's "Real security": log out in a second tab, then submit
    # the form that is still on screen in the first.
    other_tab = context.new_page()
    other_tab.goto(reverse("comments:list"))
    other_tab.get_by_role("button", name="Log out").click()
    expect(log_in_link(other_tab)).to_be_visible()

    comment_form(bob_page).fill("Posted after logging out")
    bob_page.get_by_role("button", name="Post comment").click()

    expect(bob_page).to_have_url(
        re.compile(re.escape(live_server.url + reverse("login")))
    )
    expect(bob_page.get_by_role("heading", name="Log in")).to_be_visible()
    assert not Comment.objects.exists()
    bob_page.goto(reverse("comments:list"))
    expect(bob_page.get_by_text("Posted after logging out")).to_have_count(0)


def test_reload_keeps_you_logged_in(context, bob_page):
    bob_page.reload()
    expect(bob_page.get_by_role("button", name="Log out")).to_be_visible()
    expect(comment_form(bob_page)).to_be_visible()

    new_tab = context.new_page()
    new_tab.goto(reverse("comments:list"))
    expect(new_tab.get_by_role("navigation")).to_contain_text("bob")
    expect(comment_form(new_tab)).to_be_visible()


def test_emoji_and_markup_round_trip_as_text(bob_page, post_comment):
    dialogs = []
    bob_page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    texts = [
        "Grüße aus Köln 👋🏽 — naïve café, 日本語, עברית",
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(2)"> & <b>not bold</b>',
    ]
    for text in texts:
        post_comment(bob_page, text)

    bob_page.reload()
    contents = bob_page.locator(".comment-content")
    expect(contents).to_have_text(texts)
    expect(bob_page.locator("main script, main img, main b")).to_have_count(0)
    assert list(Comment.objects.values_list("content", flat=True)) == texts
    assert dialogs == []
