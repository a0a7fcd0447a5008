"""import_flask_scratchpad: moving the Flask tutorial's site over."""

import datetime
import io
import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects
from werkzeug.security import generate_password_hash

from accounts.tests.factories import UserFactory
from accounts.tests.fast_hashers import fast_production_hashers
from accounts.tests.test_hashers import LEGACY_HASHES, LEGACY_PASSWORD
from comments.models import BoardVersion, Comment, ImportedComment
from comments.tests.factories import CommentFactory
from flask_import.importer import BATCH_SIZE, FlaskSource, import_flask_database

from .flask_sources import FINAL, MySQLFlaskDatabase, SQLiteFlaskDatabase

pytestmark = pytest.mark.django_db

User = get_user_model()

LIST_URL = reverse("comments:list")
LOGIN_URL = reverse("login")

# Sources on SQLite always; on MariaDB too when the suite runs on it.
SOURCE_BACKENDS = ["sqlite"]
if connection.vendor == "mysql":
    SOURCE_BACKENDS.append("mysql")

UTC = datetime.UTC
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(params=SOURCE_BACKENDS)
def make_source(request, tmp_path):
    made = []

    def make(stage=FINAL):
        if request.param == "mysql":
            source = MySQLFlaskDatabase.create(connection.settings_dict, stage)
        else:
            source = SQLiteFlaskDatabase.create(
                tmp_path / f"flask{len(made)}.db", stage
            )
        made.append(source)
        return source

    yield make
    for source in made:
        source.drop()


@pytest.fixture
def source(make_source):
    return make_source(FINAL)


@pytest.fixture
def sqlite_source(tmp_path):
    # What only SQLite lets the Flask site store: it enforces no length and
    # no type.
    source = SQLiteFlaskDatabase.create(tmp_path / "flask.db", FINAL)
    yield source
    source.drop()


@pytest.fixture
def mysql_source():
    source = MySQLFlaskDatabase.create(connection.settings_dict, FINAL)
    yield source
    source.drop()


@pytest.fixture
def production_hashers(settings):
    # The suite's conftest hashes with MD5 alone; logging in imported users
    # must go through production's chain so that the upgrade is the real
    # one, at a test's cost (test_security.py has the real one's).
    settings.PASSWORD_HASHERS = fast_production_hashers()


def run_import(source_url, *args, stdout=None):
    stdout = stdout or io.StringIO()
    call_command(
        "import_flask_scratchpad",
        source_url,
        *args,
        stdout=stdout,
        stderr=io.StringIO(),
    )
    return stdout.getvalue()


def imported_contents():
    return list(Comment.objects.values_list("content", flat=True))


def nothing_written():
    return (
        not Comment.objects.exists()
        and not User.objects.exists()
        and not ImportedComment.objects.exists()
    )


class TestStages:
    def test_first_stage_imports_comments_without_time_or_commenter(self, make_source):
        source = make_source(1)
        source.add_comment("From part one")
        output = run_import(source.url)
        assert "the first tutorial's: comments only" in output
        assert "times and commenters unknown" in output
        comment = Comment.objects.get()
        assert comment.content == "From part one"
        assert comment.posted is None
        assert comment.commenter is None

    def test_imported_comments_are_plain_text_shown_as_before(self, make_source):
        source = make_source(1)
        source.add_comment("**as typed** <b>\nsee https://example.com")
        run_import(source.url)
        comment = Comment.objects.get()
        assert comment.format == Comment.Format.PLAIN
        assert comment.html == (
            "**as typed** &lt;b&gt;<br>see "
            '<a href="https://example.com" rel="nofollow ugc noopener">'
            "https://example.com</a>"
        )

    def test_stage_with_times_keeps_them_and_has_no_commenters(self, make_source):
        source = make_source(2)
        source.add_comment("timed", datetime.datetime(2017, 10, 13, 16, 36))
        output = run_import(source.url)
        assert "comments with times, before users moved to the database" in output
        assert "commenters unknown" in output
        assert "Alembic revision 0b78e577771d" in output
        comment = Comment.objects.get()
        assert comment.posted == datetime.datetime(2017, 10, 13, 16, 36, tzinfo=UTC)
        assert comment.commenter is None

    def test_stage_with_users_imports_them_before_comments_name_them(self, make_source):
        source = make_source(3)
        source.add_user("bob", generate_password_hash("pw", method="pbkdf2:sha1:1000"))
        source.add_comment("by someone", datetime.datetime(2017, 10, 13, 16, 36))
        output = run_import(source.url)
        assert "users in the database, comments not yet linked to them" in output
        assert User.objects.get().username == "bob"
        assert Comment.objects.get().commenter is None

    def test_final_stage_links_comments_to_their_commenters(self, source):
        bob = source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        source.add_comment("by bob", datetime.datetime(2017, 10, 13, 16, 36), bob)
        source.add_comment("by nobody", datetime.datetime(2017, 10, 14, 9, 0))
        output = run_import(source.url)
        assert "its final stage: users, comments with times and commenters" in output
        by_bob, by_nobody = Comment.objects.all()
        assert by_bob.commenter.username == "bob"
        assert by_nobody.commenter is None


class TestUsersAndPasswords:
    # The werkzeug methods of the tutorial's history, and their passwords, at
    # a test's cost (werkzeug's own were 32768 for scrypt, 50000 to 1000000
    # for pbkdf2:sha256; test_hashers.py checks those).
    USERS = {
        "admin": ("scrypt:1024:8:1", "new-secret"),
        "bob": ("pbkdf2:sha256:1000", "super-secret"),
        "caroline": ("pbkdf2:sha256:2000", "8fwe5jYCE98lXl0ZovYW"),
        "dave": ("pbkdf2:sha1:1000", "less-secret"),
    }

    @pytest.fixture
    def passwords(self, source):
        """Adds the users to the source; gives their passwords."""
        passwords = {}
        for username, (method, password) in self.USERS.items():
            werkzeug_hash = generate_password_hash(password, method=method)
            # A strict MySQL refused the 162-character scrypt hashes.
            if len(werkzeug_hash) <= 128 or source.holds_long_text:
                source.add_user(username, werkzeug_hash)
                passwords[username] = password
        source.add_user("erin", LEGACY_HASHES[0])
        passwords["erin"] = LEGACY_PASSWORD
        return passwords

    def test_every_user_logs_in_with_the_old_password_and_is_upgraded(
        self, client, source, passwords, production_hashers
    ):
        output = run_import(source.url)
        assert f"Users: {len(passwords)} created, 0 matched" in output
        assert f"Passwords: {len(passwords)} kept, 0 unusable." in output
        for username, password in passwords.items():
            user = User.objects.get(username=username)
            assert user.password.startswith("werkzeug$")
            response = client.post(
                LOGIN_URL, {"username": username, "password": password}
            )
            assertRedirects(response, settings.LOGIN_REDIRECT_URL)
            assert client.session["_auth_user_id"] == str(user.pk)
            # Django stored the password again with the preferred hasher.
            user.refresh_from_db()
            assert identify_hasher(user.password).algorithm == get_hasher().algorithm
            client.logout()
        # And the new hash holds the same password.
        response = client.post(
            LOGIN_URL, {"username": "bob", "password": passwords["bob"]}
        )
        assertRedirects(response, settings.LOGIN_REDIRECT_URL)

    def test_wrong_password_is_refused_and_nothing_is_upgraded(
        self, client, source, passwords, production_hashers
    ):
        run_import(source.url)
        response = client.post(LOGIN_URL, {"username": "bob", "password": "wrong"})
        assertContains(response, "Incorrect username or password")
        assert User.objects.get(username="bob").password.startswith("werkzeug$")

    def test_hash_cut_short_by_mysql_gives_an_unusable_password(self, make_source):
        source = make_source()
        # MySQL without strict mode kept the first 128 characters of a
        # 162-character scrypt hash; SQLite would have kept it whole. A cost
        # written in five digits, as werkzeug's default is, cuts the digest
        # at a whole byte.
        werkzeug_hash = generate_password_hash("pw", "scrypt:16384:8:1")
        if source.holds_long_text:
            werkzeug_hash = werkzeug_hash[:128]
        else:
            source.execute("SET SESSION sql_mode = ''")
        source.add_user("frank", werkzeug_hash)
        output = run_import(source.url)
        frank = User.objects.get(username="frank")
        assert len(frank.password) > 0
        assert not frank.has_usable_password()
        assert "Passwords: 0 kept, 1 unusable." in output
        assert "Staff must set a new password for (username: why):" in output
        assert "    frank: its digest is 47 bytes long, not 64" in output

    def test_unknown_hash_format_gives_an_unusable_password(self, source):
        source.add_user("gina", "plain$$gina's password")
        source.add_user("hank", "$2b$12$bcrypt.looking.hash")
        source.add_user("ivy", None)
        output = run_import(source.url)
        assert not any(user.has_usable_password() for user in User.objects.all())
        assert (
            "  Staff must set a new password for (username: why):\n"
            "    gina: its digest is not lower-case hexadecimal\n"
            "    hank: its password hash is in no format werkzeug made\n"
            "    ivy: it has no password hash\n"
        ) in output

    def test_hash_costlier_than_werkzeug_made_gives_an_unusable_password(
        self, client, source, production_hashers, no_hashing
    ):
        # Each would hold a web worker for minutes (or 2.6 seconds) at
        # every login for its user; no_hashing fails the test if any is
        # hashed, at import or at the login below.
        source.add_user("greedy", "pbkdf2:sha256:2147483647$salt$" + "ab" * 32)
        source.add_user("overflow", "pbkdf2:sha256:2147483648$salt$" + "ab" * 32)
        # Short enough for the Flask site's column: the cost is what is
        # refused, before the digest's length is looked at.
        source.add_user("slow", "scrypt:2:1:1000000$salt$" + "ab" * 40)
        source.add_user("fine", "pbkdf2:sha256:1000000$salt$" + "ab" * 32)
        output = run_import(source.url)
        assert "Users: 4 created, 0 matched" in output
        assert "Passwords: 1 kept, 3 unusable." in output
        assert (
            "    greedy: it asks for 2,147,483,647 PBKDF2 iterations, more than "
            "werkzeug ever made (1,000,000)\n"
            "    overflow: it asks for 2,147,483,648 PBKDF2 iterations, more than "
            "werkzeug ever made (1,000,000)\n"
            "    slow: its scrypt cost N·r·p is 2,000,000, more than werkzeug's "
            "default (262,144)\n"
        ) in output
        unusable = User.objects.filter(username__in=["greedy", "overflow", "slow"])
        assert not any(user.has_usable_password() for user in unusable)
        assert User.objects.get(username="fine").has_usable_password()
        response = client.post(LOGIN_URL, {"username": "greedy", "password": "x"})
        assertContains(response, "Incorrect username or password")

    def test_existing_user_is_matched_and_keeps_its_password(
        self, client, source, password
    ):
        UserFactory(username="bob")
        flask_id = source.add_user(
            "bob", generate_password_hash("flask-pw", "pbkdf2:sha1:1000")
        )
        source.add_comment("from flask", None, flask_id)
        output = run_import(source.url)
        assert "Users: 0 created, 1 matched" in output
        bob = User.objects.get()
        assert bob.check_password(password)
        assert not bob.check_password("flask-pw")
        assert Comment.objects.get().commenter == bob

    def test_username_differing_only_in_case_is_a_conflict_not_a_match(
        self, source, password
    ):
        # MariaDB's username column compares without case: a lookup by name
        # alone matched ALICE to alice, and her comments read "by alice".
        alice = UserFactory(username="alice")
        flask_id = source.add_user(
            "ALICE", generate_password_hash("flask-pw", "pbkdf2:sha1:1000")
        )
        source.add_comment("by ALICE", None, flask_id, id=7)
        source.add_comment("by nobody", id=8)
        out = io.StringIO()
        with pytest.raises(CommandError, match="Source rows not imported: 2"):
            run_import(source.url, stdout=out)
        output = out.getvalue()
        assert "Users: 0 created, 0 matched" in output
        assert (
            f"  {flask_id}: its username 'ALICE' differs only in case from the "
            "user 'alice' here: rename one of them (here in the admin, or in the "
            "source), then import again; the comments of this user are held "
            "back until then"
        ) in output
        assert (
            f"  7: its commenter (source user {flask_id}) is not imported: "
            "see the users above"
        ) in output
        assert list(User.objects.values_list("username", flat=True)) == ["alice"]
        assert imported_contents() == ["by nobody"]
        alice.refresh_from_db()
        assert alice.check_password(password)

        # Once one of them is renamed, the next import brings ALICE and her
        # comment.
        alice.username = "alice-here"
        alice.save()
        output = run_import(source.url)
        assert "Users: 1 created, 0 matched" in output
        comment = Comment.objects.get(content="by ALICE")
        assert comment.commenter.username == "ALICE"

    def test_source_users_differing_only_in_case_import_only_the_first(self, source):
        bob = source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        big_bob = source.add_user(
            "BOB", generate_password_hash("pw", "pbkdf2:sha1:1000")
        )
        source.add_comment("by bob", None, bob)
        source.add_comment("by BOB", None, big_bob)
        out = io.StringIO()
        with pytest.raises(CommandError, match="Source rows not imported: 2"):
            run_import(source.url, stdout=out)
        assert (
            f"  {big_bob}: its username 'BOB' differs only in case from the user "
            "'bob' here"
        ) in out.getvalue()
        assert list(User.objects.values_list("username", flat=True)) == ["bob"]
        assert Comment.objects.get().commenter.username == "bob"

    if connection.vendor == "sqlite":
        # Only SQLite holds two names that differ only in case.

        def test_exact_username_is_matched_beside_one_in_other_case(
            self, sqlite_source
        ):
            # The one with the same name is the match.
            UserFactory(username="Alice")
            alice = UserFactory(username="alice")
            flask_id = sqlite_source.add_user(
                "alice", generate_password_hash("pw", "pbkdf2:sha1:1000")
            )
            sqlite_source.add_comment("by alice", None, flask_id)
            output = run_import(sqlite_source.url)
            assert "Users: 0 created, 1 matched" in output
            assert Comment.objects.get().commenter == alice

    @pytest.mark.mysql
    def test_username_mysql_takes_for_another_is_a_conflict(self, source):
        # MariaDB's collation ignores trailing spaces too: "alice " would be
        # alice's row, and creating it would break the unique index.
        UserFactory(username="alice")
        source.add_user("alice ", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        out = io.StringIO()
        with pytest.raises(CommandError, match="Source rows not imported: 1"):
            run_import(source.url, stdout=out)
        assert (
            "its username 'alice ' is the same name, to this site's database, "
            "as the user 'alice' here"
        ) in out.getvalue()
        assert User.objects.count() == 1

    def test_source_text_is_printed_escaped(self, source):
        # A username or an Alembic revision could drive the operator's
        # terminal: clear it, retitle it, or hide what follows.
        source.add_user("\x1b[2J\x1b[31mmallory\x07\u202e", "not a hash")
        source.execute("UPDATE alembic_version SET version_num = ?", ["\x1b]0;x\x07"])
        output = run_import(source.url)
        assert "\x1b" not in output and "\x07" not in output
        assert "\u202e" not in output
        assert "Alembic revision \\x1b]0;x\\x07" in output
        assert (
            "    \\x1b[2J\\x1b[31mmallory\\x07\\u202e: its password hash is in no "
            "format werkzeug made"
        ) in output
        assert User.objects.get().username == "\x1b[2J\x1b[31mmallory\x07\u202e"

    def test_user_without_a_username_is_refused_and_listed(self, source):
        nameless = source.add_user(
            None, generate_password_hash("pw", "pbkdf2:sha1:1000")
        )
        blank = source.add_user("  ", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        source.add_comment("by the nameless one", None, nameless)
        out = io.StringIO()
        with pytest.raises(
            CommandError,
            match=r"Source rows not imported: 2 \(listed above\); everything else was.",
        ):
            run_import(source.url, stdout=out)
        assert f"  {nameless}: its username is NULL" in out.getvalue()
        assert f"  {blank}: its username is empty" in out.getvalue()
        assert not User.objects.exists()
        assert Comment.objects.get().commenter is None

    def test_two_source_users_with_one_name_become_one_user(
        self, sqlite_source, production_hashers
    ):
        first = sqlite_source.add_user(
            "bob", generate_password_hash("first", "pbkdf2:sha1:1000")
        )
        second = sqlite_source.add_user(
            "bob", generate_password_hash("second", "pbkdf2:sha1:1000")
        )
        sqlite_source.add_comment("one", None, first)
        sqlite_source.add_comment("two", None, second)
        run_import(sqlite_source.url)
        bob = User.objects.get()
        # The Flask site logged in the first of them.
        assert bob.check_password("first")
        assert [c.commenter for c in Comment.objects.all()] == [bob, bob]

    def test_admin_shows_an_imported_password_without_revealing_it(
        self, source, staff_client, production_hashers
    ):
        werkzeug_hash = generate_password_hash("pw", "pbkdf2:sha256:50000")
        source.add_user("bob", werkzeug_hash)
        run_import(source.url)
        bob = User.objects.get(username="bob")
        response = staff_client.get(reverse("admin:auth_user_change", args=[bob.pk]))
        assertContains(response, "werkzeug")
        assertContains(response, "pbkdf2:sha256:50000")
        page = response.content.decode()
        assert werkzeug_hash.split("$")[2] not in page
        assert bob.password.rsplit("$", 1)[1] not in page


class TestComments:
    TEXTS = [
        "Plain words",
        "CRLF line one\r\nline two",
        "LF line one\nline two\n",
        "   leading and trailing whitespace\t ",
        "",
        "Ünïcödé, 中文 and emoji 🎉👋🏽",
        "<script>alert('x')</script>",
        "é" * 4096,
    ]

    def test_text_is_imported_exactly_as_stored(self, source):
        for text in self.TEXTS:
            source.add_comment(text)
        run_import(source.url)
        assert imported_contents() == self.TEXTS

    def test_source_order_is_kept(self, source):
        for id in [30, 4, 17, 5]:
            source.add_comment(f"comment {id}", id=id)
        run_import(source.url)
        assert imported_contents() == [f"comment {id}" for id in [4, 5, 17, 30]]

    def test_naive_times_are_read_in_the_source_timezone(self, source):
        source.add_comment("summer", datetime.datetime(2017, 7, 1, 12, 0, 30))
        source.add_comment("winter", datetime.datetime(2017, 12, 1, 12, 0))
        run_import(source.url, "--source-timezone", "Europe/London")
        summer, winter = Comment.objects.all()
        assert summer.posted == datetime.datetime(2017, 7, 1, 11, 0, 30, tzinfo=UTC)
        assert winter.posted == datetime.datetime(2017, 12, 1, 12, 0, tzinfo=UTC)

    def test_fractions_of_a_second_are_kept(self, sqlite_source):
        # SQLAlchemy stored microseconds in SQLite; MySQL's DATETIME has none.
        sqlite_source.add_comment("x", datetime.datetime(2017, 7, 1, 12, 0, 0, 123456))
        run_import(sqlite_source.url)
        assert Comment.objects.get().posted.microsecond == 123456

    def test_times_default_to_utc(self, source):
        source.add_comment("noon", datetime.datetime(2017, 7, 1, 12, 0))
        run_import(source.url)
        assert Comment.objects.get().posted == datetime.datetime(
            2017, 7, 1, 12, 0, tzinfo=UTC
        )

    def test_unknown_time_zone_is_refused_before_anything(self, source):
        source.add_comment("x")
        with pytest.raises(CommandError, match="Unknown time zone 'Mars/Olympus'"):
            run_import(source.url, "--source-timezone", "Mars/Olympus")
        assert nothing_written()

    def test_missing_commenter_reads_as_anonymous(self, sqlite_source):
        sqlite_source.add_comment("orphan", None, 99)
        run_import(sqlite_source.url)
        assert Comment.objects.get().commenter is None

    def test_import_is_the_same_where_inserts_return_no_ids(
        self, source, inserts_return_no_ids
    ):
        # MySQL 8 gives no ids back from a bulk insert, unlike MariaDB,
        # PostgreSQL and SQLite.
        password_hash = generate_password_hash("pw", "pbkdf2:sha1:1000")
        alice = source.add_user("alice", password_hash)
        bob = source.add_user("bob", password_hash)
        when = datetime.datetime(2017, 10, 13, 16, 36, 5)
        source.add_comment("third", when + datetime.timedelta(days=2), bob, id=30)
        source.add_comment("first", when, alice, id=4)
        source.add_comment("second, time unknown", None, None, id=17)
        run_import(source.url)
        assert list(
            Comment.objects.values_list("content", "posted", "commenter__username")
        ) == [
            ("first", when.replace(tzinfo=UTC), "alice"),
            ("second, time unknown", None, None),
            ("third", (when + datetime.timedelta(days=2)).replace(tzinfo=UTC), "bob"),
        ]
        assert ImportedComment.objects.count() == 3

    def test_page_shows_the_comments_as_the_flask_site_did(self, client, source):
        bob = source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        source.add_comment(
            "Hello from 2017", datetime.datetime(2017, 10, 13, 16, 36), bob
        )
        source.add_comment("<script>alert(1)</script> 🎉")
        run_import(source.url, "--source-timezone", "Europe/Berlin")
        response = client.get(LIST_URL)
        assertContains(response, "Hello from 2017")
        # 16:36 in Berlin is 14:36 UTC: the page's text is in UTC, and its
        # script shows a Berlin reader the 16:36 the Flask site showed.
        assertContains(response, '<time datetime="2017-10-13T14:36:00Z" title="UTC">')
        assertContains(
            response,
            "Friday, 13 October 2017 at 14:36</time></a> by "
            '<a href="/users/bob/" class="comment-author">bob</a>',
        )
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; 🎉")
        text = re.sub(r"<[^>]+>", "", response.content.decode())
        assert "Posted at an unknown time by anonymous" in text


class TestRefusedRows:
    def test_rows_the_site_cannot_hold_are_listed_and_the_rest_imported(
        self, sqlite_source
    ):
        sqlite_source.add_comment("before", id=1)
        sqlite_source.add_comment("x" * 4097, id=2)
        sqlite_source.add_comment("nul\x00inside", id=3)
        sqlite_source.add_comment(None, id=4)
        sqlite_source.add_comment("after", id=5)
        out = io.StringIO()
        with pytest.raises(
            CommandError, match=r"Source rows not imported: 3 \(listed above\)"
        ):
            run_import(sqlite_source.url, stdout=out)
        assert imported_contents() == ["before", "after"]
        output = out.getvalue()
        assert "Comments: 2 imported, 0 already there, 3 refused." in output
        assert "  2: its text is 4097 characters long, more than 4096" in output
        assert "  3: its text contains a NUL character" in output
        assert "  4: its text is NULL" in output

    def test_nul_is_refused_from_either_database(self, source):
        source.add_comment("nul\x00inside")
        source.add_comment("fine")
        with pytest.raises(CommandError):
            run_import(source.url)
        assert imported_contents() == ["fine"]

    def test_text_that_is_not_utf8_is_refused(self, sqlite_source):
        sqlite_source.execute(
            "INSERT INTO comments (id, content) VALUES (1, CAST(X'FF61' AS TEXT))"
        )
        sqlite_source.execute("INSERT INTO comments (id, content) VALUES (2, X'6869')")
        out = io.StringIO()
        with pytest.raises(CommandError):
            run_import(sqlite_source.url, stdout=out)
        assert "  1: its text is not valid UTF-8" in out.getvalue()
        assert "  2: its text is not text" in out.getvalue()

    def test_time_that_is_not_a_time_is_refused(self, sqlite_source):
        sqlite_source.execute(
            "INSERT INTO comments (id, content, posted) VALUES (1, 'x', 'yesterday')"
        )
        out = io.StringIO()
        with pytest.raises(CommandError):
            run_import(sqlite_source.url, stdout=out)
        assert "  1: its time 'yesterday' is not a date and time" in out.getvalue()

    def test_strict_writes_nothing_when_a_row_is_refused(self, sqlite_source):
        sqlite_source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        sqlite_source.add_comment("fine")
        sqlite_source.add_comment("x" * 5000, id=7)
        out = io.StringIO()
        with pytest.raises(CommandError, match=r"Nothing was imported \(--strict\)"):
            run_import(sqlite_source.url, "--strict", stdout=out)
        assert "  7: its text is 5000 characters long" in out.getvalue()
        assert nothing_written()

    def test_strict_imports_everything_when_nothing_is_refused(self, source):
        source.add_comment("fine")
        output = run_import(source.url, "--strict")
        assert "Comments: 1 imported" in output
        assert imported_contents() == ["fine"]


class TestRepeating:
    def test_second_run_imports_nothing_twice(self, source):
        bob = source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        source.add_comment("one", None, bob)
        source.add_comment("two")
        run_import(source.url)
        output = run_import(source.url)
        assert "Users: 0 created, 1 matched" in output
        assert "Comments: 0 imported, 2 already there, 0 refused." in output
        assert imported_contents() == ["one", "two"]
        assert User.objects.count() == 1

    def test_new_source_comments_are_imported_on_the_next_run(self, source):
        source.add_comment("old")
        run_import(source.url)
        source.add_comment("new")
        output = run_import(source.url)
        assert "Comments: 1 imported, 1 already there" in output
        assert imported_contents() == ["old", "new"]

    def test_comment_deleted_here_is_not_imported_again(self, source):
        source.add_comment("spam")
        run_import(source.url)
        Comment.objects.get().delete()
        output = run_import(source.url)
        assert "Comments: 0 imported, 1 already there" in output
        assert not Comment.objects.exists()

    def test_another_source_with_the_same_ids_is_imported_too(self, make_source):
        first, second = make_source(), make_source()
        first.add_comment("from the first site")
        second.add_comment("from the second site")
        run_import(first.url)
        run_import(second.url)
        assert imported_contents() == ["from the first site", "from the second site"]

    def test_relative_and_absolute_paths_name_the_same_source(
        self, sqlite_source, tmp_path, monkeypatch
    ):
        sqlite_source.add_comment("once")
        run_import(sqlite_source.url)
        monkeypatch.chdir(tmp_path)
        output = run_import("sqlite:///flask.db")
        assert "Comments: 0 imported, 1 already there" in output


class TestDryRun:
    def test_dry_run_reports_and_writes_nothing(self, source):
        bob = source.add_user("bob", generate_password_hash("pw", "pbkdf2:sha1:1000"))
        source.add_comment("one", None, bob)
        source.add_comment("two")
        output = run_import(source.url, "--dry-run")
        assert "Dry run: nothing will be written." in output
        assert "Users: 1 to create, 0 matched" in output
        assert "Comments: 2 to import, 0 already there, 0 refused." in output
        assert nothing_written()

    def test_dry_run_lists_what_it_would_refuse(self, sqlite_source):
        sqlite_source.add_comment("fine")
        sqlite_source.add_comment("x" * 4097, id=9)
        out = io.StringIO()
        with pytest.raises(CommandError, match="that would not be imported: 1"):
            run_import(sqlite_source.url, "--dry-run", stdout=out)
        assert "Comments: 1 to import, 0 already there, 1 refused." in out.getvalue()
        assert "  9: its text is 4097 characters long" in out.getvalue()
        assert nothing_written()

    def test_dry_run_after_an_import_reports_only_what_is_new(self, source):
        source.add_comment("old")
        run_import(source.url)
        source.add_comment("new")
        output = run_import(source.url, "--dry-run")
        assert "Comments: 1 to import, 1 already there" in output
        assert imported_contents() == ["old"]


class TestBadInput:
    def test_unreachable_server(self):
        with pytest.raises(CommandError, match="Cannot connect to mysql://"):
            run_import("mysql://scratchpad:pw@127.0.0.1:1/comments")
        assert nothing_written()

    if "mysql" in SOURCE_BACKENDS:

        def test_wrong_credentials(self, mysql_source):
            mysql_source.add_comment("x")
            host = connection.settings_dict["HOST"] or "localhost"
            url = f"mysql://nobody:wrong@{host}/{mysql_source.name}"
            with pytest.raises(CommandError, match="Access denied"):
                run_import(url)
            assert nothing_written()

        def test_database_that_does_not_exist(self):
            user = connection.settings_dict["USER"]
            host = connection.settings_dict["HOST"] or "localhost"
            with pytest.raises(CommandError, match="Unknown database"):
                run_import(f"mysql://{user}@{host}/imp_no_such_database")

        def test_sqlalchemy_url_of_the_flask_app_is_accepted(self, mysql_source):
            mysql_source.add_comment("x")
            url = mysql_source.url.replace("mysql://", "mysql+mysqlconnector://")
            run_import(url)
            assert imported_contents() == ["x"]

    def test_error_names_the_source_without_its_password(self):
        # The PythonAnywhere form: the database name holds a "$".
        url = "mysql://bob:s3cr%40t@127.0.0.1:1/bob$comments"
        with pytest.raises(CommandError) as excinfo:
            run_import(url)
        message = str(excinfo.value)
        assert "mysql://bob@127.0.0.1:1/bob$comments" in message
        assert "s3cr" not in message

    def test_file_that_is_not_a_database(self, tmp_path):
        not_a_database = tmp_path / "notes.txt"
        not_a_database.write_text("just some notes\n" * 100)
        with pytest.raises(CommandError, match="file is not a database"):
            run_import(f"sqlite:///{not_a_database}")
        assert nothing_written()

    def test_missing_file_is_not_created(self, tmp_path):
        missing = tmp_path / "missing.db"
        with pytest.raises(CommandError, match="There is no SQLite database file"):
            run_import(f"sqlite:///{missing}")
        assert not missing.exists()

    def test_database_without_the_tutorial_tables(self, tmp_path):
        other = tmp_path / "other.db"
        sqlite3.connect(other).execute("CREATE TABLE posts (id INTEGER, body TEXT)")
        with pytest.raises(CommandError, match="has no comments table"):
            run_import(f"sqlite:///{other}")
        assert nothing_written()

    def test_comments_table_of_another_shape(self, tmp_path):
        other = tmp_path / "other.db"
        sqlite3.connect(other).execute("CREATE TABLE comments (id INTEGER, body TEXT)")
        with pytest.raises(CommandError, match="has no id or content column"):
            run_import(f"sqlite:///{other}")

    @pytest.mark.parametrize(
        "url", ["postgres://localhost/comments", "/path/to/flask.db", "flask.db"]
    )
    def test_unsupported_url(self, url):
        with pytest.raises(CommandError, match="must be a mysql://"):
            run_import(url)

    def test_error_is_one_line_and_exits_non_zero(self):
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_flask_scratchpad",
                "sqlite:////nowhere.db",
            ],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert result.stderr.strip().splitlines() == [
            "CommandError: There is no SQLite database file at /nowhere.db."
        ]


class TestLargeImports:
    @pytest.fixture
    def many(self, source):
        source.add_comments(f"comment {n}" for n in range(BATCH_SIZE * 2 + 3))
        return source

    def test_many_comments_are_written_in_batches(
        self, many, django_assert_max_num_queries
    ):
        # Batches, not rows, then a new version of the pages with the front
        # page's list (the version read, the list's two queries, the write).
        with django_assert_max_num_queries(25):
            run_import(many.url)
        contents = imported_contents()
        assert len(contents) == BATCH_SIZE * 2 + 3
        assert contents == [f"comment {n}" for n in range(BATCH_SIZE * 2 + 3)]

    def test_the_pages_version_is_written_once_after_every_comment(self, many):
        # Its row stays locked from its write to the import's commit, and
        # every post on the site waits for it meanwhile: last, not per batch.
        version_table = BoardVersion._meta.db_table
        writes = []

        def record(execute, sql, params, many, context):
            if sql.startswith(("INSERT", "UPDATE")):
                table = next(
                    (t for t in (Comment._meta.db_table, version_table) if t in sql),
                    None,
                )
                if table:
                    writes.append(table)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            run_import(many.url)
        # Three batches of comments at least (SQLite's limit on a query's
        # parameters cuts them smaller), then the version once, with the
        # front page's list rendered for it.
        assert writes.count(Comment._meta.db_table) >= 3
        assert writes.count(version_table) == 1
        assert writes[-1] == version_table

    def test_interrupted_import_leaves_nothing(self, many):
        def interrupt(done, total):
            raise KeyboardInterrupt

        source = FlaskSource.open(many.url)
        try:
            with pytest.raises(KeyboardInterrupt):
                import_flask_database(
                    source,
                    source_timezone=ZoneInfo("UTC"),
                    progress=interrupt,
                )
        finally:
            source.close()
        assert nothing_written()

    def test_progress_bar_is_drawn_on_a_terminal(self, many):
        controller, terminal = pty.openpty()
        with os.fdopen(terminal, "w") as stderr:
            call_command(
                "import_flask_scratchpad", many.url, stdout=io.StringIO(), stderr=stderr
            )
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            drawn += chunk
        os.close(controller)
        drawn = drawn.decode()
        total = BATCH_SIZE * 2 + 3
        assert f"\r[{'#' * 30}] {total:,}/{total:,} comments" in drawn
        assert f"{BATCH_SIZE:,}/{total:,} comments" in drawn

    def test_no_progress_bar_when_not_on_a_terminal(self, many):
        stderr = io.StringIO()
        call_command(
            "import_flask_scratchpad", many.url, stdout=io.StringIO(), stderr=stderr
        )
        assert stderr.getvalue() == ""


def test_imported_comments_show_at_once(client, bob, tmp_path):
    # The front page, in the cache before the import.
    CommentFactory(content="What bob said first", commenter=bob)
    assertContains(client.get(LIST_URL), "What bob said first")
    flask = SQLiteFlaskDatabase.create(tmp_path / "flask.db", FINAL)
    flask.add_comment("Said long ago on the Flask site")
    flask.close()
    call_command(
        "import_flask_scratchpad", flask.url, stdout=io.StringIO(), stderr=io.StringIO()
    )
    assertContains(client.get(LIST_URL), "Said long ago on the Flask site")
