"""Text typed into a form whose session ended before it was sent is never
lost (comments/drafts.py)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.drafts import SESSION_KEY
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGIN_URL = reverse("login")
LOGOUT_URL = reverse("logout")
POSTING_SAYS = "Your session ended: log in to post your comment; your text is kept."
EDITING_SAYS = "Your session ended: log in to save your changes; your text is kept."


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def text_in_the_box(response):
    """What the page's comment field holds."""
    page = response.content.decode()
    match = re.search(r'<textarea name="content"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return match[1]


def log_in(client, username, password, next_url=""):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": next_url}
    )


@pytest.fixture
def logged_out_client(client, bob):
    """A browser whose session ended (a logout in another tab) while bob's
    form was on screen."""
    client.force_login(bob)
    client.post(LOGOUT_URL)
    return client


class TestPosting:
    def test_post_after_the_session_ended_is_back_in_the_box_after_login(
        self, logged_out_client, bob, password
    ):
        response = logged_out_client.post(
            CREATE_URL, {"content": "Typed, then the session ended", "typed_by": bob.pk}
        )
        next_url = f"{LIST_URL}#comment-form"
        assertRedirects(response, f"{LOGIN_URL}?next=/%23comment-form")
        assert Comment.objects.count() == 0

        assertContains(logged_out_client.get(response["Location"]), POSTING_SAYS)
        response = log_in(logged_out_client, "bob", password, next_url)
        assertRedirects(response, next_url, fetch_redirect_response=False)
        response = logged_out_client.get(LIST_URL)
        assert text_in_the_box(response) == "Typed, then the session ended"
        assertContains(response, "Your comment is back in the box, not posted yet")
        assert Comment.objects.count() == 0

    def test_the_text_comes_back_once(self, logged_out_client, bob, password):
        logged_out_client.post(CREATE_URL, {"content": "Once", "typed_by": bob.pk})
        log_in(logged_out_client, "bob", password)
        assert text_in_the_box(logged_out_client.get(LIST_URL)) == "Once"
        assert text_in_the_box(logged_out_client.get(LIST_URL)) == ""

    def test_the_text_is_never_in_an_address(self, logged_out_client, bob, password):
        response = logged_out_client.post(
            CREATE_URL, {"content": "secret-words", "typed_by": bob.pk}
        )
        assert "secret" not in response["Location"]
        response = log_in(logged_out_client, "bob", password, f"{LIST_URL}#x")
        assert "secret" not in response["Location"]

    def test_another_user_logging_in_never_sees_it(
        self, logged_out_client, bob, password
    ):
        logged_out_client.post(
            CREATE_URL, {"content": "Bob's private draft", "typed_by": bob.pk}
        )
        UserFactory(username="carol")
        log_in(logged_out_client, "carol", password)
        response = logged_out_client.get(LIST_URL)
        assert text_in_the_box(response) == ""
        assertNotContains(response, "Bob's private draft")
        # Dropped, not merely hidden.
        assert SESSION_KEY not in logged_out_client.session

    def test_a_form_that_names_no_author_keeps_nothing(self, client, db):
        response = client.post(CREATE_URL, {"content": "From nowhere"})
        assert SESSION_KEY not in client.session
        assertNotContains(client.get(response["Location"]), "Your session ended")

    @pytest.mark.parametrize("typed_by", ["", "1 OR 1=1", "x" * 50, "١"])
    def test_a_malformed_author_keeps_nothing(self, client, db, typed_by):
        client.post(CREATE_URL, {"content": "Hello", "typed_by": typed_by})
        assert SESSION_KEY not in client.session

    def test_blank_text_keeps_nothing(self, logged_out_client, bob):
        logged_out_client.post(CREATE_URL, {"content": "  \n", "typed_by": bob.pk})
        assert SESSION_KEY not in logged_out_client.session

    def test_the_kept_text_is_at_most_a_comment_long(
        self, logged_out_client, bob, password
    ):
        logged_out_client.post(
            CREATE_URL, {"content": "z" * 10_000, "typed_by": bob.pk}
        )
        assert len(logged_out_client.session[SESSION_KEY]["text"]) == 4096
        log_in(logged_out_client, "bob", password)
        assert text_in_the_box(logged_out_client.get(LIST_URL)) == "z" * 4096

    def test_the_text_is_shown_escaped(self, logged_out_client, bob, password):
        text = "<script>alert(1)</script></textarea><b>x</b>"
        logged_out_client.post(CREATE_URL, {"content": text, "typed_by": bob.pk})
        log_in(logged_out_client, "bob", password)
        response = logged_out_client.get(LIST_URL)
        assertNotContains(response, "<script>alert(1)")
        assert text_in_the_box(response) == (
            "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"
        )

    def test_the_form_names_who_typed_in_it(self, bob_client, bob):
        response = bob_client.get(LIST_URL)
        assertContains(
            response, f'<input type="hidden" name="typed_by" value="{bob.pk}">'
        )

    def test_the_login_page_says_nothing_without_a_draft(self, client, db):
        assertNotContains(client.get(LOGIN_URL), "Your session ended")


class TestEditing:
    @pytest.fixture
    def bobs_comment(self, bob):
        return CommentFactory(commenter=bob, content="Frist post")

    def test_edit_after_the_session_ended_is_back_in_the_box_after_login(
        self, logged_out_client, bob, password, bobs_comment
    ):
        url = edit_url(bobs_comment)
        response = logged_out_client.post(
            url, {"content": "First post", "typed_by": bob.pk}
        )
        assertRedirects(
            response, f"{LOGIN_URL}?next={url}", fetch_redirect_response=False
        )
        assertContains(logged_out_client.get(response["Location"]), EDITING_SAYS)
        response = log_in(logged_out_client, "bob", password, url)
        assertRedirects(response, url, fetch_redirect_response=False)

        response = logged_out_client.get(url)
        assert text_in_the_box(response) == "First post"
        assertContains(response, "Your changes are back in the box, not saved yet")
        bobs_comment.refresh_from_db()
        assert (bobs_comment.content, bobs_comment.edited) == ("Frist post", None)

        # Saving it as it stands is a change from the stored text.
        logged_out_client.post(url, {"content": "First post"})
        bobs_comment.refresh_from_db()
        assert bobs_comment.content == "First post"
        assert bobs_comment.edited is not None

    def test_an_edit_draft_stays_on_its_own_page(
        self, logged_out_client, bob, password, bobs_comment
    ):
        url = edit_url(bobs_comment)
        logged_out_client.post(url, {"content": "First post", "typed_by": bob.pk})
        log_in(logged_out_client, "bob", password)
        assert text_in_the_box(logged_out_client.get(LIST_URL)) == ""
        assert text_in_the_box(logged_out_client.get(url)) == "First post"

    def test_another_user_logging_in_never_sees_it(
        self, logged_out_client, bob, password, bobs_comment
    ):
        url = edit_url(bobs_comment)
        logged_out_client.post(url, {"content": "Bob's new text", "typed_by": bob.pk})
        UserFactory(username="carol", is_staff=True)
        log_in(logged_out_client, "carol", password)
        response = logged_out_client.get(url)
        assert response.status_code == 403
        assertNotContains(response, "Bob's new text", status_code=403)
        assertNotContains(logged_out_client.get(LIST_URL), "Bob's new text")

    def test_a_draft_past_the_edit_window_is_shown_to_copy(
        self, logged_out_client, bob, password, bobs_comment
    ):
        url = edit_url(bobs_comment)
        logged_out_client.post(url, {"content": "First post", "typed_by": bob.pk})
        Comment.objects.filter(pk=bobs_comment.pk).update(
            posted=timezone.now() - datetime.timedelta(hours=1)
        )
        log_in(logged_out_client, "bob", password)
        response = logged_out_client.get(url)
        assertContains(response, "Too late to edit", status_code=403)
        assertContains(response, "\nFirst post</textarea>", status_code=403)


class TestExpiredForm:
    """A form sent with a token from before a login: the CSRF failure page."""

    @pytest.fixture
    def stale_client(self, bob):
        client = Client(enforce_csrf_checks=True)
        client.force_login(bob)
        return client

    def test_the_text_is_shown_to_copy(self, stale_client):
        response = stale_client.post(CREATE_URL, {"content": "Words <b>kept</b>"})
        assertContains(response, "Form expired", status_code=403)
        assertContains(
            response,
            "readonly>\nWords &lt;b&gt;kept&lt;/b&gt;</textarea>",
            status_code=403,
        )
        assert Comment.objects.count() == 0

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_ORIGIN": "https://elsewhere.example"},
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_SEC_FETCH_SITE": "same-site"},
        ],
        ids=["other-origin", "cross-site", "same-site"],
    )
    def test_text_sent_from_another_site_is_not_shown(self, stale_client, headers):
        response = stale_client.post(
            CREATE_URL, {"content": "Call 555-0100 to unlock your account"}, **headers
        )
        assertContains(response, "Form expired", status_code=403)
        assertNotContains(response, "555-0100", status_code=403)
        assertNotContains(response, "<textarea", status_code=403)
        assert Comment.objects.count() == 0

    def test_text_from_the_sites_own_page_is_shown(self, stale_client):
        response = stale_client.post(
            CREATE_URL,
            {"content": "Words typed here"},
            HTTP_SEC_FETCH_SITE="same-origin",
            HTTP_ORIGIN="http://testserver",
        )
        assertContains(response, "\nWords typed here</textarea>", status_code=403)

    def test_an_edits_text_is_shown_too(self, stale_client, bob):
        comment = CommentFactory(commenter=bob, content="Frist post")
        response = stale_client.post(edit_url(comment), {"content": "First post"})
        assertContains(response, "\nFirst post</textarea>", status_code=403)

    def test_at_most_a_comment_is_shown(self, stale_client):
        response = stale_client.post(CREATE_URL, {"content": "w" * 10_000})
        assertContains(response, "w" * 4096 + "</textarea>", status_code=403)
        assertNotContains(response, "w" * 4097, status_code=403)

    def test_a_login_form_shows_nothing_of_what_was_sent(self, db):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            LOGIN_URL, {"username": "bob", "password": "hunter2-password"}
        )
        assertContains(response, "Form expired", status_code=403)
        assertNotContains(response, "hunter2", status_code=403)
        assertNotContains(response, "<textarea", status_code=403)

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            # No boundary: Django cannot split the parts.
            (b"content=hello", "multipart/form-data"),
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE (set below).
            (b"content=" + b"a" * 200, "application/x-www-form-urlencoded"),
        ],
        ids=["malformed", "too-big"],
    )
    def test_an_unreadable_body_still_gets_the_page(
        self, stale_client, settings, body, content_type
    ):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        response = stale_client.generic(
            "POST", CREATE_URL, body, content_type=content_type
        )
        assertContains(response, "Form expired", status_code=403)
        assertNotContains(response, "<textarea", status_code=403)
