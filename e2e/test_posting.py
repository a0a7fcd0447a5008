"""Posting when it goes wrong: a refused comment, a session that ended."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

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
