"""Fixtures the tests of several apps share; an app's own are in its tests'
conftest.py."""

import hashlib
import io
import itertools
import logging
import types
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from accounts.tests.factories import PASSWORD, UserFactory
from comments import caching, limits
from comments.tests.caches import use_redis
from scratchpad.tests.processes import (
    PLAIN_HTTP,
    AppServer,
    MailServer,
    RedisServer,
    database_url,
    manage,
    production_environ,
)


def pytest_collection_modifyitems(config, items):
    # CI runs the suite on SQLite and on MariaDB: the tests only MySQL can
    # fail run in the second, and are left out of the first (deselected, as
    # they do not apply there, rather than skipped).
    if connection.vendor == "mysql":
        return
    mysql_only = [item for item in items if item.get_closest_marker("mysql")]
    if mysql_only:
        config.hook.pytest_deselected(items=mysql_only)
        items[:] = [item for item in items if not item.get_closest_marker("mysql")]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The caches outlive each test's database, which rolls back to where the
    # pages' version was before the test.
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _shared_cache_not_paused(monkeypatch):
    # A pause is for the whole process: one test's must not reach the next.
    monkeypatch.setattr(caching, "_shared_cache_paused_until", 0.0)


@pytest.fixture
def shared_cache(settings, redis_server):
    """The tests' own Redis as the shared cache, under a key prefix of this
    test's own; emptied afterwards."""
    use_redis(settings, redis_server.url(), KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    yield caches["default"]
    caches["default"].clear()


# Each test's clock starts on a day of its own: the browser tests' cache
# keeps every test's counters (e2e/conftest.py).
_clock_days = itertools.count()


@pytest.fixture
def clock(monkeypatch):
    """The clock of the limits counted in the cache (comments.limits), 15 s
    into a minute and an hour of a day no other test's clock is on;
    clock(seconds) moves it on."""
    now = [1_800_000_015.0 + 86_400 * next(_clock_days)]
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=lambda: now[0]))

    def move(seconds):
        now[0] += seconds

    return move


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def no_hashing(monkeypatch):
    """hashlib's key derivations fail the test if they are called at all
    (a stand-in for a clock: the real calls would take minutes)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a refused hash was hashed")

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", refuse)
    monkeypatch.setattr(hashlib, "scrypt", refuse)


@pytest.fixture
def log_output():
    """What the site's stderr handler writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled by collectstatic, as a deployment has one."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    result = manage(
        "collectstatic",
        "--noinput",
        environ=production_environ(STATIC_ROOT=str(static_root)),
    )
    assert result.returncode == 0, result.stderr
    return static_root


@pytest.fixture
def shared_database_url(transactional_db, tmp_path):
    """
    A migrated database that app server processes and the test share.

    On MySQL, the test database itself (the test's writes are committed, so
    other processes see them; the table rows are removed after the test). On
    SQLite, whose test database lives in memory, a file.
    """
    if connection.vendor != "sqlite":
        return database_url(connection)
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    result = manage(
        "migrate", "--noinput", environ=production_environ(DATABASE_URL=url)
    )
    assert result.returncode == 0, result.stderr
    return url


@pytest.fixture
def start_app_server(collected_static, tmp_path):
    """
    Start gunicorn app servers in production mode over plain HTTP, against a
    given DATABASE_URL; every one is stopped after the test.
    """
    servers = []

    def start(database_url, **variables):
        environ = production_environ(
            DATABASE_URL=database_url,
            STATIC_ROOT=str(collected_static),
            **PLAIN_HTTP,
            **variables,
        )
        server = AppServer(environ, tmp_path / f"gunicorn-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis server of the tests' own, for those that need a shared cache."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def inserts_return_no_ids(monkeypatch):
    """The database's features as MySQL's: no ids back from an INSERT, so
    none from bulk_create(). The database itself is the real one."""
    features = connection.features
    for name in [
        "can_return_columns_from_insert",
        "can_return_rows_from_bulk_insert",
    ]:
        # Properties on the features' class, and cached on the instance once
        # read.
        monkeypatch.setattr(type(features), name, False)
        if name in vars(features):
            monkeypatch.setitem(vars(features), name, False)


@pytest.fixture
def mail_server(settings):
    """
    A real SMTP server of the test's own, which the site's settings send to
    (through the queue: run_worker sends what was queued). Its ``messages``
    are what arrived.
    """
    server = MailServer().start()
    settings.EMAIL_URL = server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "http://testserver"
    settings.DEFAULT_FROM_EMAIL = "Scratchpad <board@example.com>"
    yield server
    server.stop()


@pytest.fixture
def run_worker(transactional_db):
    """Runs the queue's worker (manage.py db_worker) until no task is ready,
    as production's runs them; returns what it printed."""

    def run():
        output = io.StringIO()
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            stdout=output,
        )
        return output.getvalue()

    return run
