"""A board longer than a page, read in a browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment


@pytest.fixture
def board(make_comments):
    """120 comments: the latest page holds 71 to 120, then 21 to 70, then 1 to 20."""
    return make_comments(120)


def contents(page):
    return page.locator(".comment-content")


def expect_comments(page, first, last):
    numbers = [f"Comment number {n}" for n in range(first, last + 1)]
    expect(contents(page)).to_have_text(numbers)


def comment_form(page):
    return page.get_by_role("textbox", name="Comment")


def test_older_and_newer_links_walk_the_board(bob_page, board):
    bob_page.goto(reverse("comments:list"))
    expect_comments(bob_page, 71, 120)
    expect(bob_page.get_by_role("link", name="Newer comments")).to_have_count(0)
    expect(comment_form(bob_page)).to_be_visible()

    bob_page.get_by_role("link", name="Older comments").click()
    expect_comments(bob_page, 21, 70)
    # New comments go at the end of the latest page only.
    expect(comment_form(bob_page)).to_have_count(0)

    bob_page.get_by_role("link", name="Older comments").click()
    expect_comments(bob_page, 1, 20)
    expect(bob_page.get_by_role("link", name="Older comments")).to_have_count(0)
    expect(comment_form(bob_page)).to_have_count(0)

    bob_page.get_by_role("link", name="Newer comments").click()
    expect_comments(bob_page, 21, 70)
    bob_page.get_by_role("link", name="Newer comments").click()
    expect_comments(bob_page, 71, 120)
    expect(bob_page.get_by_role("link", name="Newer comments")).to_have_count(0)
    expect(comment_form(bob_page)).to_be_visible()


def test_permalink_lands_on_the_comments_page_scrolled_to_it(page, board):
    page.set_viewport_size({"width": 1024, "height": 600})
    page.goto(reverse("comments:list"))
    page.get_by_role("link", name="Older comments").click()
    comment = Comment.objects.get(content="Comment number 30")
    article = page.locator(f"#comment-{comment.pk}")

    article.locator(".comment-posted a:has(time)").click()

    expect(page).to_have_url(
        re.compile(rf"\?after={comment.pk - 1}#comment-{comment.pk}$")
    )
    # The page that starts with it, the conversation after it below.
    expect(contents(page).first).to_have_text("Comment number 30")
    expect(article).to_be_in_viewport()
    assert page.evaluate("() => window.scrollY") > 0
    assert article.evaluate("element => element.matches(':target')")


def test_permalink_of_a_recent_comment_lands_on_the_latest_page(bob_page, board):
    comment = Comment.objects.get(content="Comment number 80")
    bob_page.goto(comment.get_absolute_url())
    expect(bob_page).to_have_url(re.compile(rf"/#comment-{comment.pk}$"))
    expect_comments(bob_page, 71, 120)
    expect(bob_page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    expect(comment_form(bob_page)).to_be_visible()


# The entries of the page's Largest Contentful Paint, as the browser
# recorded them (buffered: those before this call too).
LARGEST_CONTENTFUL_PAINTS = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => resolve(list.getEntries().length))
    .observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(0), 1000);
})"""


def test_a_permalink_opens_at_its_comment_without_smooth_scrolling(page, make_comments):
    # Bootstrap scrolls smoothly when the reader welcomes motion. A page
    # opened at a comment must not: Chromium ends the page's Largest
    # Contentful Paint at such a scroll, which often comes before the first
    # paint (whenever the stylesheet is there first), and Lighthouse then
    # has no performance score for the permalink.
    page.set_viewport_size({"width": 412, "height": 823})
    page.emulate_media(reduced_motion="no-preference")
    comment = make_comments(8)[2]
    page.goto(comment.get_absolute_url())
    expect(page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    assert page.evaluate("() => window.scrollY") > 0
    assert (
        page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior")
        == "auto"
    )
    assert page.evaluate(LARGEST_CONTENTFUL_PAINTS) > 0
