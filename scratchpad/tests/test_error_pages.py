"""Error pages in the site's style, as production serves them (DEBUG off)."""

import re

import pytest
from django.db import connection
from django.template import loader
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import (
    assertContains,
    assertNotContains,
    assertTemplateUsed,
)

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from scratchpad.context_processors import site

from .processes import Browser, database_url, free_port

LIST_URL = reverse("comments:list")
SITE_STYLE = '<a class="navbar-brand" href="/">My scratchpad</a>'


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_unknown_address_is_a_404_in_the_sites_style(client):
    response = client.get("/no/such/page/")
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, SITE_STYLE, status_code=404)
    assertTemplateUsed(response, "404.html")


@pytest.mark.django_db
def test_forbidden_action_is_a_403_in_the_sites_style(client, bob):
    comment = CommentFactory(commenter=bob)
    client.force_login(UserFactory(username="carol"))
    response = client.post(reverse("comments:edit", args=[comment.pk]))
    assertContains(response, "Not allowed", status_code=403)
    assertContains(response, "Only the author can edit a comment.", status_code=403)
    assertContains(response, SITE_STYLE, status_code=403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("put", LIST_URL, "GET, HEAD"),
        ("delete", "/comments/1/edit/", "GET, POST"),
        ("put", "/comments/1/delete/", "GET, POST"),
        ("post", reverse("healthz"), "GET, HEAD"),
        ("put", reverse("logout"), "GET, POST, OPTIONS"),
    ],
)
def test_method_not_allowed_is_a_405_in_the_sites_style(
    client, bob, method, url, allow
):
    client.force_login(bob)
    response = getattr(client, method)(url)
    assertContains(response, "Not possible here", status_code=405)
    assertContains(
        response,
        f"This address does not take a {method.upper()} request.",
        status_code=405,
    )
    assertContains(response, SITE_STYLE, status_code=405)
    # Rendered with the request: the navbar still knows who is logged in.
    assertContains(response, "Log out", status_code=405)
    assert response["Allow"] == allow
    # The site's security headers, as on every page.
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_405_page_keeps_the_views_own_headers(client):
    # /healthz is never_cache: its refusal must not be kept either.
    response = client.post(reverse("healthz"))
    assert response.status_code == 405
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_bad_request_is_a_400_in_the_sites_style(client):
    response = client.get(LIST_URL, HTTP_HOST="evil.example")
    assertContains(response, "Bad request", status_code=400)
    assertContains(
        response, "The site could not understand this request.", status_code=400
    )
    assertContains(response, SITE_STYLE, status_code=400)


@pytest.mark.django_db
def test_expired_form_is_a_403_that_says_what_to_do(bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(reverse("comments:create"), {"content": "stale"})
    assertContains(
        response,
        "This form has expired — reload the page and try again",
        status_code=403,
    )
    assertContains(response, SITE_STYLE, status_code=403)
    # Rendered with the request: the navbar still knows who is logged in.
    assertContains(response, "Log out", status_code=403)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_expired_login_form_says_the_same(client):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "bob", "password": "x"})
    assertContains(response, "This form has expired", status_code=403)


@pytest.mark.urls("scratchpad.tests.urls")
def test_server_error_is_a_500_in_the_sites_style_without_the_database(client):
    # No database fixture: any query while handling the error would fail
    # this test, as it would fail the page when the database is down.
    client.raise_request_exception = False
    response = client.get("/broken/")
    assertContains(response, "Something went wrong", status_code=500)
    assertContains(response, SITE_STYLE, status_code=500)


def test_500_page_renders_without_a_request_context():
    # With the board's name, as server_error gives it: no request needed.
    html = loader.get_template("500.html").render(site(None))
    assert "Something went wrong" in html
    assert SITE_STYLE in html


def test_400_page_renders_without_a_request_context():
    html = loader.get_template("400.html").render()
    assert "The site could not understand this request." in html


@pytest.mark.urls("scratchpad.tests.urls")
def test_database_outage_is_a_503_in_the_sites_style(client):
    client.raise_request_exception = False
    response = client.get("/database-gone/")
    assertContains(response, "Temporarily unavailable", status_code=503)
    assertContains(response, SITE_STYLE, status_code=503)
    assert response["Retry-After"] == "5"
    assertNotContains(response, "gone away", status_code=503)


@pytest.mark.django_db
@pytest.mark.urls("scratchpad.tests.urls")
def test_missing_table_is_a_500_whose_log_says_to_migrate(client, caplog):
    # Not an outage: waiting does not make the table appear.
    client.raise_request_exception = False
    response = client.get("/missing-table/")
    assertContains(response, "Something went wrong", status_code=500)
    assertNotContains(response, "Temporarily unavailable", status_code=500)
    assert "Retry-After" not in response
    [line] = [r for r in caplog.records if "migrate" in r.getMessage()]
    assert line.levelname == "ERROR"
    assert "comments_never_migrated" in line.getMessage()
    assert "run `manage.py migrate`" in line.getMessage()


# The mark lets the view open a database of its own (pytest-django guards
# every connection).
@pytest.mark.django_db
@pytest.mark.urls("scratchpad.tests.urls")
def test_locked_sqlite_database_is_a_503(client):
    client.raise_request_exception = False
    response = client.get("/locked-sqlite/")
    assertContains(response, "Temporarily unavailable", status_code=503)
    assert response["Retry-After"] == "5"


@pytest.fixture
def unmigrated_database_url(db, tmp_path):
    """An empty database of the tests' kind, as before the first `migrate`."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}"
        return
    import MySQLdb

    name = f"{connection.settings_dict['NAME']}_unmigrated"
    settings = connection.settings_dict
    server = MySQLdb.connect(
        host=settings["HOST"] or "localhost",
        port=int(settings["PORT"] or 3306),
        user=settings["USER"],
        passwd=settings["PASSWORD"],
    )
    try:
        server.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        server.cursor().execute(f"CREATE DATABASE `{name}`")
        yield database_url(connection, name)
    finally:
        server.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        server.close()


def test_unmigrated_database_is_a_500_whose_log_says_to_migrate(
    start_app_server, unmigrated_database_url
):
    server = start_app_server(unmigrated_database_url)
    response = Browser().get(server.url + LIST_URL)
    assert response.status == 500
    assert "Something went wrong" in response.text
    assert "Retry-After" not in response.headers
    assert f"GET {LIST_URL} " in server.log()
    assert "run `manage.py migrate`" in server.log()


@pytest.mark.parametrize("unreachable", ["mysql", "sqlite"])
def test_unreachable_database_is_a_503_page(start_app_server, tmp_path, unreachable):
    if unreachable == "mysql":
        # Nothing listens on the port: the connection is refused.
        url = f"mysql://scratchpad@127.0.0.1:{free_port()}/scratchpad"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    server = start_app_server(url)
    response = Browser().get(server.url + LIST_URL)
    assert response.status == 503
    assert "Temporarily unavailable" in response.text
    assert response.headers["Retry-After"] == "5"
    assert "migrate" not in server.log()


UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


def csrf_token_of(client):
    """A valid token, with its cookie set in ``client``, as a browser has it."""
    page = client.get(LIST_URL).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [reverse("comments:create"), reverse("login"), reverse("logout")]
)
def test_form_in_another_charset_is_a_400_in_the_sites_style(bob, url):
    # Django's own 400 handler checks the CSRF token again, reads the
    # unreadable body a second time and ends in a bare 500.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(bob)
    token = csrf_token_of(client)
    body = f"csrfmiddlewaretoken={token}&content=hello".encode("utf-16")
    response = client.generic("POST", url, body, content_type=UTF16_FORM)
    assertContains(response, "Bad request", status_code=400)
    assertContains(response, SITE_STYLE, status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_in_another_charset_to_an_unknown_address_is_a_404(bob):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(bob)
    body = f"csrfmiddlewaretoken={csrf_token_of(client)}".encode("utf-16")
    response = client.generic("POST", "/no/such/page/", body, content_type=UTF16_FORM)
    assertContains(response, "Page not found", status_code=404)
    # Rendered with the request: the navbar's logout form has its token.
    assertContains(response, 'name="csrfmiddlewaretoken"', status_code=404)
