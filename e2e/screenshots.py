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
from moderation.models import Report

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# A phone's width and a desktop's, each in the light and the dark theme:
# files are named <page>-<width>-<theme>.png.
WIDTHS = [375, 1280]
THEMES = ["light", "dark"]
HEIGHT = 800

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
    # A conversation: a reply in Markdown that mentions someone, and a
    # comment a moderator hid after two reports.
    minutes = Comment.objects.get(commenter__username="carol")
    reply = CommentFactory(
        content="Thanks for the **minutes**, @carol. Are the backups kept "
        "off site? See https://example.com/backups for how we did it.",
        commenter=users["bob"],
        parent=minutes,
    )
    spam = CommentFactory(
        content="Cheap watches, click here!", commenter=UserFactory(username="spammer")
    )
    for reporter in (users["alice"], users["carol"]):
        Report.objects.create(comment=spam, reporter=reporter, reason="spam")
    for comment, (hour, minute) in ((reply, (17, 2)), (spam, (17, 40))):
        posted = datetime.datetime(2017, 10, 13, hour, minute, tzinfo=datetime.UTC)
        Comment.objects.filter(pk=comment.pk).update(posted=posted)
    return staff


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots(new_context, board, log_in, width, theme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The times as the server writes them, whatever this machine's zone.
    page = new_context(
        timezone_id="UTC",
        color_scheme=theme,
        viewport={"width": width, "height": HEIGHT},
    ).new_page()
    # No half-drawn focus rings: the same pages give the same pictures.
    page.emulate_media(reduced_motion="reduce")

    def shoot(name, full_page=True):
        page.screenshot(
            path=SCREENSHOTS / f"{name}-{width}-{theme}.png", full_page=full_page
        )

    page.goto(reverse("comments:list"))
    expect(page.locator(".comment")).to_have_count(len(BOARD) + 2)
    shoot("front-logged-out")

    page.goto(reverse("search:search") + "?q=backups")
    expect(page.locator(".search-results .comment")).to_have_count(2)
    shoot("search")

    page.goto(reverse("login"))
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot("login-error")

    # With its welcome message, and bob's own comments' Edit and Delete links.
    log_in(page, "bob")
    page.evaluate("window.scrollTo(0, 0)")
    shoot("front-logged-in")

    # A comment's time is its permanent link, which marks it on arrival: the
    # screen as it opens there.
    carols = Comment.objects.get(commenter__username="carol")
    page.goto(carols.get_absolute_url())
    expect(page.locator(f"#comment-{carols.pk}")).to_be_in_viewport()
    shoot("permalink", full_page=False)

    page.goto(reverse("logout"))
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill(board.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("rowheader", name="Comments", exact=True).get_by_role(
        "link"
    ).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(len(BOARD) + 2)
    shoot("admin-comments")

    # The reports queue: the reported comment, then hidden from the board.
    page.goto(reverse("admin:moderation_moderatedcomment_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    shoot("admin-reports")
    page.locator("#result_list tbody tr input[type=checkbox]").check()
    page.locator("select[name=action]").select_option(label="Hide selected comments")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(reverse("comments:list"))
    expect(page.get_by_text("This comment was removed by a moderator.")).to_be_visible()
    shoot("hidden-comment")
