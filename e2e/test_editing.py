"""Editing and deleting comments, by their authors and by staff."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory


def comment_on_page(page, text):
    return page.locator(".comment").filter(has_text=text)


@pytest.fixture
def bobs_comment(bob_page, post_comment):
    post_comment(bob_page, "Frist post")
    return Comment.objects.get(content="Frist post")


def test_author_edits_within_the_window(bob_page, bobs_comment):
    comment_on_page(bob_page, "Frist post").get_by_role("link", name="Edit").click()
    expect(bob_page.get_by_role("heading", name="Edit comment")).to_be_visible()
    textbox = bob_page.get_by_role("textbox", name="Comment")
    expect(textbox).to_have_value("Frist post")
    textbox.fill("First post")
    bob_page.get_by_role("button", name="Save changes").click()

    expect(bob_page.get_by_role("status")).to_contain_text("Comment updated")
    comment = comment_on_page(bob_page, "First post")
    expect(comment).to_contain_text("edited")
    expect(comment).to_be_in_viewport()
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "First post"
    assert bobs_comment.edited is not None


def test_saving_after_the_window_is_refused_with_a_clear_message(
    bob_page, bobs_comment
):
    comment_on_page(bob_page, "Frist post").get_by_role("link", name="Edit").click()
    bob_page.get_by_role("textbox", name="Comment").fill("First post")
    # The form stayed open past the window: the clock moves on.
    late = (
        timezone.now() - settings.COMMENTS_EDIT_WINDOW - datetime.timedelta(minutes=1)
    )
    Comment.objects.filter(pk=bobs_comment.pk).update(posted=late)
    bob_page.get_by_role("button", name="Save changes").click()

    expect(bob_page.get_by_role("heading", name="Too late to edit")).to_be_visible()
    expect(bob_page.get_by_role("alert")).to_have_text(
        "This comment can no longer be edited: comments can be changed for "
        "15 minutes after they are posted. Nothing was changed."
    )
    # What was typed stays on screen, to be copied.
    expect(bob_page.get_by_label("Your new text, not saved")).to_have_value(
        "First post"
    )
    bobs_comment.refresh_from_db()
    assert (bobs_comment.content, bobs_comment.edited) == ("Frist post", None)

    bob_page.goto(reverse("comments:list"))
    comment = comment_on_page(bob_page, "Frist post")
    expect(comment.get_by_role("link", name="Edit")).to_have_count(0)
    expect(comment).not_to_contain_text("edited")


def test_author_deletes_after_confirming(bob_page, bobs_comment, post_comment):
    post_comment(bob_page, "A second thought")
    comment_on_page(bob_page, "Frist post").get_by_role("link", name="Delete").click()
    expect(bob_page.get_by_role("heading", name="Delete this comment?")).to_be_visible()
    bob_page.get_by_role("link", name="Cancel").click()
    expect(comment_on_page(bob_page, "Frist post")).to_be_visible()
    assert Comment.objects.filter(pk=bobs_comment.pk).exists()

    comment_on_page(bob_page, "Frist post").get_by_role("link", name="Delete").click()
    bob_page.get_by_role("button", name="Delete").click()

    expect(bob_page.get_by_role("status")).to_contain_text("Comment deleted")
    expect(bob_page.locator(".comment-content")).to_have_text(["A second thought"])
    assert list(Comment.objects.values_list("content", flat=True)) == [
        "A second thought"
    ]


def test_staff_deletes_anothers_comment_from_the_page(page, staff, log_in):
    CommentFactory(content="Cheap watches at spam.example", commenter__username="eve")
    CommentFactory(content="A kind word", commenter__username="alice")
    log_in(page, staff.username)

    spam = comment_on_page(page, "Cheap watches")
    # A moderator removes what others said, but never puts words in their mouth.
    expect(spam.get_by_role("link", name="Edit")).to_have_count(0)
    spam.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()

    expect(page.get_by_role("status")).to_contain_text("Comment deleted")
    expect(page.locator(".comment-content")).to_have_text(["A kind word"])
    assert list(Comment.objects.values_list("content", flat=True)) == ["A kind word"]


def test_others_see_no_controls_and_a_typed_address_is_refused(page, log_in):
    bobs_comment = CommentFactory(content="Bob's words", commenter__username="bob")
    UserFactory(username="carol")
    log_in(page, "carol")

    comment = comment_on_page(page, "Bob's words")
    expect(comment).to_be_visible()
    expect(comment.get_by_role("link", name="Edit")).to_have_count(0)
    expect(comment.get_by_role("link", name="Delete")).to_have_count(0)

    for action, reason in [
        ("comments:edit", "Only the author can edit a comment."),
        ("comments:delete", "Only the author or a moderator can delete a comment."),
    ]:
        response = page.goto(reverse(action, args=[bobs_comment.pk]))
        assert response.status == 403
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text(reason)
        expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
        expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    assert list(Comment.objects.values_list("content", flat=True)) == ["Bob's words"]
