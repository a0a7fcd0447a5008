"""Times on the page, in the reader's own time zone."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from comments.tests.factories import CommentFactory

FRIDAY_13TH = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("zone", "local_text"),
    [
        ("Asia/Tokyo", "Saturday, 14 October 2017 at 01:36"),
        ("America/New_York", "Friday, 13 October 2017 at 12:36"),
        ("UTC", "Friday, 13 October 2017 at 16:36"),
    ],
)
def test_reader_sees_the_time_in_their_own_zone(
    new_context, transactional_db, zone, local_text
):
    comment = CommentFactory(commenter__username="bob")
    Comment.objects.filter(pk=comment.pk).update(posted=FRIDAY_13TH)
    page = new_context(timezone_id=zone).new_page()

    page.goto(reverse("comments:list"))

    time = page.locator(".comment time")
    expect(time).to_have_text(local_text)
    expect(time).to_have_attribute("title", zone)
    expect(time).to_have_attribute("datetime", "2017-10-13T16:36:00Z")
    expect(page.locator(".comment-posted")).to_have_text(f"Posted {local_text} by bob")
