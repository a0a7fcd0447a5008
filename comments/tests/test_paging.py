import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.caching import bump_board_version
from comments.models import Comment
from comments.views import list_url

from .page_reading import comment_ids

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def ids(comments):
    return [comment.pk for comment in comments]


class TestFrontPage:
    def test_shows_the_latest_50_oldest_first(self, client, make_comments):
        comments = make_comments(51)
        response = client.get(LIST_URL)
        assert comment_ids(response) == ids(comments[1:])

    def test_newest_comment_is_just_above_the_form(self, bob_client, make_comments):
        comments = make_comments(51)
        html = bob_client.get(LIST_URL).content.decode()
        newest = html.index(f'id="comment-{comments[-1].pk}"')
        assert html.index(f'id="comment-{comments[-2].pk}"') < newest
        assert newest < html.index("Post comment")

    def test_page_size_is_a_setting(self, client, make_comments, settings):
        settings.COMMENTS_PER_PAGE = 3
        comments = make_comments(5)
        assert comment_ids(client.get(LIST_URL)) == ids(comments[2:])

    def test_exactly_50_comments_fit_on_one_page(self, client, make_comments):
        comments = make_comments(50)
        response = client.get(LIST_URL)
        assert comment_ids(response) == ids(comments)
        assertNotContains(response, "Older comments")
        assertNotContains(response, "Newer comments")

    def test_51st_comment_makes_an_older_page(self, client, make_comments):
        comments = make_comments(51)
        response = client.get(LIST_URL)
        assert response.context["older_url"] == list_url(before=comments[1].pk)
        assertContains(response, "Older comments")
        assertNotContains(response, "Newer comments")

    def test_empty_board_has_no_page_links(self, client):
        response = client.get(LIST_URL)
        assertContains(response, "No comments yet.")
        assertNotContains(response, "Older comments")
        assertNotContains(response, "Newer comments")


class TestOlderAndNewerPages:
    def test_older_page_holds_what_came_before(self, client, make_comments):
        comments = make_comments(51)
        response = client.get(LIST_URL, {"before": comments[1].pk})
        assert comment_ids(response) == [comments[0].pk]
        assertNotContains(response, "Older comments")
        assert response.context["newer_url"] == list_url(after=comments[0].pk)

    def test_newer_link_from_the_oldest_page_leads_back_to_the_latest(
        self, client, make_comments
    ):
        comments = make_comments(51)
        response = client.get(LIST_URL, {"after": comments[0].pk})
        assert comment_ids(response) == ids(comments[1:])
        assertNotContains(response, "Newer comments")
        assert response.context["older_url"] == list_url(before=comments[1].pk)

    def test_walking_older_then_newer_shows_every_comment_once(
        self, client, make_comments, settings
    ):
        settings.COMMENTS_PER_PAGE = 4
        comments = make_comments(10)
        seen, url = [], LIST_URL
        while url:
            response = client.get(url)
            seen = comment_ids(response) + seen
            url = response.context["older_url"]
        assert seen == ids(comments)

        seen, url = [], list_url(after=0)
        while url:
            response = client.get(url)
            seen += comment_ids(response)
            url = response.context["newer_url"]
        assert seen == ids(comments)

    def test_form_is_only_on_the_latest_page(self, bob_client, make_comments):
        comments = make_comments(51)
        assertContains(bob_client.get(LIST_URL), "Post comment")
        older = bob_client.get(LIST_URL, {"before": comments[1].pk})
        assertNotContains(older, "Post comment")
        assertContains(older, "Newer comments")

    def test_before_a_deleted_id_shows_the_comments_before_it(
        self, client, make_comments
    ):
        comments = make_comments(60)
        gone = comments[30]
        Comment.objects.filter(pk=gone.pk).delete()
        response = client.get(LIST_URL, {"before": gone.pk}, follow=True)
        # By way of the address the site's own links give that page.
        assert response.redirect_chain == [(list_url(before=comments[31].pk), 302)]
        assert comment_ids(response) == ids(comments[:30])

    def test_after_a_deleted_id_shows_the_comments_after_it(
        self, client, make_comments
    ):
        comments = make_comments(120)
        gone = comments[30]
        Comment.objects.filter(pk=gone.pk).delete()
        response = client.get(LIST_URL, {"after": gone.pk}, follow=True)
        assert response.redirect_chain == [(list_url(after=comments[29].pk), 302)]
        assert comment_ids(response) == ids(comments[31:81])

    def test_after_an_id_older_than_every_comment_is_the_oldest_page(
        self, client, make_comments
    ):
        comments = make_comments(60)
        Comment.objects.filter(pk=comments[0].pk).delete()
        response = client.get(LIST_URL, {"after": comments[0].pk}, follow=True)
        assert response.redirect_chain == [(list_url(after=0), 302)]
        assert comment_ids(response) == ids(comments[1:51])

    def test_permalink_after_a_deleted_comment_leads_to_the_page_starting_at_it(
        self, client, make_comments
    ):
        comments = make_comments(120)
        Comment.objects.filter(pk=comments[9].pk).delete()
        old = comments[10]
        response = client.get(old.get_absolute_url(), follow=True)
        assert comment_ids(response)[0] == old.pk
        assert len(comment_ids(response)) == 50

    def test_before_a_huge_id_shows_the_latest_page(self, client, make_comments):
        comments = make_comments(51)
        response = client.get(LIST_URL, {"before": 10**30}, follow=True)
        assert response.redirect_chain == [(LIST_URL, 302)]
        assert comment_ids(response) == ids(comments[1:])
        assertNotContains(response, "Newer comments")

    def test_before_the_first_comment_leads_to_the_oldest_page(
        self, client, make_comments
    ):
        comments = make_comments(60)
        response = client.get(LIST_URL, {"before": comments[0].pk})
        assertRedirects(response, list_url(after=0))
        response = client.get(list_url(after=0))
        assert comment_ids(response) == ids(comments[:50])

    @pytest.mark.parametrize("after", ["newest", 10**30])
    def test_after_the_newest_comment_leads_to_the_latest_page(
        self, client, make_comments, after
    ):
        comments = make_comments(3)
        after = comments[-1].pk if after == "newest" else after
        response = client.get(LIST_URL, {"after": after})
        assertRedirects(response, LIST_URL)

    def test_position_on_an_empty_board_leads_to_the_front_page(self, client):
        response = client.get(LIST_URL, {"before": 5}, follow=True)
        assert response.redirect_chain[-1][0] == LIST_URL
        assertContains(response, "No comments yet.")

    @pytest.mark.parametrize(
        "query",
        [
            {"before": "abc"},
            {"after": "abc"},
            {"before": "-1"},
            {"after": "-5"},
            {"before": "1.5"},
            {"before": "1e3"},
            {"before": "0x10"},
            {"before": "9" * 5000},
            {"before": "12", "after": "3"},
        ],
    )
    def test_bad_position_is_a_clear_400(self, client, make_comments, query):
        make_comments(3)
        response = client.get(LIST_URL, query)
        assert response.status_code == 400
        assertContains(
            response,
            "This page of comments does not exist",
            status_code=400,
        )
        assertContains(response, f'href="{LIST_URL}"', status_code=400)

    def test_empty_position_is_the_latest_page(self, client, make_comments):
        comments = make_comments(3)
        response = client.get(LIST_URL, {"before": ""})
        assert comment_ids(response) == ids(comments)


class TestQueryBudget:
    """Every page runs the same few queries, whatever the size of the board."""

    @pytest.fixture(params=["anonymous", "user", "staff"])
    def visitor(self, request, client, db):
        if request.param == "user":
            client.force_login(UserFactory(username="reader"))
        elif request.param == "staff":
            client.force_login(
                UserFactory(username="boss", is_staff=True, is_superuser=True)
            )
        # Anonymous: no session, the cached pages' version; logged in: the
        # session with its user, and the version.
        return client, 1 if request.param == "anonymous" else 2

    @pytest.mark.parametrize("size", [10, 1000])
    @pytest.mark.parametrize("position", ["latest", "before", "after"])
    def test_page_queries_do_not_grow_with_the_board(
        self, visitor, make_comments, django_assert_max_num_queries, size, position
    ):
        client, visitor_queries = visitor
        comments = make_comments(size, commenters=size // 2)
        query = {
            "latest": {},
            "before": {"before": comments[size // 2].pk},
            "after": {"after": comments[1].pk},
        }[position]
        # The page itself and its comments' replies, then whether anything
        # lies on its other side.
        page_queries = 2 if position == "latest" else 3
        with django_assert_max_num_queries(visitor_queries + page_queries):
            response = client.get(LIST_URL, query)
        expected = {"latest": size, "before": size // 2, "after": size - 2}[position]
        assert len(comment_ids(response)) == min(expected, 50)

    def test_staff_without_the_superuser_flag_adds_only_the_permission_lookup(
        self, client, make_comments, django_assert_max_num_queries
    ):
        make_comments(200, commenters=100)
        client.force_login(UserFactory(username="moderator", is_staff=True))
        # The session, the user, the version, the page, its comments'
        # replies, and the user's and groups' permissions, loaded once for
        # the whole page.
        with django_assert_max_num_queries(7):
            client.get(LIST_URL)

    @pytest.mark.parametrize(
        "query",
        [{}, {"before": 500}, {"after": 500}],
        ids=["latest", "before", "after"],
    )
    def test_pages_are_found_without_offset_or_count(
        self, client, make_comments, query
    ):
        make_comments(1000, commenters=100)
        with CaptureQueriesContext(connection) as queries:
            # The latest page is rendered by a change (the new version's).
            bump_board_version()
            client.get(LIST_URL, query)
        sql = " ".join(q["sql"] for q in queries).upper()
        assert "OFFSET" not in sql
        assert "COUNT(" not in sql
        # Commenters come in the same query as their comments.
        assert "JOIN" in sql

    def test_anonymous_front_page_is_the_version_and_the_page_and_no_cookie(
        self, client, make_comments, django_assert_num_queries
    ):
        make_comments(100, commenters=50)
        # The version, and the page's list the last change rendered.
        with django_assert_num_queries(2):
            response = client.get(LIST_URL)
        assert not response.cookies
