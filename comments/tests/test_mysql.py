"""
What only MySQL or MariaDB can get wrong: 4-byte characters, strict mode,
the database's character set, concurrent writes and dropped connections.
CI runs the whole suite on SQLite and on MariaDB; these run in the second.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DataError, connection, connections, transaction
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.checks import check_mysql_isolation_level
from comments.models import Comment
from scratchpad.tests.processes import Browser, database_url, manage, production_environ

pytestmark = pytest.mark.mysql

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")

# Emoji (with a skin tone, a zero-width joiner sequence and a flag), a
# musical symbol and a CJK ideograph outside the Basic Multilingual Plane.
FOUR_BYTE_TEXT = "Hello 👋🏽 from 👩‍💻 in 🇫🇷: 𝄞 𠜎, café"


@pytest.fixture
def server_cursor(django_db_setup, django_db_blocker):
    """
    A cursor on a connection of its own, outside the test's transaction, for
    statements that commit by themselves (CREATE DATABASE) or act on other
    connections (KILL).
    """
    with django_db_blocker.unblock():
        own_connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with own_connection.cursor() as cursor:
                yield cursor
        finally:
            own_connection.close()


@pytest.mark.django_db
class TestFourByteText:
    def test_is_stored_and_shown_exactly(self, bob_client):
        response = bob_client.post(CREATE_URL, {"content": FOUR_BYTE_TEXT})
        comment = Comment.objects.get()
        assertRedirects(response, f"{LIST_URL}#comment-{comment.pk}")
        assert comment.content == FOUR_BYTE_TEXT
        assertContains(bob_client.get(LIST_URL), FOUR_BYTE_TEXT)

    def test_4096_four_byte_characters_are_stored_whole(self, bob_client):
        content = "😀" * 4095 + "𠜎"
        response = bob_client.post(CREATE_URL, {"content": content})
        stored = Comment.objects.annotate(length=Length("content")).get()
        assertRedirects(response, f"{LIST_URL}#comment-{stored.pk}")
        assert stored.content == content
        assert stored.length == 4096

    def test_4097_four_byte_characters_are_refused_by_the_form(self, bob_client):
        response = bob_client.post(CREATE_URL, {"content": "😀" * 4097})
        assertContains(
            response, "A comment can be at most 4096 characters (it has 4097)."
        )
        assert not Comment.objects.exists()

    def test_a_nul_character_is_refused_by_the_form(self, bob_client):
        response = bob_client.post(CREATE_URL, {"content": "👋\x00🏽"})
        assertContains(response, "Null characters are not allowed.")
        assert not Comment.objects.exists()


@pytest.mark.django_db
def test_connections_are_strict_whatever_the_server_default():
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode")
        assert cursor.fetchone() == ("STRICT_TRANS_TABLES",)


@pytest.mark.django_db
def test_strict_mode_refuses_an_over_long_value_instead_of_cutting_it():
    # Past the form: without strict mode MySQL would store 4096 characters
    # and only warn.
    with pytest.raises(DataError), transaction.atomic():
        Comment.objects.create(content="😀" * 4097)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_system_checks_on_the_database_are_clean():
    # Django's own MySQL checks (strict mode among them) and comments.E001.
    call_command("check", "--database", "default", "--fail-level", "WARNING")


@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_stores_every_comment(settings):
    # Many posts each, as fast as the site answers: not what the limit is for.
    settings.COMMENTS_RATE_LIMIT = ((1000, 60),)
    threads, posts_each = 8, 50
    users = UserFactory.create_batch(threads)
    start_together = threading.Barrier(threads, timeout=30)

    def post_comments(user):
        client = Client()
        try:
            client.force_login(user)
            start_together.wait()
            return [
                client.post(
                    CREATE_URL, {"content": f"{user.username} {n} 👋"}
                ).status_code
                for n in range(posts_each)
            ]
        finally:
            # Each thread has its own connection; the test database can only
            # be dropped once they are closed.
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        statuses = [s for result in pool.map(post_comments, users) for s in result]

    assert statuses == [302] * threads * posts_each
    assert Comment.objects.count() == threads * posts_each
    for user in users:
        assert user.comments.count() == posts_each


class TestNotUtf8mb4Database:
    @pytest.fixture
    def latin1_database(self, server_cursor):
        name = f"{connection.settings_dict['NAME']}_latin1"
        server_cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        server_cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET latin1")
        yield name
        server_cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def tables(self, server_cursor, name):
        server_cursor.execute(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            [name],
        )
        return [table for (table,) in server_cursor.fetchall()]

    def test_migrate_stops_naming_the_fix_and_creates_nothing(
        self, latin1_database, server_cursor
    ):
        environ = production_environ(
            DATABASE_URL=database_url(connection, latin1_database)
        )
        result = manage("migrate", "--noinput", environ=environ)
        assert result.returncode != 0
        assert "stores text as latin1" in result.stderr
        assert (
            f"ALTER DATABASE `{latin1_database}` CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_unicode_ci" in result.stderr
        )
        assert self.tables(server_cursor, latin1_database) == []

    def test_the_named_fix_lets_migrate_make_utf8mb4_tables(
        self, latin1_database, server_cursor
    ):
        environ = production_environ(
            DATABASE_URL=database_url(connection, latin1_database)
        )
        server_cursor.execute(
            f"ALTER DATABASE `{latin1_database}` CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_unicode_ci"
        )
        result = manage("migrate", "--noinput", environ=environ)
        assert result.returncode == 0, result.stderr
        server_cursor.execute(
            "SELECT CHARACTER_SET_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'comments_comment' "
            "AND COLUMN_NAME = 'content'",
            [latin1_database],
        )
        assert server_cursor.fetchone() == ("utf8mb4",)

    def test_a_table_left_from_before_the_fix_is_named(
        self, latin1_database, server_cursor
    ):
        environ = production_environ(
            DATABASE_URL=database_url(connection, latin1_database)
        )
        server_cursor.execute(f"USE `{latin1_database}`")
        server_cursor.execute("CREATE TABLE comments_comment (content TEXT)")
        server_cursor.execute(
            f"ALTER DATABASE `{latin1_database}` CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_unicode_ci"
        )
        result = manage("check", "--database", "default", environ=environ)
        assert result.returncode != 0
        assert (
            "ALTER TABLE `comments_comment` CONVERT TO CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_unicode_ci" in result.stderr
        )


def test_a_connection_killed_by_the_server_is_replaced_on_the_next_request(
    shared_database_url, start_app_server, server_cursor
):
    def app_server_connections():
        server_cursor.execute(
            "SELECT ID FROM information_schema.PROCESSLIST "
            "WHERE DB = %s AND ID <> CONNECTION_ID()",
            [connection.settings_dict["NAME"]],
        )
        return {connection_id for (connection_id,) in server_cursor.fetchall()}

    # One worker, whose persistent connection (CONN_MAX_AGE) is the only one
    # besides the test's own.
    server = start_app_server(shared_database_url, CONN_MAX_AGE="600")
    browser = Browser()
    assert browser.get(server.url + LIST_URL).status == 200
    (kept,) = app_server_connections() - {_test_connection_id()}

    server_cursor.execute("KILL CONNECTION %s", [kept])

    response = browser.get(server.url + LIST_URL)
    assert response.status == 200, server.log()
    assert "No comments yet." in response.text
    reconnected = app_server_connections() - {_test_connection_id()}
    assert len(reconnected) == 1
    assert kept not in reconnected


def _test_connection_id():
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("level", ["repeatable read", None])
def test_an_isolation_level_other_than_read_committed_is_refused(level):
    assert check_mysql_isolation_level() == []
    database = connections[DEFAULT_DB_ALIAS]
    options = database.settings_dict.setdefault("OPTIONS", {})
    previous = options.copy()
    options["isolation_level"] = level
    try:
        (error,) = check_mysql_isolation_level()
    finally:
        options.clear()
        options.update(previous)
    assert error.id == "comments.E003"
