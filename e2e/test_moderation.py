"""Reports, hiding and bans, in a browser: readers, authors and moderators."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import Report

PLACEHOLDER = "This comment was removed by a moderator."
LIST_URL = reverse("comments:list")
QUEUE_URL = reverse("admin:moderation_moderatedcomment_changelist")
# Pictures for the record of the change (not committed): set SCREENSHOTS to
# a folder to have them written there.
SCREENSHOTS = os.environ.get("SCREENSHOTS")
VIEWPORT = {"width": 1280, "height": 800}


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


@pytest.fixture
def carol(transactional_db):
    return UserFactory(username="carol")


@pytest.fixture
def carols(carol):
    return CommentFactory(content="Buy cheap watches at spam.example", commenter=carol)


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_reader_reports_a_comment_and_sees_they_did(
    new_context, bob, carols, log_in, javascript
):
    page = new_context(java_script_enabled=javascript).new_page()
    log_in(page, "bob")
    comment = page.locator(f"#comment-{carols.pk}")
    comment.get_by_role("link", name="Report").click()
    page.get_by_role("radio", name="Spam").check()
    page.get_by_label("Note").fill("Same link everywhere")
    page.get_by_role("button", name="Report").click()

    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text(
        "a moderator will look at this comment"
    )
    expect(comment).to_contain_text("You reported this")
    expect(comment.get_by_role("link", name="Report")).to_have_count(0)
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (
        bob,
        "spam",
        "Same link everywhere",
    )


def test_a_second_report_says_it_was_already_made(bob_page, bob, carols):
    Report.objects.create(
        comment=carols,
        reporter=get_user_model().objects.get(username="bob"),
        reason="abuse",
    )
    bob_page.goto(reverse("moderation:report", args=[carols.pk]))
    expect(bob_page.locator(".alert")).to_contain_text(
        "You already reported this comment"
    )
    assert Report.objects.count() == 1


def test_a_moderator_hides_a_comment_from_the_board(new_context, staff, carols, log_in):
    reply = CommentFactory(content="Don't click that", parent=carols, is_reply=True)
    reader = new_context().new_page()
    reader.goto(LIST_URL)
    expect(reader.get_by_text("Buy cheap watches")).to_be_visible()

    moderator = new_context(viewport=VIEWPORT).new_page()
    log_in(moderator, staff.username)
    moderator.locator(f"#comment-{carols.pk}").get_by_role("link", name="Hide").click()
    moderator.get_by_role("button", name="Hide").click()
    expect(moderator.locator(".alert")).to_contain_text("Comment hidden")
    hidden = moderator.locator(f"#comment-{carols.pk}")
    expect(hidden).to_contain_text(PLACEHOLDER)
    expect(hidden.get_by_role("link", name="Restore")).to_be_visible()

    # Everyone else, at once: the placeholder in its place, the reply after it.
    reader.reload()
    expect(reader.locator(f"#comment-{carols.pk}")).to_contain_text(PLACEHOLDER)
    expect(reader.get_by_text("Buy cheap watches")).to_have_count(0)
    expect(reader.locator(f"#comment-{reply.pk}")).to_contain_text("Don't click that")

    # Its author still sees the text, marked as removed.
    author = new_context(viewport=VIEWPORT).new_page()
    log_in(author, "carol")
    own = author.locator(f"#comment-{carols.pk}")
    expect(own).to_contain_text("Buy cheap watches")
    expect(own).to_contain_text("Removed by a moderator")
    own.scroll_into_view_if_needed()
    screenshot(author, "hidden-comment-author.png")

    moderator.reload()
    moderator.locator(f"#comment-{carols.pk}").scroll_into_view_if_needed()
    screenshot(moderator, "hidden-comment-board.png")

    # Restored from the board, it is back for everyone.
    moderator.locator(f"#comment-{carols.pk}").get_by_role(
        "link", name="Restore"
    ).click()
    moderator.get_by_role("button", name="Restore").click()
    reader.reload()
    expect(reader.get_by_text("Buy cheap watches")).to_be_visible()
    assert Comment.objects.get(pk=carols.pk).hidden is None


def test_a_moderator_hides_a_reported_comment_from_the_queue(
    new_context, staff_page, carols
):
    quiet = CommentFactory(content="Off topic, a bit")
    for reason in ["spam", "spam", "abuse"]:
        Report.objects.create(comment=carols, reporter=UserFactory(), reason=reason)
    Report.objects.create(comment=quiet, reporter=UserFactory(), reason="off-topic")
    reader = new_context().new_page()
    reader.goto(LIST_URL)
    expect(reader.get_by_text("Buy cheap watches")).to_be_visible()

    staff_page.set_viewport_size(VIEWPORT)
    staff_page.get_by_role("link", name="Reported comments").click()
    rows = staff_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Off topic, a bit")
    expect(rows.nth(1)).to_contain_text("Spam ×2, Abuse")
    screenshot(staff_page, "reports-queue.png")

    staff_page.get_by_role("link", name="Spam", exact=True).click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("checkbox").check()
    staff_page.get_by_role("combobox", name="Action").select_option(
        label="Hide selected comments"
    )
    staff_page.get_by_role("button", name="Go").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("Hid 1 comment.")

    reader.reload()
    expect(reader.get_by_text(PLACEHOLDER)).to_be_visible()
    expect(reader.get_by_text("Buy cheap watches")).to_have_count(0)
    # The history says who did it.
    staff_page.goto(reverse("admin:index"))
    expect(staff_page.locator("#recent-actions-module")).to_contain_text(
        "Buy cheap watches"
    )


def test_a_banned_user_is_logged_out_and_their_comments_hidden(
    new_context, staff_page, carols, log_in
):
    carols_tab = new_context().new_page()
    log_in(carols_tab, "carol")

    staff_page.get_by_role("link", name="Users").click()
    staff_page.get_by_role("row", name="carol").get_by_role("checkbox").check()
    staff_page.get_by_role("combobox", name="Action").select_option(
        label="Ban and hide all their comments"
    )
    staff_page.get_by_role("button", name="Go").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("Banned 1 user.")

    carols_tab.reload()
    expect(carols_tab.get_by_role("button", name="Log out")).to_have_count(0)
    expect(carols_tab.get_by_text(PLACEHOLDER)).to_be_visible()
    expect(carols_tab.get_by_text("Buy cheap watches")).to_have_count(0)
