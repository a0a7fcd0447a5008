"""Logging in safely: the lockout after failed attempts (django-axes), the
client's address behind a proxy, password hashing and the session cookie."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.auth import client_block
from scratchpad import settings as project_settings

from .factories import UserFactory
from .fast_hashers import fast_production_hashers

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LIST_URL = reverse("comments:list")
# Where a login lands: the front page, at its newest comment.
HOME_URL = LIST_URL + "#newest"


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
        assertRedirects(response, HOME_URL)

    def test_same_user_from_another_address_is_unaffected(self, client, bob, password):
        for _ in range(5):
            fail_login(client, REMOTE_ADDR="198.51.100.1")
        response = log_in(client, password, REMOTE_ADDR="198.51.100.2")
        assertRedirects(response, HOME_URL)

    def test_lockout_ends_after_the_cool_off(self, client, bob, password):
        for _ in range(5):
            fail_login(client)
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - timedelta(minutes=16)
        )
        response = log_in(client, password)
        assertRedirects(response, HOME_URL)

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
        assertRedirects(other, HOME_URL)

    @pytest.mark.parametrize(
        ("entry", "address"),
        [
            ("203.0.113.7:5555", "203.0.113.7"),
            # IPv6 by its /64 (accounts.auth.client_block).
            ("[2001:db8::7]:5555", "2001:db8::"),
            ("[2001:db8:0:0:1:2:3:7]", "2001:db8::"),
            ("2001:DB8:0:5:0:0:0:7", "2001:db8:0:5::"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
        ],
    )
    def test_trusted_proxy_header_gives_the_address_without_a_port(
        self, client, bob, settings, entry, address
    ):
        settings.CLIENT_IP_HEADER = "X-Forwarded-For"
        fail_login(client, HTTP_X_FORWARDED_FOR=f"spoofed, {entry}")
        assert AccessAttempt.objects.get().ip_address == address

    @pytest.mark.parametrize(
        ("remote_addr", "block"),
        [
            ("192.0.2.1", "192.0.2.1"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
            ("2001:DB8:0:0:1::1", "2001:db8::"),
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
            ("", ""),
            ("no address", "no address"),
        ],
    )
    def test_a_client_is_counted_by_its_address_or_ipv6_64(
        self, rf, remote_addr, block
    ):
        assert client_block(rf.get("/", REMOTE_ADDR=remote_addr)) == block

    def test_a_new_address_of_the_same_ipv6_64_does_not_dodge_the_lockout(
        self, client, bob, password
    ):
        for host in range(1, 6):
            fail_login(client, REMOTE_ADDR=f"2001:db8:1:2::{host}")
        locked = log_in(client, password, REMOTE_ADDR="2001:db8:1:2:ffff::9")
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
        other = log_in(client, password, REMOTE_ADDR="2001:db8:1:3::1")
        assertRedirects(other, HOME_URL)

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
        assertRedirects(response, HOME_URL)


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
        assertRedirects(response, HOME_URL)
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


class TestLogging:
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
