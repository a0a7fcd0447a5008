"""
The engines behind the search: the databases' own full-text indexes.

- MySQL/MariaDB: a FULLTEXT index on comments_comment.content (InnoDB's own
  parser, not ngram: ngram is for languages written without spaces, and it
  indexes every pair of characters, which makes a much larger index and no
  prefixes of words), asked in BOOLEAN MODE: every word required (``+``)
  and a prefix (``*``), every phrase required and quoted. InnoDB indexes a
  row when its transaction commits: a search sees committed comments only.
- SQLite: an FTS5 table, ``search_comment_fts``, whose content is the
  comments table (external content: the text is stored once), kept in step
  by triggers on insert, update and delete, so rows written by any path (the
  ORM, bulk inserts, raw SQL) are found. unicode61 with diacritics removed
  matches MariaDB's accent- and case-insensitive collation; underscores are
  part of words there as in InnoDB.

A search's cost grows with the comments that hold its words, whatever the
page shows: InnoDB reads every match of a word (about 35 µs each: 0.9 s for
a word in 25,000 comments, 12 s for one in all of a million) before it can
sort them. So each search runs under a time limit (time_limit(),
SEARCH_TIME_LIMIT): past it the database stops the query and the reader is
asked for a narrower search, rather than a worker waiting on it.

Both are created by this app's migrations. The expression given to each is
built here from the words of search.query.parse(), which holds only
letters, digits and underscores: nothing typed reaches an engine's syntax.

Moving to a search server (OpenSearch, Meilisearch) is a new backend here:
``search()`` filtered by the ids the server gives back, and the index fed
from the comments' post_save/post_delete signals and the bulk writes of
comments.models.
"""

import contextlib
import time

from django.db import InternalError, OperationalError, connections
from django.db.models import F, Lookup

from .query import Query

FTS_TABLE = "search_comment_fts"
FULLTEXT_INDEX = "search_comment_content"

SQLITE_CREATE = [
    # prefix: the index of each word's first 3 and 4 characters, for the
    # shortest prefixes a search asks for, which match the most words.
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        content,
        content='comments_comment',
        content_rowid='id',
        tokenize="unicode61 remove_diacritics 2 tokenchars '_'",
        prefix='3 4'
    )""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
# Also run after every migration (search.apps): SQLite cannot alter a table
# in place, and Django rebuilds the comments table for most changes to it,
# which drops its triggers.
SQLITE_TRIGGERS = {
    "search_comment_insert": f"""CREATE TRIGGER search_comment_insert
        AFTER INSERT ON comments_comment BEGIN
            INSERT INTO {FTS_TABLE}(rowid, content) VALUES (new.id, new.content);
        END""",
    "search_comment_delete": f"""CREATE TRIGGER search_comment_delete
        AFTER DELETE ON comments_comment BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, content)
                VALUES ('delete', old.id, old.content);
        END""",
    "search_comment_update": f"""CREATE TRIGGER search_comment_update
        AFTER UPDATE OF id, content ON comments_comment BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, content)
                VALUES ('delete', old.id, old.content);
            INSERT INTO {FTS_TABLE}(rowid, content) VALUES (new.id, new.content);
        END""",
}
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
MYSQL_CREATE = [
    f"ALTER TABLE comments_comment ADD FULLTEXT INDEX {FULLTEXT_INDEX} (content)",
]
# FORCE rebuilds the table without the hidden FTS_DOC_ID column the index
# added: MariaDB 10.11 keeps it, and an index created again over it misses
# the rows written while the first one was there.
MYSQL_DROP = [f"ALTER TABLE comments_comment DROP INDEX {FULLTEXT_INDEX}, FORCE"]


class MySQLMatch(Lookup):
    """The text column matches the boolean-mode expression on the right."""

    lookup_name = "search_matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"MATCH ({lhs}) AGAINST ({rhs} IN BOOLEAN MODE)", [
            *lhs_params,
            *rhs_params,
        ]


class SQLiteMatch(Lookup):
    """The row's id is one the FTS5 table finds for the expression on the right."""

    lookup_name = "search_matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"{lhs} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {rhs})",
            [*lhs_params, *rhs_params],
        )


def mysql_expression(query: Query) -> str:
    """InnoDB's boolean mode: ``+word*`` for each word, ``+"a phrase"``."""
    terms = [f"+{word}*" for word in query.words]
    terms += ['+"{}"'.format(" ".join(phrase)) for phrase in query.phrases]
    return " ".join(terms)


def sqlite_expression(query: Query) -> str:
    """FTS5's syntax: ``"word"*`` for each word, ``"a phrase"``, all ANDed."""
    terms = [f'"{word}"*' for word in query.words]
    terms += ['"{}"'.format(" ".join(phrase)) for phrase in query.phrases]
    return " AND ".join(terms)


def search(queryset, query: Query):
    """The comments of the queryset that match the query (which has words)."""
    vendor = connections[queryset.db].vendor
    if vendor == "mysql":
        return queryset.filter(MySQLMatch(F("content"), mysql_expression(query)))
    if vendor == "sqlite":
        return queryset.filter(SQLiteMatch(F("pk"), sqlite_expression(query)))
    raise NotImplementedError(f"No search engine for the {vendor} database.")


def ensure_sqlite_triggers(connection) -> bool:
    """Puts back the FTS5 table's triggers when a rebuilt comments table lost
    them, and indexes the rows again (written meanwhile, they were not).
    Whether they had to be."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s",
            [FTS_TABLE],
        )
        if cursor.fetchone() is None:
            # The search app's migrations are not applied (or were reversed).
            return False
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'comments_comment'"
        )
        present = {name for (name,) in cursor.fetchall()}
        missing = [sql for name, sql in SQLITE_TRIGGERS.items() if name not in present]
        if not missing:
            return False
        for sql in missing:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True


class SearchTooSlow(Exception):
    """The database stopped a search at the time limit."""


# The errors of a query stopped at its time limit: MariaDB's
# max_statement_time, MySQL's max_execution_time; and InnoDB's "FTS query
# exceeds result cache limit" (188, an InternalError), which MariaDB also
# gives for a full-text search stopped at the time limit in its index.
MYSQL_TIME_LIMIT_ERRORS = {1969, 3024, 188}
# SQLite's progress handler runs every this many virtual machine steps.
SQLITE_PROGRESS_STEPS = 1000


@contextlib.contextmanager
def time_limit(connection, seconds: float):
    """Stops the queries run inside it once they take more than SECONDS in
    the database, raising SearchTooSlow; the connection stays usable."""
    connection.ensure_connection()
    if connection.vendor == "mysql":
        with _mysql_time_limit(connection, seconds):
            yield
    elif connection.vendor == "sqlite":
        with _sqlite_time_limit(connection, seconds):
            yield
    else:
        yield


@contextlib.contextmanager
def _mysql_time_limit(connection, seconds):
    # MariaDB counts seconds, MySQL milliseconds (and SELECTs only).
    if connection.mysql_is_mariadb:
        variable, value = "max_statement_time", seconds
    else:
        variable, value = "max_execution_time", max(1, round(seconds * 1000))
    # The connection's own limit is kept in a user variable and put back:
    # one round trip each way.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET @search_previous_limit = @@SESSION.{variable}, "
            f"SESSION {variable} = %s",
            [value],
        )
    try:
        yield
    except (OperationalError, InternalError) as error:
        if error.args and error.args[0] in MYSQL_TIME_LIMIT_ERRORS:
            raise SearchTooSlow from error
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET SESSION {variable} = @search_previous_limit")


@contextlib.contextmanager
def _sqlite_time_limit(connection, seconds):
    deadline = time.monotonic() + seconds
    connection.connection.set_progress_handler(
        lambda: time.monotonic() > deadline, SQLITE_PROGRESS_STEPS
    )
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error):
            raise SearchTooSlow from error
        raise
    finally:
        connection.connection.set_progress_handler(None, 0)
