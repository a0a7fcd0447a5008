import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from comments.models import Comment

from .factories import CommentFactory, UserFactory
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


def find_chromium():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        return chromium
    if os.environ.get("CI"):
        pytest.fail("Chromium is required in CI: apt-get install chromium")
    pytest.skip("Chromium is not installed")


def dom_in_time_zone(url, zone):
    """The page's DOM after its scripts ran, in Chromium set to the given zone."""
    result = subprocess.run(
        [
            find_chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
            url,
        ],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# The live server starts before the test settings drop STATIC_ROOT, so
# WhiteNoise notes that collectstatic never ran; the live server serves
# static files from the apps itself.
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
@pytest.mark.parametrize(
    ("zone", "local_text"),
    [
        ("Asia/Tokyo", "Saturday, 14 October 2017 at 01:36"),
        ("America/New_York", "Friday, 13 October 2017 at 12:36"),
    ],
)
def test_browser_shows_the_readers_local_time_and_zone(
    live_server, transactional_db, zone, local_text
):
    post_at(FRIDAY_13TH, commenter=UserFactory(username="bob"))
    dom = dom_in_time_zone(live_server.url + LIST_URL, zone)
    assert (
        f'<time datetime="2017-10-13T16:36:00Z" title="{zone}">{local_text}</time>'
        in dom
    )
    line = re.search(r'<span class="comment-posted">(.*?)</span>', dom).group(1)
    assert re.sub(r"<[^>]+>", "", line) == f"Posted {local_text} by bob"
