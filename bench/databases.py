"""
The benchmark's throwaway databases: one made afresh for each board size
and dropped after it, on the MariaDB server a URL names or in a temporary
SQLite file. Their counts are read directly, not through Django, to check
what the site stored.
"""

import contextlib
import shutil
import sqlite3
import tempfile
import urllib.parse
from pathlib import Path

import search.backends


class Database:
    def drop_search_index(self) -> None:
        """Remove the comments' full-text index (search.backends), so that
        posting can be measured without it."""
        self.execute(self.search_index_drop)

    def count_comments(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM comments_comment")

    def newest_commenter(self) -> str:
        """The username of whoever wrote the newest comment."""
        return self.scalar(
            "SELECT auth_user.username FROM comments_comment "
            "JOIN auth_user ON auth_user.id = comments_comment.commenter_id "
            "ORDER BY comments_comment.id DESC LIMIT 1"
        )


class MySQLDatabase(Database):
    # Not search.backends.MYSQL_DROP, which rebuilds the table for an index
    # made again later: this board is dropped after it.
    search_index_drop = [
        f"ALTER TABLE comments_comment DROP INDEX {search.backends.FULLTEXT_INDEX}"
    ]

    def __init__(self, url: str):
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.name = parts.path.lstrip("/")
        self.server = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 3306,
            "user": urllib.parse.unquote(parts.username or "root"),
            "password": urllib.parse.unquote(parts.password or ""),
        }

    def _connect(self, **kwargs):
        import MySQLdb

        return MySQLdb.connect(charset="utf8mb4", **self.server, **kwargs)

    def create(self):
        self.drop()
        with contextlib.closing(self._connect()) as conn:
            conn.cursor().execute(
                f"CREATE DATABASE `{self.name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )

    def drop(self):
        with contextlib.closing(self._connect()) as conn:
            conn.cursor().execute(f"DROP DATABASE IF EXISTS `{self.name}`")

    def scalar(self, sql):
        with contextlib.closing(self._connect(database=self.name)) as conn:
            cursor = conn.cursor()
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def execute(self, statements):
        with contextlib.closing(self._connect(database=self.name)) as conn:
            cursor = conn.cursor()
            for sql in statements:
                cursor.execute(sql)


class SQLiteDatabase(Database):
    search_index_drop = search.backends.SQLITE_DROP

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="scratchpad-bench-"))
        self.path = self.folder / "bench.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def create(self):
        self.path.unlink(missing_ok=True)

    def drop(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def scalar(self, sql):
        with contextlib.closing(sqlite3.connect(self.path)) as conn:
            return conn.execute(sql).fetchone()[0]

    def execute(self, statements):
        with contextlib.closing(sqlite3.connect(self.path)) as conn, conn:
            for sql in statements:
                conn.execute(sql)


def database_for(db: str, mysql_url: str) -> Database:
    """A new throwaway database of the kind ``--db`` names."""
    return MySQLDatabase(mysql_url) if db == "mysql" else SQLiteDatabase()
