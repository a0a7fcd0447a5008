"""
The site behind the nginx configuration it ships (deploy/nginx.conf), as
production runs it: gunicorn in production mode with HTTPS settings, behind
Debian's nginx terminating TLS with a certificate made for the test. Every
wait is bounded, and the clients talk only to 127.0.0.1.

Without nginx these tests are skipped on a developer's machine and an error
in CI (``CI`` set), which installs it (.ci/run).
"""

import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD

from .processes import (
    BASE_DIR,
    COMMAND_TIMEOUT,
    NGINX,
    AppServer,
    Browser,
    Nginx,
    TLSBrowser,
    manage,
    production_environ,
    self_signed_certificate,
)

LIST_URL = reverse("comments:list")
LOGIN_URL = reverse("login")
HEALTHZ_URL = reverse("healthz")

# The attacker's upload, announced in full and sent in part.
HUGE_BODY = 303 * 1024 * 1024
STALLED_CLIENTS = 3
# What a healthz through nginx may take on a busy machine; a worker held by
# a stalled client would make it wait for gunicorn's 30 s timeout instead.
FAST_SECONDS = 3
SOCKET_TIMEOUT = 10


@pytest.fixture(scope="module")
def nginx_binary():
    if os.access(NGINX, os.X_OK):
        return NGINX
    install = "apt-get install nginx"
    if os.environ.get("CI"):
        pytest.fail(f"nginx not found at {NGINX}: CI must run these tests. {install}")
    pytest.skip(f"nginx not found at {NGINX}: {install}")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture(scope="module")
def site(nginx_binary, collected_static, certificate, tmp_path_factory):
    """
    One gunicorn worker behind nginx, configured as the README's production,
    for all the tests here: on a database file of its own (the proxy is the
    same whatever the database), with one user, bob.
    """
    base_dir = tmp_path_factory.mktemp("site")
    database_url = f"sqlite:///{base_dir / 'db.sqlite3'}"
    environ = production_environ(
        DATABASE_URL=database_url, DJANGO_SUPERUSER_PASSWORD=PASSWORD
    )
    for command in [
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", "--username=bob", "--email=bob@example.com"],
    ]:
        result = manage(*command, environ=environ)
        assert result.returncode == 0, result.stderr
    app_server = AppServer(
        production_environ(
            DATABASE_URL=database_url,
            STATIC_ROOT=str(collected_static),
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            CLIENT_IP_HEADER="X-Real-IP",
            # What reached gunicorn, for the tests to read.
            GUNICORN_ACCESS_LOG="1",
        ),
        base_dir / "gunicorn.log",
    ).start()
    nginx = Nginx(base_dir / "nginx", app_server.url)
    try:
        nginx.start(*certificate)
        yield app_server, nginx
    finally:
        nginx.stop()
        app_server.stop()


def tls_socket(nginx, certificate):
    context = ssl.create_default_context(cafile=str(certificate[0]))
    raw = socket.create_connection(
        ("127.0.0.1", nginx.https_port), timeout=SOCKET_TIMEOUT
    )
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def timed_get(browser, url):
    started = time.monotonic()
    response = browser.get(url)
    return response, time.monotonic() - started


def wait_for_log_line(app_server, text):
    deadline = time.monotonic() + SOCKET_TIMEOUT
    while text not in app_server.log():
        assert time.monotonic() < deadline, f"{text!r} not in:\n{app_server.log()}"
        time.sleep(0.05)


def test_plain_http_is_redirected_to_https(site):
    _, nginx = site
    response = Browser().get(nginx.http_url + LIST_URL + "?after=3")
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1{LIST_URL}?after=3"


def test_healthz_answers_over_plain_http_for_load_balancers(site):
    _, nginx = site
    response = Browser().get(nginx.http_url + HEALTHZ_URL)
    assert response.status == 200
    assert response.text == "ok\n"


def test_https_pages_are_served_with_hsts_and_secure_cookies(site, certificate):
    _, nginx = site
    browser = TLSBrowser(certificate[0], headers={"Origin": nginx.https_url})
    page = browser.get(nginx.https_url + LOGIN_URL)
    # Not redirected again: the site knows from nginx that this was HTTPS.
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    response = browser.submit(
        nginx.https_url + LOGIN_URL,
        nginx.https_url + LOGIN_URL,
        {"username": "bob", "password": PASSWORD},
    )
    assert response.status == 302
    cookies = {cookie.name: cookie for cookie in browser.cookies}
    assert {"csrftoken", "sessionid"} <= set(cookies)
    assert all(cookie.secure for cookie in cookies.values())
    for header in response.headers.get_all("Set-Cookie"):
        assert "; Secure" in header


def test_failed_login_is_logged_with_the_address_nginx_saw(site, certificate):
    app_server, nginx = site
    # From 127.0.0.2, while nginx reaches gunicorn from 127.0.0.1; the
    # client's own claims about its address are overwritten or dropped.
    browser = TLSBrowser(
        certificate[0],
        source_address="127.0.0.2",
        headers={
            "Origin": nginx.https_url,
            "X-Real-IP": "203.0.113.9",
            "X-Forwarded-For": "203.0.113.9",
            "X_Real_IP": "203.0.113.9",
        },
    )
    response = browser.submit(
        nginx.https_url + LOGIN_URL,
        nginx.https_url + LOGIN_URL,
        {"username": "carol", "password": "wrong"},
    )
    assert response.status == 200
    assert "Incorrect username or password" in response.text
    wait_for_log_line(app_server, "Failed login for username 'carol'")
    failures = re.findall(
        r"Failed login for username 'carol' from (\S+)", app_server.log()
    )
    assert failures == ["127.0.0.2"]


def test_a_huge_upload_is_refused_before_it_reaches_gunicorn(site, certificate):
    app_server, nginx = site
    started = time.monotonic()
    with tls_socket(nginx, certificate) as client:
        client.sendall(
            b"POST /login/?huge HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % HUGE_BODY + b"username=" + b"x" * 65536
        )
        answer = client.recv(4096)
    refused_after = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413 ")
    # The next request reaches gunicorn and is logged; the upload never was.
    response = TLSBrowser(certificate[0]).get(nginx.https_url + HEALTHZ_URL)
    assert response.status == 200
    wait_for_log_line(app_server, '"GET /healthz')
    assert "/login/?huge" not in app_server.log()
    print(f"\n303 MiB upload refused by nginx after {refused_after:.3f} s")


def test_stalled_clients_do_not_hold_the_worker(site, certificate):
    app_server, nginx = site
    # One gunicorn worker. Each client sends part of a request and stops:
    # one in its headers, the others in a login form's body, past the CSRF
    # checks made before the body is read (an Origin, a cookie), so that the
    # site would wait for the rest of the body.
    in_headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/ht"
    in_body = (
        b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Origin: https://127.0.0.1\r\nCookie: csrftoken=%s\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\n\r\nusername=bob&pass" % (b"a" * 32)
    )
    partial_requests = [in_headers] + [in_body] * (STALLED_CLIENTS - 1)
    stalled = []
    try:
        for partial_request in partial_requests:
            client = tls_socket(nginx, certificate)
            stalled.append(client)
            client.sendall(partial_request)
        time.sleep(0.5)
        response, seconds = timed_get(
            TLSBrowser(certificate[0]), nginx.https_url + HEALTHZ_URL
        )
    finally:
        for client in stalled:
            client.close()
    assert response.status == 200
    assert seconds < FAST_SECONDS
    print(
        f"\n/healthz through nginx with {len(stalled)} stalled clients: "
        f"{seconds * 1000:.0f} ms"
    )


SERVICE = BASE_DIR / "deploy" / "scratchpad.service"


@pytest.fixture(scope="module")
def systemd_analyze():
    found = shutil.which("systemd-analyze")
    if found:
        return found
    install = "apt-get install systemd"
    if os.environ.get("CI"):
        pytest.fail(f"systemd-analyze not found: CI must check the unit. {install}")
    pytest.skip(f"systemd-analyze not found: {install}")


WORKER_SERVICE = BASE_DIR / "deploy" / "scratchpad-worker.service"


@pytest.fixture(params=[SERVICE, WORKER_SERVICE], ids=lambda unit: unit.name)
def installed_service(request, tmp_path):
    """Each unit as systemd would load it, with this checkout's programs for
    those in /srv (systemd checks that the program exists)."""
    service = request.param
    unit = service.read_text()
    shipped = "/srv/scratchpad/.venv/bin/"
    assert shipped in unit
    path = tmp_path / service.name
    path.write_text(unit.replace(shipped, str(Path(sys.executable).parent) + "/"))
    return path


def test_service_runs_gunicorn_with_the_projects_settings_as_its_own_user():
    unit = SERVICE.read_text()
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if re.match(r"^\w+=", line)
    )
    assert settings["ExecStart"].endswith("gunicorn --config gunicorn.conf.py")
    assert settings["WorkingDirectory"] == "/srv/scratchpad"
    assert settings["EnvironmentFile"]
    assert settings["User"] not in {"root", "www-data", "nobody"}
    assert settings["NoNewPrivileges"] == "yes"


def test_worker_service_runs_the_queues_worker_as_the_sites_user():
    def settings_of(unit):
        return dict(
            line.split("=", 1)
            for line in unit.read_text().splitlines()
            if re.match(r"^\w+=", line)
        )

    site, worker = settings_of(SERVICE), settings_of(WORKER_SERVICE)
    assert worker["ExecStart"].endswith("python manage.py db_worker --no-reload")
    for name in ["User", "WorkingDirectory", "EnvironmentFile", "NoNewPrivileges"]:
        assert worker[name] == site[name]


def test_service_is_valid_for_systemd(systemd_analyze, installed_service):
    result = subprocess.run(
        [systemd_analyze, "verify", str(installed_service)],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_service_is_hardened(systemd_analyze, installed_service):
    # systemd's own score of what a compromised site could reach, 0 (none)
    # to 10; 2.0 and below is what systemd calls OK.
    result = subprocess.run(
        [
            systemd_analyze,
            "security",
            "--offline=yes",
            "--threshold=20",
            "--no-pager",
            str(installed_service),
        ],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
