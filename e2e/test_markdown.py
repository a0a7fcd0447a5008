"""Comments in Markdown: the preview, with script and without, and what a
posted comment shows."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment

from .test_accessibility import assert_no_blocking_violations


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_preview_shows_the_comment_and_keeps_the_text(
    new_context, bob, log_in, javascript
):
    page = new_context(java_script_enabled=javascript).new_page()
    log_in(page, "bob")
    textbox = page.get_by_role("textbox", name="Comment")
    textbox.fill("Some **bold** words")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(page.get_by_role("textbox", name="Comment")).to_have_value(
        "Some **bold** words"
    )
    assert not Comment.objects.exists()


def test_preview_in_place_does_not_leave_the_page(new_context, bob, log_in):
    page = new_context().new_page()
    log_in(page, "bob")
    page.evaluate("window.stillHere = true")
    page.get_by_role("textbox", name="Comment").fill("*soon*")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview").locator("em")).to_have_text(
        "soon"
    )
    assert page.evaluate("window.stillHere") is True


def test_posted_comment_shows_its_link_and_bold(bob_page, post_comment):
    post_comment(bob_page, "**Look** at [the docs](https://docs.djangoproject.com/)")
    comment = bob_page.locator("article.comment").last
    expect(comment.locator(".comment-content strong")).to_have_text("Look")
    link = comment.get_by_role("link", name="the docs")
    expect(link).to_have_attribute("href", "https://docs.djangoproject.com/")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")


def test_help_page_is_accessible(page):
    page.goto(reverse("comments:list"))
    page.goto(reverse("comments:formatting_help"))
    expect(page.get_by_role("heading", name="Formatting comments")).to_be_visible()
    assert_no_blocking_violations(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_previews_too_fast_say_when_to_try_again(
    new_context, bob, log_in, settings, clock, javascript
):
    # In counting windows of this test's own (clock), whatever the browser
    # tests before it previewed.
    settings.COMMENTS_PREVIEW_RATE_LIMIT = ((1, 60),)
    page = new_context(java_script_enabled=javascript).new_page()
    log_in(page, "bob")
    textbox = page.get_by_role("textbox", name="Comment")
    textbox.fill("First **look**")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview").locator("strong")).to_have_text(
        "look"
    )
    page.get_by_role("textbox", name="Comment").fill("Second **look**")
    page.get_by_role("button", name="Preview").click()
    expect(
        page.get_by_text("You are previewing too fast. Try again in 45 seconds.")
    ).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("Second **look**")
    assert not Comment.objects.exists()
