"""Searching the board in a browser: the navbar's box, the results, their
pages and one person's comments."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory


def search_from_navbar(page, text):
    box = page.get_by_role("search", name="Search the board").get_by_label(
        "Search comments"
    )
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def results(page):
    return page.get_by_role("region", name="Comments found").locator(".comment-content")


def test_a_comment_just_posted_is_found_from_the_navbar(bob_page, post_comment):
    post_comment(bob_page, "Spotted a **walrus** on the beach")
    CommentFactory(content="Nothing to see here")
    search_from_navbar(bob_page, "walr")
    expect(bob_page).to_have_url(re.compile(r"/search/\?q=walr$"))
    expect(results(bob_page)).to_have_text(["Spotted a walrus on the beach"])
    expect(results(bob_page).locator("mark")).to_have_text(["walrus"])
    expect(bob_page.locator(".search-results .comment-posted")).to_contain_text(
        "by bob"
    )
    # The box on the page holds what was searched, to change it.
    expect(bob_page.get_by_label("Words to find")).to_have_value("walr")

    bob_page.locator(".search-results .comment-posted a:has(time)").click()
    comment = Comment.objects.get(content__contains="walrus")
    expect(bob_page).to_have_url(re.compile(rf"/#comment-{comment.pk}$"))
    expect(bob_page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()


def test_older_matches_come_fifty_a_page(page, make_comments):
    make_comments(60)
    page.goto(reverse("search:search"))
    page.get_by_label("Words to find").fill("number")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_count(50)
    expect(results(page).first).to_have_text("Comment number 60")
    expect(page.get_by_role("link", name="Newest matches")).to_have_count(0)

    page.get_by_role("link", name="Older matches").click()
    expect(results(page)).to_have_text(
        [f"Comment number {n}" for n in range(10, 0, -1)]
    )
    expect(page.get_by_role("link", name="Older matches")).to_have_count(0)

    page.get_by_role("link", name="Newest matches").click()
    expect(results(page).first).to_have_text("Comment number 60")


def test_one_persons_comments_are_searched_from_their_address(page, transactional_db):
    bob = UserFactory(username="bob")
    CommentFactory(content="Bob likes kites", commenter=bob)
    CommentFactory(content="Carol likes kites too")
    page.goto(reverse("search:search") + "?by=bob")
    expect(page.get_by_role("heading", name="Search bob’s comments")).to_be_visible()
    page.get_by_label("Words to find").fill("kites")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_text(["Bob likes kites"])


def test_typing_operators_and_symbols_says_nothing_matches(page, transactional_db):
    CommentFactory(content="Something else entirely")
    page.goto(reverse("comments:list"))
    search_from_navbar(page, '+cat* -"dog (bird) @bob ~<>😀')
    expect(page.get_by_text("No comments match")).to_be_visible()


def test_too_short_words_get_a_hint(page, transactional_db):
    page.goto(reverse("comments:list"))
    search_from_navbar(page, "go")
    expect(page.get_by_label("Words to find")).to_have_accessible_description(
        re.compile("Type a word of at least 3 letters")
    )


def test_the_search_page_has_no_blocking_accessibility_problem(page, transactional_db):
    CommentFactory(content="Accessible walrus")
    page.goto(reverse("search:search") + "?q=walrus")
    expect(results(page)).to_have_count(1)
    report = Axe().run(page)
    blocking = [
        violation
        for violation in report.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, report.generate_report()


def test_searching_too_fast_says_when_to_try_again(
    page, settings, clock, transactional_db
):
    # The live server runs in this process and reads the settings per
    # request; it counts in windows of this test's own (clock), whatever the
    # browser tests before it searched.
    settings.SEARCH_RATE_LIMIT = ((2, 60),)
    CommentFactory(content="A walrus again")
    page.goto("/")
    for _ in range(2):
        search_from_navbar(page, "walrus")
        expect(results(page)).to_have_count(1)
    search_from_navbar(page, "walrus again")
    expect(page.get_by_role("alert")).to_have_text(
        "You are searching too fast. Try again in 45 seconds."
    )
    expect(page.get_by_role("region", name="Comments found")).to_have_count(0)
    # What was typed is in the box, to send again later.
    expect(page.get_by_label("Words to find")).to_have_value("walrus again")
    report = Axe().run(page)
    assert not report.response["violations"], report.generate_report()
