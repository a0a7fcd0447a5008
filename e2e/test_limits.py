"""Posting too fast, and a form sent twice."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment


@pytest.fixture
def two_a_minute(settings):
    # The live server runs in this process and reads the settings per request.
    settings.COMMENTS_RATE_LIMIT = ((2, 60),)


def test_a_post_past_the_limit_shows_the_wait_with_the_text_kept(
    two_a_minute, bob_page, post_comment
):
    post_comment(bob_page, "First")
    post_comment(bob_page, "Second")
    post_comment(bob_page, "Third, too soon")

    error = bob_page.get_by_role("alert")
    expect(error).to_have_text(
        re.compile(r"You are posting too fast\. Try again in \d+ seconds\.")
    )
    textbox = bob_page.get_by_role("textbox", name="Comment")
    expect(textbox).to_have_value("Third, too soon")
    expect(textbox).to_be_focused()
    expect(bob_page).to_have_title(re.compile(r"^Error: "))
    assert list(Comment.objects.values_list("content", flat=True)) == [
        "First",
        "Second",
    ]


def test_a_double_submitted_form_stores_one_comment(bob_page):
    bob_page.get_by_role("textbox", name="Comment").fill("Said once")
    # The form's data sent twice, one after the other, with the page's
    # cookies and CSRF token, as a resent form sends it. (Two at once are
    # tested against two servers: the tests' in-memory SQLite cannot take
    # two writers, where a real database makes one wait.)
    statuses = bob_page.locator("form.comment-form").evaluate(
        """async (form) => {
            const send = () => fetch(form.action, {
                method: "POST", body: new URLSearchParams(new FormData(form)),
            });
            const first = await send();
            const second = await send();
            return [first.status, second.status];
        }"""
    )
    assert statuses == [200, 200]
    # Sent by script, not by the form: emptied, or leaving would ask first.
    bob_page.get_by_role("textbox", name="Comment").fill("")
    bob_page.reload()
    expect(bob_page.get_by_text("Said once")).to_have_count(1)
    assert list(Comment.objects.values_list("content", flat=True)) == ["Said once"]
