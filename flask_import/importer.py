"""
Importing the users and comments of the Flask tutorial's site.

The source is read with plain DB-API (``sqlite3``, or ``MySQLdb`` from
mysqlclient, which the site already needs for its own MySQL database), so the
importer depends on neither SQLAlchemy nor the Flask code. It understands the
tutorial's schema at every stage it went through: ``comments(id, content)``
first, then ``posted``, then a ``users`` table, and last ``commenter_id``.
"""

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import environ
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from accounts.hashers import UnusableHash, WerkzeugHash
from comments.caching import bump_board_version
from comments.models import Comment, ImportedComment

# Rows per INSERT. A batch is also cut when its text passes BATCH_CHARACTERS,
# so that one statement stays well under MySQL's max_allowed_packet (16 MiB
# by default on MariaDB) even when every comment is 4096 four-byte characters.
BATCH_SIZE = 500
BATCH_CHARACTERS = 1_000_000

MYSQL_CONNECT_TIMEOUT = 10

# Stands for a source user whose comments wait for the next import.
HELD_BACK = object()


class SourceError(Exception):
    """The source cannot be read as the Flask tutorial's database."""


@dataclass(frozen=True)
class SourceUser:
    id: int
    username: object
    password_hash: object


@dataclass(frozen=True)
class SourceComment:
    id: int
    content: object
    posted: object
    commenter_id: object


class FlaskSource:
    """A database of the Flask tutorial's site, opened read-only."""

    # DB-API errors of the driver, reported as SourceError.
    errors: tuple[type[Exception], ...] = ()
    placeholder = "%s"

    def __init__(self, connection, identity: str):
        self.connection = connection
        # Names the source in ImportedComment: the same database gives the
        # same identity whenever it is imported. Never holds a password.
        self.identity = identity
        with self.reading():
            self._inspect()

    @classmethod
    def open(cls, url: str) -> "FlaskSource":
        """Open ``mysql://USER:PASSWORD@HOST:PORT/NAME`` or
        ``sqlite:////absolute/path.db`` (SQLAlchemy's ``mysql+driver://``
        forms, as in the Flask app's settings, are accepted too)."""
        scheme, separator, rest = url.partition("://")
        scheme = scheme.partition("+")[0].lower()
        if not separator or scheme not in {"mysql", "sqlite"}:
            raise SourceError(
                "The source must be a mysql://USER:PASSWORD@HOST/NAME "
                "or sqlite:////path/to/file.db URL."
            )
        config = environ.Env.db_url_config(f"{scheme}://{rest}")
        if scheme == "sqlite":
            return SQLiteSource.connect(config)
        return MySQLSource.connect(config)

    def close(self):
        self.connection.close()

    @contextmanager
    def reading(self):
        try:
            yield
        except self.errors as error:
            raise SourceError(f"Cannot read {self.identity}: {error}") from error

    # Schema

    def _inspect(self):
        tables = self._tables()
        if "comments" not in tables:
            raise SourceError(
                f"{self.identity} has no comments table: "
                "it is not a database of the Flask tutorial's site."
            )
        columns = self._columns("comments")
        if not {"id", "content"} <= columns:
            raise SourceError(
                f"The comments table of {self.identity} has no id or content "
                "column: it is not the Flask tutorial's."
            )
        self.has_users = "users" in tables
        if self.has_users and not {"id", "username", "password_hash"} <= (
            self._columns("users")
        ):
            raise SourceError(
                f"The users table of {self.identity} lacks id, username or "
                "password_hash: it is not the Flask tutorial's."
            )
        self.has_posted = "posted" in columns
        self.has_commenter = self.has_users and "commenter_id" in columns
        self.alembic_revision = None
        if "alembic_version" in tables:
            rows = self._fetchall("SELECT version_num FROM alembic_version")
            self.alembic_revision = ", ".join(str(row[0]) for row in rows) or None

    @property
    def stage(self) -> str:
        """Which step of the tutorial the schema is at, in words."""
        if self.has_commenter and self.has_posted:
            stage = "its final stage: users, comments with times and commenters"
        elif self.has_users:
            stage = "users in the database, comments not yet linked to them"
        elif self.has_posted:
            stage = "comments with times, before users moved to the database"
        else:
            stage = "the first tutorial's: comments only"
        unknown = [
            name
            for name, present in [
                ("times", self.has_posted),
                ("commenters", self.has_commenter),
            ]
            if not present
        ]
        if unknown:
            stage += f" ({' and '.join(unknown)} unknown)"
        if self.alembic_revision:
            stage += f"; Alembic revision {self.alembic_revision}"
        return stage

    # Rows

    def users(self) -> list[SourceUser]:
        if not self.has_users:
            return []
        with self.reading():
            rows = self._fetchall(
                "SELECT id, username, password_hash FROM users ORDER BY id"
            )
        return [SourceUser(*row) for row in rows]

    def count_comments(self) -> int:
        with self.reading():
            return self._fetchall("SELECT COUNT(*) FROM comments")[0][0]

    def comments(self) -> Iterator[SourceComment]:
        """Every comment, in the order of their ids (the order the Flask
        site showed them in), read in batches."""
        columns = [
            "id",
            "content",
            "posted" if self.has_posted else "NULL",
            "commenter_id" if self.has_commenter else "NULL",
        ]
        query = f"SELECT {', '.join(columns)} FROM comments ORDER BY id"
        with self.reading():
            cursor = self._streaming_cursor()
            try:
                cursor.execute(query)
                while rows := cursor.fetchmany(BATCH_SIZE):
                    for row in rows:
                        yield SourceComment(*row)
            finally:
                cursor.close()

    def _fetchall(self, query, params=()):
        cursor = self.connection.cursor()
        try:
            cursor.execute(query, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _streaming_cursor(self):
        return self.connection.cursor()

    def _tables(self) -> set[str]:
        raise NotImplementedError

    def _columns(self, table: str) -> set[str]:
        raise NotImplementedError


class SQLiteSource(FlaskSource):
    errors = (sqlite3.Error,)

    @classmethod
    def connect(cls, config) -> "SQLiteSource":
        path = Path(config["NAME"]).expanduser().resolve()
        if not path.is_file():
            raise SourceError(f"There is no SQLite database file at {path}.")
        # Read-only: the import never changes the Flask site's database, and
        # a mistyped path cannot create an empty one.
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        # Text that is not UTF-8 is refused row by row rather than stopping
        # the whole import (the surrogates mark it).
        connection.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
        identity = f"sqlite:///{path}"
        try:
            # One read transaction: users and comments from the same moment.
            connection.execute("BEGIN")
            return cls(connection, identity)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise SourceError(f"{path} is not a SQLite database ({error}).") from None
        except SourceError:
            connection.close()
            raise

    def _tables(self):
        rows = self._fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0].lower() for row in rows}

    def _columns(self, table):
        rows = self._fetchall(f'PRAGMA table_info("{table}")')
        return {row[1].lower() for row in rows}


class MySQLSource(FlaskSource):
    def __init__(self, connection, identity: str, driver):
        # MySQLdb, imported only by connect(): a site without a MySQL source
        # needs no MySQL client library to import from SQLite.
        self.driver = driver
        self.errors = (driver.Error,)
        super().__init__(connection, identity)

    @classmethod
    def connect(cls, config) -> "MySQLSource":
        import MySQLdb
        import MySQLdb.cursors

        if not config["NAME"]:
            raise SourceError("The MySQL URL names no database: mysql://…/NAME.")
        host = config["HOST"] or "localhost"
        port = int(config["PORT"] or 3306)
        identity = f"mysql://{config['USER']}@{host}:{port}/{config['NAME']}"
        try:
            connection = MySQLdb.connect(
                host=host,
                port=port,
                user=config["USER"],
                password=config["PASSWORD"],
                database=config["NAME"],
                charset="utf8mb4",
                connect_timeout=MYSQL_CONNECT_TIMEOUT,
            )
        except MySQLdb.Error as error:
            message = error.args[-1] if error.args else error
            raise SourceError(f"Cannot connect to {identity}: {message}") from None
        try:
            # One read-only snapshot: users and comments from the same moment,
            # while the Flask site may still be running.
            connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            return cls(connection, identity, MySQLdb)
        except BaseException:
            connection.close()
            raise

    def _tables(self):
        return {row[0].lower() for row in self._fetchall("SHOW TABLES")}

    def _columns(self, table):
        rows = self._fetchall(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = %s",
            [table],
        )
        return {row[0].lower() for row in rows}

    def _streaming_cursor(self):
        # Rows come from the server as they are read, not all at once.
        return self.connection.cursor(self.driver.cursors.SSCursor)


@dataclass
class ImportReport:
    """What an import did, or in a dry run would do."""

    dry_run: bool
    users_created: list[str] = field(default_factory=list)
    users_matched: list[str] = field(default_factory=list)
    # Created users whose werkzeug hash is refused, and why: staff must set
    # them a new password.
    unusable_passwords: list[tuple[str, str]] = field(default_factory=list)
    users_refused: list[tuple[int, str]] = field(default_factory=list)
    comments_imported: int = 0
    comments_already_there: int = 0
    comments_refused: list[tuple[int, str]] = field(default_factory=list)

    @property
    def passwords_kept(self) -> int:
        return len(self.users_created) - len(self.unusable_passwords)

    @property
    def refused(self) -> int:
        return len(self.users_refused) + len(self.comments_refused)


class StrictImportRefused(Exception):
    """--strict: some rows cannot be held here, so nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(report)
        self.report = report


def source_identity(identity: str) -> str:
    """``identity`` made to fit ImportedComment.source."""
    limit = ImportedComment._meta.get_field("source").max_length
    if len(identity) <= limit:
        return identity
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"{identity[: limit - len(digest) - 1]}#{digest}"


def import_flask_database(
    source: FlaskSource,
    *,
    source_timezone: ZoneInfo,
    dry_run: bool = False,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the users and comments of ``source`` in one transaction.

    Source users become users with the same username (an existing one is
    matched and left alone); comments are imported in the order of their
    source ids, each one only once per source. Rows this site cannot hold
    are listed in the report and the rest is imported, unless ``strict``,
    which then raises StrictImportRefused before anything is written.
    ``progress(done, total)`` is called as comments are read.
    """
    if strict:
        checked = import_flask_database(
            source, source_timezone=source_timezone, dry_run=True
        )
        if checked.refused:
            raise StrictImportRefused(checked)
        if dry_run:
            return checked
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        user_ids = _import_users(source, report, write=not dry_run)
        _import_comments(
            source, user_ids, source_timezone, report, not dry_run, progress
        )
        if not dry_run and report.comments_imported:
            # Once, as the last write before the commit: the version's row
            # is locked from here to the commit, and posts wait for it.
            bump_board_version()
    return report


def _import_users(source, report, *, write) -> dict[int, object]:
    """Create or match the source's users; map source ids to user pks, or
    to HELD_BACK for a user whose name conflicts with one here."""
    User = get_user_model()
    username_field = User.USERNAME_FIELD
    max_username = User._meta.get_field(username_field).max_length
    max_password = User._meta.get_field("password").max_length
    user_ids = {}
    by_name = {}
    # The names met so far, by their case-folded form.
    folded_names = {}
    for row in source.users():
        refusal = _text_refusal(row.username, max_username, "username")
        if refusal is None and not row.username.strip():
            refusal = "its username is empty"
        if refusal:
            report.users_refused.append((row.id, refusal))
            continue
        if row.username in by_name:
            # The Flask site let two users share a name, and logged in the
            # first; both names lead to the same user here.
            user_ids[row.id] = by_name[row.username]
            report.users_matched.append(row.username)
            continue
        try:
            other = folded_names.get(row.username.casefold())
            if other is not None:
                raise UsernameConflict(row.username, other)
            user = _local_user(User, username_field, row.username)
        except UsernameConflict as conflict:
            report.users_refused.append((row.id, str(conflict)))
            # Their comments wait too: imported now, they could never be
            # given back to their commenter.
            user_ids[row.id] = HELD_BACK
            continue
        if user is not None:
            report.users_matched.append(row.username)
        else:
            user = User(**{username_field: row.username})
            try:
                user.password = _stored_password(row.password_hash, max_password)
            except UnusableHash as refusal:
                user.set_unusable_password()
                report.unusable_passwords.append((row.username, str(refusal)))
            if write:
                user.save()
            report.users_created.append(row.username)
        user_ids[row.id] = by_name[row.username] = user.pk
        folded_names[row.username.casefold()] = row.username
    return user_ids


class UsernameConflict(Exception):
    """A source username that is not, but is too like, one here."""

    def __init__(self, username: str, other: str):
        if username.casefold() == other.casefold():
            how = "differs only in case from"
        else:
            # MySQL's collations also ignore trailing spaces and accents.
            how = "is the same name, to this site's database, as"
        super().__init__(
            f"its username {username!r} {how} the user {other!r} here: rename "
            "one of them (here in the admin, or in the source), then import "
            "again; the comments of this user are held back until then"
        )


def _local_user(User, username_field: str, username: str):
    """The user here whose username is exactly ``username``, or None.

    MySQL compares the column case-insensitively, so the query alone would
    match "ALICE" to "alice" and give alice ALICE's comments: the names are
    compared again here, and one that differs only in case (as Django's
    iexact sees it, or as the column's collation does) is a conflict.
    """
    exact = Q(**{username_field: username})
    same = User._default_manager.filter(
        exact | Q(**{f"{username_field}__iexact": username})
    )
    others = []
    for user in same:
        if user.get_username() == username:
            return user
        others.append(user.get_username())
    if others:
        raise UsernameConflict(username, min(others))
    return None


def _stored_password(werkzeug_hash, max_length: int) -> str:
    """The stored form of a source user's hash; UnusableHash says why there
    is none (hashers.py: a hash costlier than werkzeug's defaults is one)."""
    encoded = WerkzeugHash.parse_werkzeug(werkzeug_hash).to_django()
    if len(encoded) > max_length:
        raise UnusableHash(f"its hash does not fit in {max_length} characters")
    return encoded


def _import_comments(source, user_ids, zone, report, write, progress):
    identity = source_identity(source.identity)
    max_length = Comment._meta.get_field("content").max_length
    already = set(
        ImportedComment.objects.filter(source=identity).values_list(
            "source_id", flat=True
        )
    )
    total = source.count_comments() if progress else 0
    comments, source_ids, characters = [], [], 0

    def flush():
        if write and comments:
            # The times the source recorded, not auto_now_add's present, in
            # the insert itself: nothing depends on the database giving the
            # new rows' ids back, which MySQL does not.
            Comment.objects.bulk_create_keeping_times(comments, replace_version=False)
            ImportedComment.objects.bulk_create(
                ImportedComment(source=identity, source_id=source_id)
                for source_id in source_ids
            )
        report.comments_imported += len(comments)
        comments.clear()
        source_ids.clear()

    for done, row in enumerate(source.comments(), start=1):
        if row.id in already:
            report.comments_already_there += 1
        else:
            refusal = _text_refusal(row.content, max_length, "text")
            if user_ids.get(row.commenter_id) is HELD_BACK:
                refusal = refusal or (
                    f"its commenter (source user {row.commenter_id}) is not "
                    "imported: see the users above"
                )
            try:
                posted = _aware_utc(row.posted, zone)
            except (TypeError, ValueError, OverflowError):
                refusal = refusal or f"its time {row.posted!r} is not a date and time"
            if refusal:
                report.comments_refused.append((row.id, refusal))
            else:
                comments.append(
                    Comment(
                        content=row.content,
                        format=Comment.Format.PLAIN,
                        posted=posted,
                        commenter_id=user_ids.get(row.commenter_id),
                    )
                )
                source_ids.append(row.id)
                characters += len(row.content)
        if len(comments) >= BATCH_SIZE or characters >= BATCH_CHARACTERS:
            flush()
            characters = 0
        if progress and (done % BATCH_SIZE == 0 or done == total):
            progress(done, total)
    flush()


def _text_refusal(value, max_length: int, what: str) -> str | None:
    """Why ``value`` cannot be stored here unchanged, or None."""
    if value is None:
        return f"its {what} is NULL"
    if not isinstance(value, str):
        return f"its {what} is not text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"its {what} is not valid UTF-8"
    if len(value) > max_length:
        return f"its {what} is {len(value)} characters long, more than {max_length}"
    if "\x00" in value:
        return f"its {what} contains a NUL character"
    return None


def _aware_utc(value, zone: ZoneInfo) -> datetime | None:
    """A naive source time, read as local time in ``zone``, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)
