"""
The screenshots in docs/screenshots/, made by ``make screenshots``.

Not part of the test suite (its name does not start with ``test_``): pytest
runs it only when named on the command line, for the fixtures it shares
with the browser tests (live server, Chromium, logging in).
"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Wide enough for Bootstrap's desktop layout, narrow enough to read in a
# README; the admin needs more room for its sidebar and filters.
VIEWPORT = {"width": 1024, "height": 640}
ADMIN_VIEWPORT = {"width": 1280, "height": 720}

BOARD = [
    ("bob", "Hello, world! First comment on the new board.", (9, 12)),
    ("alice", "Welcome, Bob. Who can post here?", (9, 47)),
    ("bob", "Anyone with an account: ask a member of staff for one.", (10, 3)),
    (
        "carol",
        "Minutes from Tuesday's meeting:\n"
        "- the server move is done\n"
        "- backups run every night at 02:00",
        (14, 30),
    ),
    ("alice", "Thanks, Carol. See you all on Friday.", (16, 36)),
]


@pytest.fixture
def board(transactional_db):
    staff = UserFactory(username="sam", is_staff=True, is_superuser=True)
    users = {}
    for username, content, (hour, minute) in BOARD:
        if username not in users:
            users[username] = UserFactory(username=username)
        comment = CommentFactory(content=content, commenter=users[username])
        posted = datetime.datetime(2017, 10, 13, hour, minute, tzinfo=datetime.UTC)
        Comment.objects.filter(pk=comment.pk).update(posted=posted)
    return staff


def test_screenshots(new_context, board, log_in):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The times as the server writes them, whatever this machine's zone.
    page = new_context(timezone_id="UTC").new_page()
    page.set_viewport_size(VIEWPORT)
    # No half-drawn focus rings: the same pages give the same pictures.
    page.emulate_media(reduced_motion="reduce")

    def shoot(name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    page.goto(reverse("comments:list"))
    expect(page.locator(".comment")).to_have_count(len(BOARD))
    shoot("front-logged-out")

    page.goto(reverse("login"))
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot("login-error")

    # With its welcome message, and bob's own comments' Delete links.
    log_in(page, "bob")
    shoot("front-logged-in")

    # A comment's time is its permanent link, which marks it on arrival.
    carols = Comment.objects.get(commenter__username="carol")
    page.goto(carols.get_absolute_url())
    expect(page.locator(f"#comment-{carols.pk}")).to_be_in_viewport()
    shoot("permalink")

    page.get_by_role("button", name="Log out").click()
    page.set_viewport_size(ADMIN_VIEWPORT)
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill(board.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("rowheader", name="Comments", exact=True).get_by_role(
        "link"
    ).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(len(BOARD))
    shoot("admin-comments")
