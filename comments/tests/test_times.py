import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory
from .page_reading import posted_lines

LIST_URL = reverse("comments:list")
FRIDAY_13TH = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)


def post_at(when, **kwargs):
    comment = CommentFactory(**kwargs)
    # auto_now_add ignores a given time; set it the way old rows have it.
    Comment.objects.filter(pk=comment.pk).update(posted=when)
    return comment


@pytest.mark.django_db
class TestServerRenderedTime:
    def test_time_element_holds_iso_utc_and_the_tutorial_format(self, client):
        post_at(FRIDAY_13TH)
        response = client.get(LIST_URL)
        assertContains(
            response,
            '<time datetime="2017-10-13T16:36:00Z" title="UTC">'
            "Friday, 13 October 2017 at 16:36</time>",
        )

    def test_posted_line_reads_as_in_the_tutorial(self, client):
        post_at(FRIDAY_13TH, commenter=UserFactory(username="bob"))
        assert posted_lines(client.get(LIST_URL)) == [
            "Posted Friday, 13 October 2017 at 16:36 by bob"
        ]

    def test_text_stays_utc_whatever_the_sites_time_zone(self, client, settings):
        settings.TIME_ZONE = "Asia/Tokyo"
        post_at(FRIDAY_13TH, commenter=UserFactory(username="bob"))
        response = client.get(LIST_URL)
        assert posted_lines(response) == [
            "Posted Friday, 13 October 2017 at 16:36 by bob"
        ]
        assertContains(response, 'datetime="2017-10-13T16:36:00Z"')

    def test_script_is_a_deferred_static_file(self, client):
        response = client.get(LIST_URL)
        assertContains(
            response, '<script defer src="/static/comments/scratchpad.js"></script>'
        )
