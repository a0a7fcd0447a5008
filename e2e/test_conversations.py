"""Conversations in a browser: replying to a comment, a mention leading to
the person's page, and a person's page read page by page."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .test_accessibility import assert_no_blocking_violations


def test_reply_quotes_the_comment_and_each_links_to_the_other(bob_page):
    carol = UserFactory(username="carol")
    question = Comment.objects.create(content="Who *knows* Django?", commenter=carol)
    bob_page.goto(reverse("comments:list"))

    bob_page.locator(f"#comment-{question.pk}").get_by_role(
        "link", name="Reply"
    ).click()
    expect(bob_page.get_by_role("heading", name="Reply to carol")).to_be_visible()
    quote = bob_page.locator("blockquote")
    expect(quote.locator("em")).to_have_text("knows")
    expect(
        bob_page.locator("figcaption").get_by_role("link", name="carol")
    ).to_be_visible()
    assert_no_blocking_violations(bob_page)

    bob_page.get_by_role("textbox", name="Comment").fill("I do")
    with bob_page.expect_navigation():
        bob_page.get_by_role("button", name="Post reply").click()

    reply = Comment.objects.get(content="I do")
    assert reply.parent == question
    article = bob_page.locator(f"#comment-{reply.pk}")
    expect(article).to_contain_text("in reply to carol")
    answered = article.get_by_role("link", name="carol", exact=True)
    expect(answered).to_have_attribute("href", question.get_absolute_url())

    replies = bob_page.locator(f"#comment-{question.pk} .comment-replies")
    expect(replies).to_contain_text("1 reply")
    replies.get_by_role("link", name="from bob").click()
    expect(bob_page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))

    answered = bob_page.locator(f"#comment-{reply.pk}").get_by_role(
        "link", name="carol", exact=True
    )
    answered.click()
    expect(bob_page).to_have_url(re.compile(rf"#comment-{question.pk}$"))


def test_mention_leads_to_the_persons_page(bob_page, post_comment):
    UserFactory(username="carol")
    post_comment(bob_page, "Thanks, @carol!")
    bob_page.get_by_role("link", name="@carol").click()
    expect(bob_page).to_have_url(re.compile(r"/users/carol/$"))
    expect(bob_page.get_by_role("heading", name="carol")).to_be_visible()
    expect(bob_page.get_by_text("0 comments since joining on")).to_be_visible()


def test_by_name_leads_to_a_page_read_fifty_at_a_time(page, make_comments):
    make_comments(120)
    page.goto(reverse("comments:list"))
    page.locator("article.comment").last.get_by_role("link", name="alice").click()
    expect(page.get_by_role("heading", name="alice")).to_be_visible()
    expect(page.get_by_text("120 comments since joining on")).to_be_visible()
    assert_no_blocking_violations(page)

    def numbers():
        return [
            int(text.rsplit(" ", 1)[1])
            for text in page.locator(".comment-content").all_inner_texts()
        ]

    expect(page.locator("article.comment")).to_have_count(50)
    assert numbers() == list(range(120, 70, -1))
    page.get_by_role("link", name="Older comments").click()
    expect(page.locator("article.comment")).to_have_count(50)
    assert numbers() == list(range(70, 20, -1))
    page.get_by_role("link", name="Older comments").click()
    expect(page.locator("article.comment")).to_have_count(20)
    assert numbers() == list(range(20, 0, -1))
    expect(page.get_by_role("link", name="Older comments")).to_have_count(0)
    page.get_by_role("link", name="Newest comments").click()
    expect(page.locator("article.comment").first).to_contain_text("Comment number 120")
