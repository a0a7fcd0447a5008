import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory
from .page_reading import posted_lines

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGIN_URL = reverse("login")
LOGOUT_URL = reverse("logout")


def textarea_tag(response):
    """The opening tag of the page's (only) text field."""
    return re.search(r"<textarea[^>]*>", response.content.decode())[0]


def contents_in_page_order(response):
    return [c.content for c in response.context["comments"]]


class TestCommentList:
    def test_comments_are_listed_oldest_first(self, client):
        first = CommentFactory(content="first")
        second = CommentFactory(content="second")
        third = CommentFactory(content="third")
        response = client.get(LIST_URL)
        html = response.content.decode()
        assert html.index(first.content) < html.index(second.content)
        assert html.index(second.content) < html.index(third.content)

    def test_comment_shows_time_and_commenter(self, client):
        comment = CommentFactory(commenter=UserFactory(username="bob"))
        Comment.objects.filter(pk=comment.pk).update(
            posted=datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
        )
        response = client.get(LIST_URL)
        assert posted_lines(response) == [
            "Posted Friday, 13 October 2017 at 16:36 by bob"
        ]

    def test_comment_without_time_says_unknown_time(self, client):
        comment = CommentFactory(commenter=UserFactory(username="bob"))
        Comment.objects.filter(pk=comment.pk).update(posted=None)
        response = client.get(LIST_URL)
        assert posted_lines(response) == ["Posted at an unknown time by bob"]

    def test_comment_without_commenter_says_anonymous(self, client):
        CommentFactory(commenter=None)
        response = client.get(LIST_URL)
        assertContains(
            response, ' by <strong class="comment-author">anonymous</strong>'
        )

    def test_deleting_a_user_keeps_their_comments_as_anonymous(self, client):
        comment = CommentFactory(content="still here")
        comment.commenter.delete()
        response = client.get(LIST_URL)
        assertContains(response, "still here")
        assertContains(
            response, ' by <strong class="comment-author">anonymous</strong>'
        )

    def test_html_in_a_comment_is_escaped(self, client):
        CommentFactory(content="<script>alert(1)</script>")
        response = client.get(LIST_URL)
        assertNotContains(response, "<script>alert(1)</script>")
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_line_breaks_are_kept(self, client):
        CommentFactory(content="line one\nline two")
        response = client.get(LIST_URL)
        assertContains(response, "<p>line one<br>\nline two</p>")

    def test_plain_comment_renders_as_before_markdown(self, client):
        # What linebreaksbr made of a comment before Markdown, byte for byte.
        text = 'it\'s <b>"bold"</b> & **not**\r\nsecond line'
        CommentFactory(content=text, format=Comment.Format.PLAIN)
        response = client.get(LIST_URL)
        assertContains(
            response,
            '<div class="comment-content comment-content-plain" dir="auto">it&#x27;s &lt;b&gt;&quot;bold&quot;'
            "&lt;/b&gt; &amp; **not**<br>second line</div>",
        )

    def test_empty_board_says_so(self, client):
        response = client.get(LIST_URL)
        assertContains(response, "No comments yet.")
        assertNotContains(response, 'class="comment"')

    def test_visitor_sees_log_in_link_and_no_form(self, client):
        response = client.get(LIST_URL)
        assertContains(response, f'href="{LOGIN_URL}"')
        assertNotContains(response, "Post comment")
        assertNotContains(response, "Log out")

    def test_logged_in_user_sees_form_name_and_log_out(self, bob_client):
        response = bob_client.get(LIST_URL)
        assertContains(response, "Post comment")
        assertContains(response, '<textarea name="content"')
        assertContains(response, "bob")
        assertContains(response, "Log out")
        assertContains(response, f'action="{LOGOUT_URL}"')

    def test_list_runs_a_fixed_number_of_queries(
        self, client, django_assert_num_queries
    ):
        CommentFactory.create_batch(20)
        # The cached pages' version, then the front page's list, rendered
        # by the last change (comments.caching.front_listing).
        with django_assert_num_queries(2):
            client.get(LIST_URL)
        # An older page: the version, the page itself and its comments'
        # replies.
        first = Comment.objects.order_by("pk").first()
        with django_assert_num_queries(3):
            client.get(LIST_URL, {"after": first.pk})


class TestPostComment:
    def test_post_stores_comment_with_commenter_and_redirects_to_it(
        self, bob_client, bob
    ):
        response = bob_client.post(CREATE_URL, {"content": "Hello, world"})
        comment = Comment.objects.get()
        assertRedirects(response, f"{LIST_URL}#comment-{comment.pk}")
        assert comment.content == "Hello, world"
        assert comment.commenter == bob
        assert comment.posted is not None

    def test_posted_comment_appears_on_the_list(self, bob_client):
        response = bob_client.post(CREATE_URL, {"content": "Hello, world"}, follow=True)
        assertContains(response, "Hello, world")
        assertContains(
            response, ' by <a href="/users/bob/" class="comment-author">bob</a>'
        )

    def test_commenter_comes_from_the_session_not_the_form(self, bob_client, bob):
        other = UserFactory(username="mallory")
        bob_client.post(CREATE_URL, {"content": "mine", "commenter": other.pk})
        assert Comment.objects.get().commenter == bob

    def test_anonymous_post_stores_nothing_and_leads_to_login(self, client):
        response = client.post(CREATE_URL, {"content": "spam"})
        assertRedirects(response, f"{LOGIN_URL}?next=/%23comment-form")
        assert Comment.objects.count() == 0

    def test_post_after_logging_out_stores_nothing(self, client, bob):
        # The tutorial's attack: the form is still on screen in one tab after
        # logging out in another.
        client.force_login(bob)
        client.get(LIST_URL)
        client.post(LOGOUT_URL)
        response = client.post(CREATE_URL, {"content": "too late"})
        assertRedirects(response, f"{LOGIN_URL}?next=/%23comment-form")
        assert Comment.objects.count() == 0

    def test_post_without_csrf_token_is_refused(self, bob):
        client = Client(enforce_csrf_checks=True)
        client.force_login(bob)
        response = client.post(CREATE_URL, {"content": "forged"})
        assert response.status_code == 403
        assert Comment.objects.count() == 0

    def test_get_of_post_url_leads_to_the_front_pages_form(self, bob_client):
        # A reload of a refused post, or the address typed.
        response = bob_client.get(CREATE_URL)
        assertRedirects(response, f"{LIST_URL}#comment-form")
        assert Comment.objects.count() == 0

    def test_anonymous_get_of_post_url_leads_to_the_front_page(self, client):
        response = client.get(CREATE_URL)
        assertRedirects(response, f"{LIST_URL}#comment-form")

    def test_front_page_form_has_the_fragment_the_post_url_leads_to(self, bob_client):
        response = bob_client.get(LIST_URL)
        assertContains(response, 'id="comment-form"')

    @pytest.mark.parametrize("content", ["", "   ", "\r\n\t"])
    def test_blank_comment_is_refused_with_an_error(self, bob_client, content):
        response = bob_client.post(CREATE_URL, {"content": content})
        assert response.status_code == 200
        assertContains(response, "Write something before posting.")
        assert Comment.objects.count() == 0

    @pytest.mark.parametrize("content", ["   ", "y" * 4097])
    def test_refused_post_says_error_in_the_title(self, bob_client, content):
        response = bob_client.post(CREATE_URL, {"content": content})
        assert re.search(r"<title>Error: ", response.content.decode())

    def test_title_says_no_error_before_posting(self, bob_client):
        response = bob_client.get(LIST_URL)
        assertNotContains(response, "Error")

    @pytest.mark.parametrize("content", ["   ", "y" * 4097])
    def test_refused_post_focuses_the_field_its_error_describes(
        self, bob_client, content
    ):
        response = bob_client.post(CREATE_URL, {"content": content})
        field = textarea_tag(response)
        assert " autofocus" in field
        assert 'aria-invalid="true"' in field
        assert 'aria-describedby="id_content_error"' in field
        assertContains(response, 'role="alert" id="id_content_error"')

    def test_form_posts_to_an_address_that_opens_at_the_field(self, bob_client):
        # The answer, when refused, is scrolled to the field and its error
        # at the end of a long page, with the field focused: what the
        # browser does for the element an address's fragment names.
        response = bob_client.get(LIST_URL)
        assertContains(response, f'action="{CREATE_URL}#id_content"')
        assertContains(response, 'id="id_content"')
        assert " autofocus" not in textarea_tag(response)

    def test_missing_content_field_is_refused(self, bob_client):
        response = bob_client.post(CREATE_URL, {})
        assertContains(response, "Write something before posting.")
        assert Comment.objects.count() == 0

    def test_4096_characters_are_stored_whole(self, bob_client):
        content = "x" * 4095 + "é"
        bob_client.post(CREATE_URL, {"content": content})
        assert Comment.objects.get().content == content

    def test_4097_characters_are_refused_and_the_text_kept(self, bob_client):
        content = "y" * 4097
        response = bob_client.post(CREATE_URL, {"content": content})
        assertContains(response, "A comment can be at most 4096 characters")
        assertContains(response, content)
        assert Comment.objects.count() == 0

    def test_nul_character_is_refused(self, bob_client):
        response = bob_client.post(CREATE_URL, {"content": "nul\x00here"})
        assertContains(response, "Null characters are not allowed.")
        assert Comment.objects.count() == 0

    def test_surrounding_whitespace_is_trimmed(self, bob_client):
        bob_client.post(CREATE_URL, {"content": "  padded  \n"})
        assert Comment.objects.get().content == "padded"


class TestLogin:
    def test_login_page_has_the_form(self, client):
        response = client.get(LOGIN_URL)
        assertContains(response, 'name="username"')
        assertContains(response, 'type="password"')
        assertContains(response, "Log in")

    def test_right_credentials_log_in_and_redirect_home(self, client, bob, password):
        response = client.post(LOGIN_URL, {"username": "bob", "password": password})
        assertRedirects(response, LIST_URL + "#newest")
        assert client.session["_auth_user_id"] == str(bob.pk)

    def test_wrong_password_shows_the_error_and_keeps_the_username(self, client, bob):
        response = client.post(LOGIN_URL, {"username": "bob", "password": "wrong"})
        assertContains(response, "Incorrect username or password")
        assertContains(response, 'value="bob"')
        assert "_auth_user_id" not in client.session

    def test_unknown_user_shows_the_same_error(self, client, db):
        response = client.post(LOGIN_URL, {"username": "nobody", "password": "x"})
        assertContains(response, "Incorrect username or password")

    def test_safe_next_is_followed(self, client, bob, password):
        response = client.post(
            LOGIN_URL + "?next=/admin/",
            {"username": "bob", "password": password, "next": "/admin/"},
        )
        assertRedirects(response, "/admin/", fetch_redirect_response=False)

    @pytest.mark.parametrize(
        "next_url",
        ["https://evil.example/", "//evil.example", "https:evil.example"],
    )
    def test_off_site_next_is_ignored(self, client, bob, password, next_url):
        response = client.post(
            LOGIN_URL, {"username": "bob", "password": password, "next": next_url}
        )
        assertRedirects(response, LIST_URL + "#newest")

    def test_logged_in_user_visiting_login_goes_home(self, bob_client):
        response = bob_client.get(LOGIN_URL)
        assertRedirects(response, LIST_URL + "#newest")


class TestLogout:
    def test_logout_by_get_asks_first(self, bob_client):
        response = bob_client.get(LOGOUT_URL)
        assertContains(response, "You are logged in as bob.")
        # The button posts, with its token, to the same address.
        page = response.content.decode()
        main = page[page.index("<main") :]
        assert f'<form method="post" action="{LOGOUT_URL}">' in main
        assert 'name="csrfmiddlewaretoken"' in main
        assert "_auth_user_id" in bob_client.session

    def test_logout_by_get_when_logged_out_says_so(self, client):
        response = client.get(LOGOUT_URL)
        assertContains(response, "You are logged out.")

    def test_logout_by_post_logs_out_and_redirects_home(self, bob_client):
        response = bob_client.post(LOGOUT_URL)
        assertRedirects(response, LIST_URL)
        assert "_auth_user_id" not in bob_client.session
        assertNotContains(bob_client.get(LIST_URL), "Post comment")
