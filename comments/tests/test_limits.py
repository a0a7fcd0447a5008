import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import (
    assertContains,
    assertNotContains,
    assertRedirects,
)

from accounts.tests.factories import UserFactory
from comments.models import Comment, CommentEdit
from scratchpad.settings import rate_limit
from scratchpad.tests.processes import manage, production_environ

from .caches import use_cache_url
from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
PREVIEW_URL = reverse("comments:preview")


def post(client, content):
    return client.post(CREATE_URL, {"content": content})


def posted_ago(comment, seconds):
    Comment.objects.filter(pk=comment.pk).update(
        posted=timezone.now() - datetime.timedelta(seconds=seconds)
    )


class TestRateLimitSetting:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("5/m,50/h", ((5, 60), (50, 3600))),
            (" 50/h , 5/m ", ((5, 60), (50, 3600))),
            ("1/s", ((1, 1),)),
            ("1000/d", ((1000, 86400),)),
        ],
    )
    def test_counts_per_unit_are_read(self, monkeypatch, value, expected):
        monkeypatch.setenv("TEST_RATE", value)
        assert rate_limit("TEST_RATE", "1/m") == expected

    def test_unset_is_the_default(self, monkeypatch):
        monkeypatch.delenv("TEST_RATE", raising=False)
        assert rate_limit("TEST_RATE", "5/m,50/h") == ((5, 60), (50, 3600))

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "5",
            "5/min",
            "five/m",
            "-1/m",
            "0/m",
            "5/m,",
            "5/m,6/m",
            "5/m;50/h",
            "٥/m",
        ],
    )
    def test_anything_else_is_a_configuration_error(self, monkeypatch, value):
        monkeypatch.setenv("TEST_RATE", value)
        with pytest.raises(ImproperlyConfigured, match="TEST_RATE must"):
            rate_limit("TEST_RATE", "5/m")

    def test_the_limits_are_read_from_the_environment(self):
        result = manage(
            "shell",
            "--verbosity=0",
            "--command",
            "from django.conf import settings; "
            "print(settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_EDIT_RATE_LIMIT, "
            "settings.SEARCH_RATE_LIMIT, settings.COMMENTS_PREVIEW_RATE_LIMIT)",
            environ=production_environ(
                COMMENTS_RATE_LIMIT="2/m",
                COMMENTS_EDIT_RATE_LIMIT="3/h",
                SEARCH_RATE_LIMIT="4/s,40/d",
                COMMENTS_PREVIEW_RATE_LIMIT="7/m",
            ),
        )
        assert result.returncode == 0, result.stderr
        assert (
            result.stdout.strip()
            == "((2, 60),) ((3, 3600),) ((4, 1), (40, 86400)) ((7, 60),)"
        )

    @pytest.mark.parametrize(
        "name",
        [
            "COMMENTS_RATE_LIMIT",
            "COMMENTS_EDIT_RATE_LIMIT",
            "COMMENTS_PREVIEW_RATE_LIMIT",
            "SEARCH_RATE_LIMIT",
        ],
    )
    def test_a_bad_limit_stops_the_start(self, name):
        result = manage("check", environ=production_environ(**{name: "5 a minute"}))
        assert result.returncode != 0
        assert f"{name} must be counts per unit, such as 5/m,50/h" in result.stderr


class TestPostingRate:
    @pytest.fixture(autouse=True)
    def _limit(self, settings):
        settings.COMMENTS_RATE_LIMIT = ((3, 60), (5, 3600))

    def test_posts_up_to_the_limit_are_stored(self, bob_client, bob):
        for n in range(3):
            assert post(bob_client, f"Post {n}").status_code == 302
        assert bob.comments.count() == 3

    def test_a_post_over_the_limit_is_refused_with_its_text_kept(self, bob_client, bob):
        for n in range(3):
            post(bob_client, f"Post {n}")
        response = post(bob_client, "One too many")
        assert response.status_code == 429
        assertContains(
            response,
            "You are posting too fast. Try again in 60 seconds.",
            status_code=429,
        )
        assert response["Retry-After"] == "60"
        assert response.context["form"]["content"].value() == "One too many"
        assertContains(response, ">\nOne too many</textarea>", status_code=429)
        assert bob.comments.count() == 3

    def test_the_wait_is_until_the_oldest_counted_post_leaves_the_minute(
        self, bob_client, bob
    ):
        for seconds in [50, 20, 5]:
            posted_ago(CommentFactory(commenter=bob), seconds)
        response = post(bob_client, "Too soon")
        assert response["Retry-After"] == "10"
        assertContains(response, "Try again in 10 seconds.", status_code=429)

    def test_posts_older_than_the_minute_no_longer_count_for_it(self, bob_client, bob):
        for seconds in [61, 20, 5]:
            posted_ago(CommentFactory(commenter=bob), seconds)
        assert post(bob_client, "In time").status_code == 302

    def test_the_hourly_limit_counts_the_whole_hour(self, bob_client, bob):
        for seconds in [3000, 2000, 1000, 500, 100]:
            posted_ago(CommentFactory(commenter=bob), seconds)
        response = post(bob_client, "Sixth this hour")
        assert response.status_code == 429
        # The oldest of the five leaves the hour in 600 seconds.
        assert response["Retry-After"] == "600"
        assert bob.comments.count() == 5

    def test_other_users_posts_do_not_count(self, bob_client, bob):
        for _ in range(3):
            CommentFactory(commenter=UserFactory())
        assert post(bob_client, "Mine").status_code == 302

    def test_staff_are_not_limited(self, client):
        staff = UserFactory(is_staff=True)
        client.force_login(staff)
        for n in range(6):
            assert post(client, f"Staff post {n}").status_code == 302
        assert staff.comments.count() == 6

    def test_a_refused_post_shows_its_refusal_by_the_field(self, bob_client):
        for n in range(3):
            post(bob_client, f"Post {n}")
        response = post(bob_client, "One too many")
        html = response.content.decode()
        assert 'id="id_content_error"' in html
        assert "autofocus" in html
        assert "<title>Error:" in html


class TestEditingRate:
    @pytest.fixture(autouse=True)
    def _limit(self, settings):
        settings.COMMENTS_EDIT_RATE_LIMIT = ((2, 60),)

    def edit(self, client, comment, content):
        return client.post(
            reverse("comments:edit", args=[comment.pk]), {"content": content}
        )

    def test_edits_over_the_limit_are_refused_with_the_text_kept(self, bob_client, bob):
        comment = CommentFactory(commenter=bob, content="Original")
        assert self.edit(bob_client, comment, "First change").status_code == 302
        assert self.edit(bob_client, comment, "Second change").status_code == 302
        response = self.edit(bob_client, comment, "Third change")
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assertContains(
            response,
            "You are posting too fast. Try again in 60 seconds.",
            status_code=429,
        )
        assertContains(response, ">\nThird change</textarea>", status_code=429)
        comment.refresh_from_db()
        assert comment.content == "Second change"

    def test_edits_of_different_comments_count_together(self, bob_client, bob):
        comments = CommentFactory.create_batch(3, commenter=bob)
        for comment in comments[:2]:
            assert self.edit(bob_client, comment, "Changed").status_code == 302
        assert self.edit(bob_client, comments[2], "Changed").status_code == 429

    def test_an_unchanged_form_does_not_count(self, bob_client, bob):
        comment = CommentFactory(commenter=bob, content="Same")
        for _ in range(3):
            assert self.edit(bob_client, comment, "Same").status_code == 302
        assert not CommentEdit.objects.exists()
        assert self.edit(bob_client, comment, "Changed").status_code == 302

    def test_edits_older_than_the_window_no_longer_count_and_are_forgotten(
        self, bob_client, bob
    ):
        comment = CommentFactory(commenter=bob)
        long_ago = timezone.now() - datetime.timedelta(seconds=61)
        CommentEdit.objects.bulk_create(
            [CommentEdit(editor=bob, edited=long_ago) for _ in range(2)]
        )
        assert self.edit(bob_client, comment, "Changed").status_code == 302
        assert list(CommentEdit.objects.values_list("editor", flat=True)) == [bob.pk]

    def test_posts_do_not_count_as_edits(self, bob_client, bob, settings):
        CommentFactory.create_batch(5, commenter=bob)
        comment = CommentFactory(commenter=bob)
        assert self.edit(bob_client, comment, "Changed").status_code == 302

    def test_staff_edits_are_not_limited(self, client):
        staff = UserFactory(is_staff=True)
        client.force_login(staff)
        comment = CommentFactory(commenter=staff)
        for n in range(3):
            assert self.edit(client, comment, f"Change {n}").status_code == 302


def assert_previewing_too_fast(response):
    # 45 s to the end of the minute (the clock starts 15 s into it).
    assertContains(
        response,
        "You are previewing too fast. Try again in 45 seconds.",
        status_code=429,
    )
    assert response["Retry-After"] == "45"


class TestPreviewRate:
    @pytest.fixture(autouse=True)
    def _limit(self, settings, clock):
        settings.COMMENTS_PREVIEW_RATE_LIMIT = ((2, 60),)

    def preview(self, client, content="**bold**"):
        return client.post(PREVIEW_URL, {"content": content})

    def test_previews_over_the_limit_are_refused_unrendered(self, bob_client):
        for _ in range(2):
            assertContains(self.preview(bob_client), "<strong>bold</strong>")
        response = self.preview(bob_client)
        assert_previewing_too_fast(response)
        assertNotContains(response, "<strong>", status_code=429)

    def test_a_refused_preview_renders_nothing(self, bob_client, monkeypatch):
        self.preview(bob_client)
        self.preview(bob_client)

        def refuse(comment):
            raise AssertionError("a refused preview was rendered")

        monkeypatch.setattr(Comment, "render", refuse)
        assert self.preview(bob_client).status_code == 429

    def test_a_file_cache_is_not_counted_in(self, bob_client, settings, tmp_path):
        # Its incr() is a read and a write, not one step: each process counts
        # in its own memory instead.
        use_cache_url(settings, f"filecache://{tmp_path}")
        self.preview(bob_client)
        self.preview(bob_client)
        assert self.preview(bob_client).status_code == 429
        assert not list(tmp_path.iterdir())

    def test_previews_again_once_the_window_is_over(self, bob_client, clock):
        self.preview(bob_client)
        self.preview(bob_client)
        assert self.preview(bob_client).status_code == 429
        clock(45)
        assertContains(self.preview(bob_client), "<strong>bold</strong>")

    @pytest.mark.parametrize("form", ["post", "reply", "edit"])
    def test_a_form_previewed_too_fast_keeps_its_text(self, bob_client, bob, form):
        url = {
            "post": CREATE_URL,
            "reply": reverse("comments:reply", args=[CommentFactory().pk]),
            "edit": reverse("comments:edit", args=[CommentFactory(commenter=bob).pk]),
        }[form]
        self.preview(bob_client)
        self.preview(bob_client)
        response = bob_client.post(url, {"content": "**kept**", "preview": "1"})
        assert_previewing_too_fast(response)
        assertContains(response, "**kept**</textarea>", status_code=429)
        assertNotContains(response, "<strong>kept</strong>", status_code=429)
        assert not Comment.objects.filter(content="**kept**").exists()

    def test_each_user_is_counted_apart(self, bob_client):
        self.preview(bob_client)
        self.preview(bob_client)
        other = Client()
        other.force_login(UserFactory())
        assert self.preview(other).status_code == 200

    def test_searches_do_not_count_as_previews(self, bob_client, settings):
        settings.SEARCH_RATE_LIMIT = ((2, 60),)
        for _ in range(2):
            bob_client.get(reverse("search:search"), {"q": "walrus"})
        assert self.preview(bob_client).status_code == 200

    def test_staff_previews_are_not_limited(self, client):
        client.force_login(UserFactory(is_staff=True))
        for _ in range(5):
            assert self.preview(client).status_code == 200


class TestDuplicates:
    def test_the_same_text_again_is_not_stored_twice(self, bob_client, bob):
        first = post(bob_client, "Hello there")
        second = post(bob_client, "Hello there")
        comment = bob.comments.get()
        assert second["Location"] == first["Location"]
        assertRedirects(
            second, f"{LIST_URL}#comment-{comment.pk}", fetch_redirect_response=False
        )
        page = bob_client.get(LIST_URL)
        assertContains(page, "You already posted this")

    def test_the_text_is_compared_after_the_forms_cleaning(self, bob_client, bob):
        post(bob_client, "Hello there")
        post(bob_client, "  Hello there \n")
        assert bob.comments.count() == 1

    def test_text_that_differs_in_case_or_accents_is_another_post(
        self, bob_client, bob
    ):
        # MySQL's collation finds these equal; they are not the same post.
        for text in ["Hello there", "hello there", "Héllo there"]:
            post(bob_client, text)
        assert sorted(bob.comments.values_list("content", flat=True)) == [
            "Hello there",
            "Héllo there",
            "hello there",
        ]

    def test_the_same_text_from_another_user_is_stored(self, bob_client, client):
        CommentFactory(commenter=UserFactory(), content="Hello there")
        post(bob_client, "Hello there")
        assert Comment.objects.filter(content="Hello there").count() == 2

    def test_the_same_text_after_ten_minutes_is_stored_again(self, bob_client, bob):
        posted_ago(CommentFactory(commenter=bob, content="Hello there"), 601)
        response = post(bob_client, "Hello there")
        newest = bob.comments.latest("pk")
        assert response["Location"] == f"{LIST_URL}#comment-{newest.pk}"
        assert bob.comments.count() == 2

    def test_a_duplicate_at_the_limit_lands_on_the_comment_not_the_refusal(
        self, bob_client, bob, settings
    ):
        settings.COMMENTS_RATE_LIMIT = ((1, 60),)
        post(bob_client, "Hello there")
        assert post(bob_client, "Hello there").status_code == 302
        assert bob.comments.count() == 1


def post_at_once(user, contents):
    """Posts each text from its own thread and connection, all at the same
    moment; the statuses, sorted."""
    start_together = threading.Barrier(len(contents), timeout=30)

    def send(content):
        client = Client()
        try:
            client.force_login(user)
            start_together.wait()
            return client.post(CREATE_URL, {"content": content}).status_code
        finally:
            # The test database can only be dropped once they are closed.
            connections.close_all()

    with ThreadPoolExecutor(len(contents)) as pool:
        return sorted(pool.map(send, contents))


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
class TestSimultaneousPosts:
    """Row locks: MySQL's. SQLite lets one writer at a time (comments.limits)."""

    def test_the_same_text_sent_at_once_is_stored_once(self):
        for round_ in range(5):
            user = UserFactory()
            statuses = post_at_once(user, [f"Twice {round_}"] * 8)
            assert statuses == [302] * 8
            assert user.comments.count() == 1

    def test_posts_sent_at_once_at_the_limit_store_no_more_than_it(self, settings):
        settings.COMMENTS_RATE_LIMIT = ((3, 60),)
        for round_ in range(5):
            user = UserFactory()
            statuses = post_at_once(user, [f"Post {round_}.{n}" for n in range(8)])
            assert statuses == [302] * 3 + [429] * 5
            assert user.comments.count() == 3


@pytest.mark.mysql
def test_a_users_latest_comments_are_read_from_their_index():
    users = UserFactory.create_batch(20)
    Comment.objects.bulk_create(
        CommentFactory.build(commenter=users[n % 20]) for n in range(2000)
    )
    since = timezone.now() - datetime.timedelta(hours=1)
    plan = (
        Comment.objects.filter(commenter=users[0], posted__gt=since)
        .order_by("-posted")
        .values_list("posted")[:50]
        .explain()
    )
    assert "comment_commenter_posted" in plan, plan
