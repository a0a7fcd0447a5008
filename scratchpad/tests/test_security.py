import re
from pathlib import Path

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.tests.factories import CommentFactory
from scratchpad import settings as project_settings
from scratchpad.middleware import ContentSecurityPolicyMiddleware

from .processes import Browser

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LIST_URL = reverse("comments:list")
TEMPLATES_DIR = Path(project_settings.BASE_DIR) / "templates"


def log_in(client, password, username="bob"):
    return client.post(LOGIN_URL, {"username": username, "password": password})


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
        settings.ROOT_URLCONF = "scratchpad.tests.urls"
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

    @pytest.mark.urls("scratchpad.tests.urls")
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


# The policy's header, built once per process (scratchpad.middleware): the
# same as django-csp's, and django-csp's own where a response or request
# changes it.


def csp_middleware_response(request, response):
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    middleware.process_request(request)
    return middleware.process_response(request, response)


def test_the_kept_policy_is_django_csps_for_the_settings(rf, settings):
    ours = csp_middleware_response(rf.get("/"), HttpResponse())
    theirs = CSPMiddleware(lambda request: None).process_response(
        rf.get("/"), HttpResponse()
    )
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in ours

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    changed = csp_middleware_response(rf.get("/"), HttpResponse())
    assert changed["Content-Security-Policy"] == "default-src 'none'"


def test_a_views_own_policy_goes_through_django_csp(rf):
    @csp_update({"img-src": ["https://images.example"]})
    def view(request):
        return HttpResponse()

    request = rf.get("/")
    response = csp_middleware_response(request, view(request))
    assert "https://images.example" in response["Content-Security-Policy"]


def test_an_exempt_view_gets_no_policy_and_a_set_header_is_kept(rf):
    @csp_exempt()
    def exempt(request):
        return HttpResponse()

    request = rf.get("/")
    assert "Content-Security-Policy" not in csp_middleware_response(
        request, exempt(request)
    )
    own = HttpResponse(headers={"Content-Security-Policy": "default-src 'none'"})
    kept = csp_middleware_response(rf.get("/"), own)
    assert kept["Content-Security-Policy"] == "default-src 'none'"


def test_the_report_only_policy_is_kept_too(rf, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"script-src": [SELF], "report-uri": "/csp-reports/"}
    }
    response = csp_middleware_response(rf.get("/"), HttpResponse())
    report_only = response["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in report_only
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_nonce_taken_goes_into_the_policy(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request = rf.get("/")
    response = HttpResponse()

    def view(request):
        request.nonce_taken = str(request.csp_nonce)
        return response

    middleware = ContentSecurityPolicyMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    assert f"'nonce-{request.nonce_taken}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    request = rf.get("/")
    csp_middleware_response(request, HttpResponse())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
