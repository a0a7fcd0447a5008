"""
The site run the way production runs it, as separate processes: manage.py
commands and gunicorn app servers in production mode, against a database the
test chooses, and database and cache servers of the tests' own. Every wait is
bounded and every process started is stopped.
"""

import contextlib
import functools
import getpass
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from http.client import HTTPConnection, HTTPSConnection
from http.cookiejar import CookieJar
from pathlib import Path
from typing import NamedTuple
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import (
    HTTPCookieProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    build_opener,
)

import redis

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables that the settings and gunicorn.conf.py read. A subprocess gets
# only those its test gives it, not the test run's own (pytest.ini's).
SITE_VARIABLES = frozenset(
    {
        "ALLOWED_HOSTS",
        "CACHE_URL",
        "COMMENTS_EDIT_RATE_LIMIT",
        "COMMENTS_PREVIEW_RATE_LIMIT",
        "COMMENTS_RATE_LIMIT",
        "COMMENTS_REPORT_RATE_LIMIT",
        "CONN_MAX_AGE",
        "CSRF_COOKIE_SECURE",
        # The tests' own settings module (pytest.ini): a server runs the
        # site's.
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "DEBUG",
        "GUNICORN_ACCESS_LOG",
        "GUNICORN_MAX_REQUESTS",
        "DEFAULT_FROM_EMAIL",
        "EMAIL_URL",
        "HOST",
        "PORT",
        "SEARCH_RATE_LIMIT",
        "SECRET_KEY",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SITE_DESCRIPTION",
        "SITE_NAME",
        "SITE_URL",
        "STATIC_ROOT",
        "WEB_CONCURRENCY",
    }
)

# One key for every process of a test run: app servers behind one load
# balancer must share it, or a login made on one is refused by the other.
SECRET_KEY = secrets.token_urlsafe(50)

# Production mode over plain HTTP, as on one's own machine.
PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}

MARIADBD = shutil.which("mariadbd", path="/usr/sbin:/usr/bin") or "/usr/sbin/mariadbd"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

COMMAND_TIMEOUT = 120
STARTUP_TIMEOUT = 30
REQUEST_TIMEOUT = 15
STOP_TIMEOUT = 10


def production_environ(**variables: str) -> dict[str, str]:
    """The environment of a production deployment, plus ``variables``."""
    environ = {k: v for k, v in os.environ.items() if k not in SITE_VARIABLES}
    # The browser tests lift Django's async-safety check in this process
    # only; a server must run with it (the deploy check warns otherwise).
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environ.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Set, so that a developer's .env cannot point the servers at a
        # Redis of theirs.
        CACHE_URL="locmemcache://",
    )
    environ.update(variables)
    return environ


def manage(
    *args: str, environ: dict[str, str], timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess:
    """Run ``python manage.py ARGS`` and return its exit code and output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def site_shell(database_url: str, code: str, **variables: str) -> str:
    """Runs ``code`` in `manage.py shell`, as a production deployment on the
    database at ``database_url`` would, and returns what it printed."""
    result = manage(
        "shell",
        "--verbosity=0",
        "--command",
        code,
        environ=production_environ(DATABASE_URL=database_url, **variables),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def database_url(connection, name: str | None = None) -> str:
    """The DATABASE_URL of ``connection``'s database, or of ``name`` beside it."""
    settings = connection.settings_dict
    name = name or settings["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    if connection.vendor == "mysql":
        user = quote(settings["USER"], safe="")
        password = quote(settings["PASSWORD"], safe="")
        host = settings["HOST"] or "localhost"
        port = settings["PORT"] or 3306
        return f"mysql://{user}:{password}@{host}:{port}/{quote(name, safe='')}"
    raise NotImplementedError(f"No DATABASE_URL for {connection.vendor}")


def free_port() -> int:
    """A loopback TCP port that nothing listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Response(NamedTuple):
    status: int
    headers: object
    text: str


class _NoRedirects(HTTPRedirectHandler):
    # The tests look at the redirect itself.
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """An HTTP client that keeps cookies, as one browser does across servers."""

    def __init__(self):
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirects)

    def get(self, url: str) -> Response:
        return self._open(url)

    def post(self, url: str, fields: dict[str, str]) -> Response:
        return self._open(url, urlencode(fields).encode())

    def submit(self, page_url: str, action_url: str, fields: dict[str, str]):
        """Post ``fields`` with the CSRF token of the form on ``page_url``."""
        page = self.get(page_url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"No CSRF token on {page_url}: {page.status}"
        return self.post(action_url, {"csrfmiddlewaretoken": token[1], **fields})

    def _open(self, url, data=None):
        try:
            with self._opener.open(url, data, timeout=REQUEST_TIMEOUT) as response:
                return Response(response.status, response.headers, _text(response))
        except HTTPError as error:
            with error:
                return Response(error.code, error.headers, _text(error))


def _text(response):
    return response.read().decode()


class AppServer:
    """
    A gunicorn app server as ``make serve`` runs it, on a free loopback port.

    ``config`` and ``app`` name another gunicorn configuration file (one
    that reads HOST, PORT and WEB_CONCURRENCY as gunicorn.conf.py does) and
    another WSGI application, as the benchmark runs its own.
    """

    # Seconds to wait for it to answer once started.
    startup_timeout = STARTUP_TIMEOUT

    def __init__(
        self,
        environ: dict[str, str],
        log_path: Path,
        config: str = "gunicorn.conf.py",
        app: str | None = None,
    ):
        self.environ = environ
        self.log_path = log_path
        self.config = config
        self.app = app
        self.process = None
        self.url = None

    def start(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "gunicorn", "--config", self.config]
        if self.app:
            command.append(self.app)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env={
                    # One worker unless the test asks for more.
                    "WEB_CONCURRENCY": "1",
                    **self.environ,
                    "HOST": "127.0.0.1",
                    "PORT": str(port),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so that stop() reaches the workers.
                start_new_session=True,
            )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_answering(self):
        # /healthz answers without touching anything but the database, 503
        # included: a server whose database is down is still up.
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                Browser().get(f"{self.url}/healthz")
            except OSError:
                time.sleep(0.1)
            else:
                return
        raise RuntimeError(
            f"gunicorn did not answer within {self.startup_timeout} s:\n{self.log()}"
        )

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_TIMEOUT)
        # Whatever is left of the group (a worker of a master that died).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_until_started(server, name: str, answers) -> None:
    """Wait, at most STARTUP_TIMEOUT, until ``answers()`` says a server
    process just started is ready; stop it and fail with its log if it
    exits or takes longer."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not answers():
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{name} did not start:\n{server.log()}")
        time.sleep(0.05)


class MariaDBServer:
    """
    A MariaDB server of the test's own: its own data directory, loopback
    port and socket, never the machine's shared server. It can be stopped
    and started again on the same data, as an outage does.
    """

    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.datadir = base_dir / "data"
        self.port = free_port()
        self.process = None
        # mariadbd refuses to run as root unless told to.
        self.user = "root" if os.geteuid() == 0 else getpass.getuser()

    def install(self):
        result = subprocess.run(
            [
                shutil.which("mariadb-install-db") or "mysql_install_db",
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--user={self.user}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return self

    def start(self):
        with open(self.base_dir / "mariadbd.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    MARIADBD,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    f"--user={self.user}",
                    "--bind-address=127.0.0.1",
                    f"--port={self.port}",
                    f"--socket={self.base_dir / 'mariadbd.sock'}",
                    f"--pid-file={self.base_dir / 'mariadbd.pid'}",
                    "--skip-log-bin",
                    "--innodb-buffer-pool-size=32M",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_started(self, "mariadbd", self.answers)
        return self

    def answers(self) -> bool:
        # Imported here, as in every MySQL helper: a SQLite-only setup need
        # not have the MySQL driver.
        import MySQLdb

        try:
            MySQLdb.connect(**self.connect_args(), connect_timeout=1).close()
        except MySQLdb.Error:
            return False
        return True

    def stop(self):
        """A clean shutdown, as an operator's restart does."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STARTUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)

    def connect_args(self, database: str | None = None) -> dict:
        args = {"host": "127.0.0.1", "port": self.port, "user": "root", "passwd": ""}
        return {**args, "database": database} if database else args

    def create_database(self, name: str) -> str:
        """A new utf8mb4 database; its DATABASE_URL."""
        import MySQLdb

        connection = MySQLdb.connect(**self.connect_args())
        try:
            connection.cursor().execute(
                f"CREATE DATABASE `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        finally:
            connection.close()
        return f"mysql://root@127.0.0.1:{self.port}/{name}"

    def log(self) -> str:
        path = self.base_dir / "mariadbd.log"
        return path.read_text(errors="replace") if path.exists() else ""


NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin") or "/usr/sbin/nginx"
DEPLOY_NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with Debian's openssl."""
    certificate, key = directory / "cert.pem", directory / "key.pem"
    result = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return certificate, key


class TLSBrowser(Browser):
    """
    A Browser that trusts ``certificate``, connects from ``source_address``
    (any address of 127.0.0.0/8 is this machine) and sends ``headers`` with
    every request.
    """

    def __init__(
        self,
        certificate: Path,
        source_address: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
    ):
        super().__init__()
        context = ssl.create_default_context(cafile=str(certificate))
        source = (source_address, 0)

        class FromSourceHTTP(HTTPHandler):
            def http_open(self, request):
                return self.do_open(
                    functools.partial(HTTPConnection, source_address=source), request
                )

        class FromSourceHTTPS(HTTPSHandler):
            def https_open(self, request):
                return self.do_open(
                    functools.partial(HTTPSConnection, source_address=source),
                    request,
                    context=context,
                )

        self._opener = build_opener(
            HTTPCookieProcessor(self.cookies),
            _NoRedirects,
            FromSourceHTTP,
            FromSourceHTTPS,
        )
        self._opener.addheaders += list((headers or {}).items())


class Nginx:
    """
    Debian's nginx as a private process in front of an app server: the
    site's file (deploy/nginx.conf) inside a main configuration of its own,
    with its own pid, logs and temporary files under ``base_dir``, on free
    loopback ports. Of the site's file only the addresses it listens on, the
    certificate and the upstream are replaced, so what is tested is what is
    shipped.
    """

    def __init__(self, base_dir: Path, upstream_url: str):
        self.base_dir = base_dir
        self.upstream = upstream_url.removeprefix("http://")
        self.http_port = free_port()
        self.https_port = free_port()
        self.process = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def render_site(self, certificate: Path, key: Path) -> str:
        replacements = {
            "server 127.0.0.1:8000;": f"server {self.upstream};",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": f"listen [::1]:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "listen [::]:443 ssl http2;": f"listen [::1]:{self.https_port} ssl http2;",
            "/etc/letsencrypt/live/scratchpad.example.com/fullchain.pem": str(
                certificate
            ),
            "/etc/letsencrypt/live/scratchpad.example.com/privkey.pem": str(key),
        }
        site = DEPLOY_NGINX_CONF.read_text()
        for shipped, tested in replacements.items():
            assert shipped in site, f"{shipped!r} is no longer in {DEPLOY_NGINX_CONF}"
            site = site.replace(shipped, tested)
        return site

    def start(self, certificate: Path, key: Path):
        self.base_dir.mkdir(parents=True, exist_ok=True)
        temp = {
            f"{kind}_temp_path": self.base_dir / kind
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        }
        lines = [
            "daemon off;",
            "worker_processes 1;",
            # As root, nginx's workers would otherwise become nobody, who
            # cannot reach a test's temporary folder.
            "user root;" if os.geteuid() == 0 else "",
            f"pid {self.base_dir / 'nginx.pid'};",
            f"error_log {self.base_dir / 'error.log'} info;",
            "events { worker_connections 64; }",
            "http {",
            "include /etc/nginx/mime.types;",
            f"access_log {self.base_dir / 'access.log'};",
            *(f"{name} {path};" for name, path in temp.items()),
            self.render_site(certificate, key),
            "}",
        ]
        config = self.base_dir / "nginx.conf"
        config.write_text("\n".join(lines) + "\n")
        with open(self.base_dir / "stderr.log", "wb") as log:
            self.process = subprocess.Popen(
                [
                    NGINX,
                    "-p",
                    f"{self.base_dir}/",
                    "-c",
                    str(config),
                    "-e",
                    str(self.base_dir / "error.log"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_started(self, "nginx", self._listening)
        return self

    def _listening(self) -> bool:
        for port in (self.http_port, self.https_port):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
        return True

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            # A fast shutdown: stalled clients are not waited for.
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT)

    def log(self) -> str:
        return "".join(
            path.read_text(errors="replace")
            for path in (self.base_dir / "stderr.log", self.base_dir / "error.log")
            if path.exists()
        )


class RedisServer:
    """
    A Redis server of the tests' own, on a free loopback port, keeping
    nothing on disk: the tests empty its databases at will, which they must
    never do to a Redis a developer runs on the usual port.
    """

    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.port = free_port()
        self.process = None

    def start(self):
        if not Path(REDIS_SERVER).is_file():
            raise RuntimeError(
                "These tests start a Redis server of their own and need"
                " redis-server: apt-get install redis-server"
            )
        self.base_dir.mkdir(parents=True, exist_ok=True)
        with open(self.base_dir / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--dir",
                    str(self.base_dir),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_started(self, "redis-server", self.answers)
        return self

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            return client.ping()
        except redis.RedisError:
            return False
        finally:
            client.close()

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)

    def log(self) -> str:
        path = self.base_dir / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""


class MailServer:
    """
    An SMTP server of the tests' own (aiosmtpd, in a thread of the test
    process) on a free port, keeping every message it accepts. ``stop()`` and
    ``start()`` again take it down and bring it back on the same port.
    """

    def __init__(self):
        self.port = free_port()
        self.received = []
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        from aiosmtpd.controller import Controller

        server = self

        class Keep:
            async def handle_DATA(self, smtp, session, envelope):
                server.received.append(envelope)
                return "250 Message accepted"

        self._controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list:
        """What arrived, as email.message.EmailMessage objects."""
        import email
        import email.policy

        return [
            email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            for envelope in self.received
        ]

    def wait_for(self, count: int, timeout: float = REQUEST_TIMEOUT) -> list:
        """The messages, once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.received)} mail(s) arrived, expected {count}"
                )
            time.sleep(0.05)
        return self.messages
