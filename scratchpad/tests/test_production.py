"""Production mode's HTTPS settings, each one set from the environment."""

import re

import pytest
from django.urls import reverse

from .processes import PLAIN_HTTP, manage, production_environ

LIST_URL = reverse("comments:list")


def deploy_check(**variables):
    environ = production_environ(
        ALLOWED_HOSTS="scratchpad.example.com",
        EMAIL_URL="smtp+tls://scratchpad:secret@mail.example.com:587",
        SITE_URL="https://scratchpad.example.com",
        **variables,
    )
    return manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)


def test_deploy_check_is_clean_in_production():
    result = deploy_check()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_plain_http_production_is_reported_by_the_deploy_check():
    result = deploy_check(**PLAIN_HTTP)
    assert result.returncode != 0
    reported = set(re.findall(r"\(security\.(W\d+)\)", result.stderr))
    # Exactly the three settings turned off: redirect, and the two cookies.
    assert reported == {"W008", "W012", "W016"}


def test_proxy_header_is_read_as_a_header_and_a_value():
    result = manage(
        "shell",
        "--verbosity=0",
        "--command",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        environ=production_environ(
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_malformed_proxy_header_stops_the_start():
    result = manage(
        "check", environ=production_environ(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header and a value" in result.stderr


@pytest.mark.django_db
class TestHttps:
    @pytest.fixture(autouse=True)
    def _production_https(self, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def test_plain_http_is_redirected_to_https(self, client):
        response = client.get(LIST_URL)
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{LIST_URL}"

    def test_https_through_the_proxy_is_served_with_hsts(self, client):
        response = client.get(LIST_URL, headers={"x-forwarded-proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )

    def test_cookies_are_marked_secure(self, client, bob, password):
        response = client.post(
            reverse("login"),
            {"username": "bob", "password": password},
            headers={"x-forwarded-proto": "https"},
        )
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"]
        assert response.cookies["csrftoken"]["secure"]
