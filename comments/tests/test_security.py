import io
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from scratchpad import settings as project_settings

from .factories import CommentFactory, UserFactory
from .fast_hashers import fast_production_hashers
from .processes import Browser

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LIST_URL = reverse("comments:list")
TEMPLATES_DIR = Path(project_settings.BASE_DIR) / "templates"


def fail_login(client, username="bob", **extra):
    return client.post(LOGIN_URL, {"username": username, "password": "wrong"}, **extra)


def log_in(client, password, username="bob", **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


class TestLoginThrottling:
    def test_four_failures_still_show_the_wrong_password_message(self, client, bob):
        for _ in range(4):
            response = fail_login(client)
        assertContains(response, "Incorrect username or password")

    def test_fifth_failure_locks_out_with_its_own_message(self, client, bob):
        for _ in range(4):
            fail_login(client)
        response = fail_login(client)
        assert response.status_code == 429
        assertContains(response, "Too many failed attempts", status_code=429)
        assertContains(response, "15 minutes", status_code=429)
        assertNotContains(response, "Incorrect username or password", status_code=429)

    def test_locked_out_pair_cannot_log_in_even_with_the_right_password(
        self, client, bob, password
    ):
        for _ in range(5):
            fail_login(client)
        response = log_in(client, password)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_other_users_from_the_same_address_are_unaffected(
        self, client, bob, password
    ):
        UserFactory(username="carol")
        for _ in range(5):
            fail_login(client)
        response = log_in(client, password, username="carol")
        assertRedirects(response, LIST_URL)

    def test_same_user_from_another_address_is_unaffected(self, client, bob, password):
        for _ in range(5):
            fail_login(client, REMOTE_ADDR="198.51.100.1")
        response = log_in(client, password, REMOTE_ADDR="198.51.100.2")
        assertRedirects(response, LIST_URL)

    def test_lockout_ends_after_the_cool_off(self, client, bob, password):
        for _ in range(5):
            fail_login(client)
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - timedelta(minutes=16)
        )
        response = log_in(client, password)
        assertRedirects(response, LIST_URL)

    def test_forwarded_for_header_is_ignored_without_a_trusted_proxy(
        self, client, bob, password
    ):
        for n in range(5):
            fail_login(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        response = log_in(client, password, HTTP_X_FORWARDED_FOR="203.0.113.99")
        assert response.status_code == 429

    def test_trusted_proxy_header_gives_the_client_address(
        self, client, bob, password, settings
    ):
        settings.CLIENT_IP_HEADER = "X-Forwarded-For"
        for _ in range(5):
            fail_login(client, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7")
        assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
        locked = log_in(client, password, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert locked.status_code == 429
        other = log_in(client, password, HTTP_X_FORWARDED_FOR="203.0.113.8")
        assertRedirects(other, LIST_URL)

    @pytest.mark.parametrize(
        ("entry", "address"),
        [
            ("203.0.113.7:5555", "203.0.113.7"),
            ("[2001:db8::7]:5555", "2001:db8::7"),
            ("[2001:db8::7]", "2001:db8::7"),
            ("2001:DB8:0:0:0:0:0:7", "2001:db8::7"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
        ],
    )
    def test_trusted_proxy_header_gives_the_address_without_a_port(
        self, client, bob, settings, entry, address
    ):
        settings.CLIENT_IP_HEADER = "X-Forwarded-For"
        fail_login(client, HTTP_X_FORWARDED_FOR=f"spoofed, {entry}")
        assert AccessAttempt.objects.get().ip_address == address

    def test_a_new_port_does_not_dodge_the_lockout(
        self, client, bob, password, settings
    ):
        settings.CLIENT_IP_HEADER = "X-Forwarded-For"
        for port in range(5550, 5555):
            fail_login(client, HTTP_X_FORWARDED_FOR=f"203.0.113.7:{port}")
        response = log_in(client, password, HTTP_X_FORWARDED_FOR="203.0.113.7:5555")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(
        "entry",
        [
            "x" * 40,
            "2001:db8:0:0:0:0:0:7" + "0" * 20,
            "not-an-address",
            "203.0.113.7:99999",
            "203.0.113.7:",
            "[203.0.113.7]:80",
            "fe80::1%eth0",
            "256.0.0.1",
            "unknown",
        ],
    )
    def test_trusted_proxy_header_that_is_no_address_is_a_400(
        self, bob, password, settings, entry
    ):
        settings.CLIENT_IP_HEADER = "X-Forwarded-For"
        settings.DEBUG = False
        client = Client(raise_request_exception=False)
        for attempt_password in ["wrong", password]:
            response = log_in(
                client, attempt_password, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {entry}"
            )
            assertContains(response, "Bad request", status_code=400)
            assertContains(response, "My scratchpad", status_code=400)
        assert not AccessAttempt.objects.exists()
        assert "_auth_user_id" not in client.session

    def test_forwarded_for_header_is_never_read_without_a_trusted_proxy(
        self, client, bob
    ):
        response = fail_login(client, HTTP_X_FORWARDED_FOR="x" * 40)
        assertContains(response, "Incorrect username or password")
        assert AccessAttempt.objects.get().ip_address == "127.0.0.1"

    def test_staff_see_and_clear_lockouts_in_the_admin(
        self, bob, password, staff_client
    ):
        client = Client()
        for _ in range(5):
            fail_login(client)
        changelist = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
        assertContains(changelist, "bob")
        attempt = AccessAttempt.objects.get()
        staff_client.post(
            reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
            {"post": "yes"},
        )
        response = log_in(client, password)
        assertRedirects(response, LIST_URL)


class TestPasswordHashing:
    def test_new_passwords_are_hashed_with_argon2(self, settings):
        settings.PASSWORD_HASHERS = fast_production_hashers()
        user = UserFactory(password="a-brand-new-password")
        assert user.password.startswith("argon2$")

    def test_pbkdf2_hash_logs_in_and_is_upgraded_to_argon2(self, client, settings):
        # The one test of Django's PBKDF2 and Argon2 at production's cost:
        # about a second for each hash made or checked.
        settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
        user = UserFactory(username="old")
        user.password = make_password("an-old-password", hasher="pbkdf2_sha256")
        user.save()
        response = log_in(client, "an-old-password", username="old")
        assertRedirects(response, LIST_URL)
        user.refresh_from_db()
        assert user.password.startswith("argon2$")
        assert user.check_password("an-old-password")

    @pytest.mark.parametrize(
        "stored",
        [
            # Minutes of hashing per login, an OverflowError, 2.6 seconds.
            "werkzeug$pbkdf2:sha256:2147483647$salt$" + "A" * 43,
            "werkzeug$pbkdf2:sha256:2147483648$salt$" + "A" * 43,
            "werkzeug$scrypt:1:1:1000000$salt$" + "A" * 86,
        ],
    )
    def test_costly_stored_hash_is_a_plain_failed_login_counted_by_axes(
        self, client, stored, no_hashing
    ):
        user = UserFactory(username="old")
        user.password = stored
        user.save()
        response = log_in(client, "any password", username="old")
        assertContains(response, "Incorrect username or password")
        assert AccessAttempt.objects.get(username="old").failures_since_start == 1
        user.refresh_from_db()
        assert user.password == stored


class TestSessionCookie:
    def test_session_id_changes_at_login(self, client, bob, password):
        client.get(LIST_URL)
        session = client.session
        session["seen"] = True
        session.save()
        before = session.session_key
        log_in(client, password)
        assert client.cookies["sessionid"].value != before

    def test_session_cookie_is_http_only_and_same_site_lax(self, client, bob, password):
        log_in(client, password)
        cookie = client.cookies["sessionid"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


class TestHeaders:
    @pytest.fixture
    def response(self, client):
        return client.get(LIST_URL)

    def test_content_security_policy_allows_only_the_site_itself(self, response):
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert policy["base-uri"] == "'none'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]

    def test_other_security_headers(self, response):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"

    @pytest.mark.parametrize(
        "template",
        sorted(TEMPLATES_DIR.rglob("*.html")),
        ids=lambda p: str(p.relative_to(TEMPLATES_DIR)),
    )
    def test_no_inline_script_or_style_in_templates(self, template):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def broken_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", broken_view), path("", include("scratchpad.urls"))]


class TestLogging:
    @pytest.fixture
    def log_output(self):
        """What the site's stderr handler writes, captured."""
        handler = next(
            h for h in logging.getLogger().handlers if h.get_name() == "stderr"
        )
        stream = io.StringIO()
        previous = handler.setStream(stream)
        yield stream
        handler.setStream(previous)

    def test_failed_login_logs_username_and_address_but_no_password(
        self, client, bob, log_output
    ):
        client.post(
            LOGIN_URL,
            {"username": "bob", "password": "hunter2-secret"},
            REMOTE_ADDR="198.51.100.23",
        )
        output = log_output.getvalue()
        assert "Failed login for username 'bob' from 198.51.100.23" in output
        assert "hunter2-secret" not in output

    def test_username_cannot_forge_a_log_line(self, client, db, log_output):
        client.post(LOGIN_URL, {"username": "x\nFake line", "password": "p"})
        assert "'x\\nFake line'" in log_output.getvalue()

    def test_server_error_logs_method_and_path_without_secrets(
        self, settings, bob, log_output
    ):
        settings.ROOT_URLCONF = __name__
        client = Client(raise_request_exception=False)
        client.force_login(bob)
        session_id = client.cookies["sessionid"].value
        response = client.post("/broken/?token=abc", {"password": "hunter2-secret"})
        assert response.status_code == 500
        output = log_output.getvalue()
        assert "POST /broken/ Internal Server Error" in output
        assert "RuntimeError: the view broke" in output
        for secret in [session_id, "hunter2-secret", "token=abc"]:
            assert secret not in output

    def test_database_outage_logs_method_and_path_without_secrets(
        self, settings, bob, log_output
    ):
        settings.ROOT_URLCONF = "comments.tests.urls"
        client = Client(raise_request_exception=False)
        client.force_login(bob)
        session_id = client.cookies["sessionid"].value
        response = client.post("/database-gone/", {"password": "hunter2-secret"})
        assert response.status_code == 503
        output = log_output.getvalue()
        assert "POST /database-gone/ Service Unavailable" in output
        assert "OperationalError" in output
        for secret in [session_id, "hunter2-secret"]:
            assert secret not in output


class TestCacheControl:
    """What a shared cache in front of the site may keep (scratchpad.middleware)."""

    @pytest.fixture
    def comment(self, bob):
        return CommentFactory(commenter=bob)

    @pytest.mark.parametrize(
        "url",
        [
            LIST_URL,
            reverse("password_change"),
            reverse("password_change_done"),
            "/no/such/page/",
            "edit",
            "delete",
        ],
    )
    def test_pages_with_a_form_are_never_stored(self, bob_client, comment, url):
        if url in {"edit", "delete"}:
            url = reverse(f"comments:{url}", args=[comment.pk])
        response = bob_client.get(url)
        # The navbar's logout form at least: the page holds a CSRF token.
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()
        directives = set(response["Cache-Control"].split(", "))
        assert {"private", "no-store"} <= directives

    def test_a_message_for_an_anonymous_reader_is_private(self, bob_client):
        # After logging out: no form on the page, but a message that is theirs.
        bob_client.post(reverse("logout"))
        response = bob_client.get(LIST_URL)
        assertContains(response, "You have been logged out")
        assertNotContains(response, 'name="csrfmiddlewaretoken"')
        assert "private" in response["Cache-Control"]

    def test_anonymous_front_page_stays_publicly_cacheable(self, client, db):
        first = client.get(LIST_URL)
        again = Client().get(LIST_URL)
        for response in (first, again):
            assert response.status_code == 200
            assert "Cache-Control" not in response
            assert response["Vary"] == "Cookie"
            assert not response.cookies

    def test_feed_stays_publicly_cacheable_for_a_logged_in_reader(self, bob_client):
        response = bob_client.get(reverse("comments:feed"))
        assert response.status_code == 200
        assert "Cache-Control" not in response

    def test_login_page_keeps_never_cache(self, client, db):
        response = client.get(LOGIN_URL)
        directives = set(response["Cache-Control"].split(", "))
        assert {"no-cache", "no-store", "must-revalidate", "private"} <= directives

    def test_a_login_that_sets_the_session_cookie_is_private(
        self, client, bob, password
    ):
        response = log_in(client, password)
        assert response.status_code == 302
        assert "private" in response["Cache-Control"]


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response):
    for header, value in SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, (header, dict(response.headers))
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


class TestErrorPageHeaders:
    """An error raised before the view (in the page cache's middleware) is
    turned into a page there: every error page still carries the security
    headers."""

    def test_bad_host_on_the_front_page_is_a_400_with_the_headers(self, client):
        response = client.get(LIST_URL, HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert_security_headers(response)

    @pytest.mark.urls("comments.tests.urls")
    def test_outage_in_a_view_is_a_503_with_the_headers(self, client):
        client.raise_request_exception = False
        response = client.get("/database-gone/")
        assert response.status_code == 503
        assert_security_headers(response)

    def test_outage_on_the_front_page_is_a_503_with_the_headers(
        self, start_app_server, tmp_path
    ):
        # A real outage: the app server's database cannot be opened at all.
        unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
        server = start_app_server(unreachable)
        response = Browser().get(server.url + LIST_URL)
        assert response.status == 503
        assert "Temporarily unavailable" in response.text
        assert_security_headers(response)
