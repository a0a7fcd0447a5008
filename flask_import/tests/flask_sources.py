"""
Databases of the Flask tutorial's site, built for the importer's tests.

The schemas are what Flask-SQLAlchemy and Flask-Migrate (Alembic) made when
the tutorial's flask_app.py was taken through its steps: ``db.create_all()``
for part one, then ``flask db migrate`` and ``flask db upgrade`` for the
``posted`` column, the ``users`` table and ``commenter_id``. They are copied
from the databases that made, as SQLite's ``.schema`` and MariaDB's
``SHOW CREATE TABLE`` printed them (less the trailing spaces SQLite kept).
"""

import sqlite3
import uuid
from urllib.parse import quote

# Stages of the tutorial: 1 comments only, 2 with posted, 3 with users, 4 final.
FINAL = 4

# The revisions Flask-Migrate gave each step (stage 1 predates Flask-Migrate).
ALEMBIC_REVISIONS = {2: "0b78e577771d", 3: "8515effa20b4", 4: "022991e46e16"}

SQLITE_ALEMBIC = """CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)"""
SQLITE_USERS = """CREATE TABLE users (
	id INTEGER NOT NULL,
	username VARCHAR(128),
	password_hash VARCHAR(128),
	PRIMARY KEY (id)
)"""
SQLITE_SCHEMAS = {
    1: [
        """CREATE TABLE comments (
	id INTEGER NOT NULL,
	content VARCHAR(4096),
	PRIMARY KEY (id)
)""",
    ],
    2: [
        """CREATE TABLE comments (
	id INTEGER NOT NULL,
	content VARCHAR(4096), posted DATETIME,
	PRIMARY KEY (id)
)""",
        SQLITE_ALEMBIC,
    ],
    3: [
        """CREATE TABLE comments (
	id INTEGER NOT NULL,
	content VARCHAR(4096), posted DATETIME,
	PRIMARY KEY (id)
)""",
        SQLITE_ALEMBIC,
        SQLITE_USERS,
    ],
    4: [
        SQLITE_ALEMBIC,
        SQLITE_USERS,
        """CREATE TABLE IF NOT EXISTS "comments" (
	id INTEGER NOT NULL,
	content VARCHAR(4096),
	posted DATETIME,
	commenter_id INTEGER,
	PRIMARY KEY (id),
	CONSTRAINT fk_comments_commenter_id_users FOREIGN KEY(commenter_id) REFERENCES users (id)
)""",
    ],
}

MYSQL_ALEMBIC = """CREATE TABLE `alembic_version` (
  `version_num` varchar(32) NOT NULL,
  PRIMARY KEY (`version_num`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"""
MYSQL_USERS = """CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(128) DEFAULT NULL,
  `password_hash` varchar(128) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"""
MYSQL_SCHEMAS = {
    1: [
        """CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `content` varchar(4096) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
    ],
    2: [
        MYSQL_ALEMBIC,
        """CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `content` varchar(4096) DEFAULT NULL,
  `posted` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
    ],
    3: [
        MYSQL_ALEMBIC,
        """CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `content` varchar(4096) DEFAULT NULL,
  `posted` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
        MYSQL_USERS,
    ],
    4: [
        MYSQL_ALEMBIC,
        MYSQL_USERS,
        """CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `content` varchar(4096) DEFAULT NULL,
  `posted` datetime DEFAULT NULL,
  `commenter_id` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_comments_commenter_id_users` (`commenter_id`),
  CONSTRAINT `fk_comments_commenter_id_users` FOREIGN KEY (`commenter_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
    ],
}


class FlaskDatabase:
    """One source database, with helpers that write rows the way
    SQLAlchemy wrote them for the Flask site."""

    def __init__(self, connection, url: str, stage: int):
        self.connection = connection
        self.url = url
        self.stage = stage

    def execute(self, sql: str, params=()):
        cursor = self.connection.cursor()
        cursor.execute(sql.replace("?", self.placeholder), params)
        self.connection.commit()
        return cursor.lastrowid

    def add_user(self, username, password_hash, *, id=None) -> int:
        return self.execute(
            "INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)",
            [id, username, password_hash],
        )

    def add_comment(self, content, posted=None, commenter=None, *, id=None) -> int:
        columns, values = ["id", "content"], [id, content]
        if self.stage >= 2:
            columns.append("posted")
            values.append(self.datetime_value(posted))
        if self.stage >= FINAL:
            columns.append("commenter_id")
            values.append(commenter)
        placeholders = ", ".join("?" * len(values))
        return self.execute(
            f"INSERT INTO comments ({', '.join(columns)}) VALUES ({placeholders})",
            values,
        )

    def add_comments(self, contents):
        cursor = self.connection.cursor()
        cursor.executemany(
            f"INSERT INTO comments (content) VALUES ({self.placeholder})",
            [[content] for content in contents],
        )
        self.connection.commit()

    def _create(self, schemas):
        for statement in schemas[self.stage]:
            self.execute(statement)
        if self.stage >= 2:
            self.execute(
                "INSERT INTO alembic_version (version_num) VALUES (?)",
                [ALEMBIC_REVISIONS[self.stage]],
            )

    def datetime_value(self, value):
        return value

    def close(self):
        self.connection.close()


class SQLiteFlaskDatabase(FlaskDatabase):
    placeholder = "?"
    # SQLite enforces no VARCHAR length.
    holds_long_text = True

    @classmethod
    def create(cls, path, stage):
        database = cls(sqlite3.connect(path), f"sqlite:///{path}", stage)
        database._create(SQLITE_SCHEMAS)
        return database

    def datetime_value(self, value):
        # SQLAlchemy's storage format for DateTime on SQLite.
        if value is None:
            return None
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def drop(self):
        self.close()


class MySQLFlaskDatabase(FlaskDatabase):
    placeholder = "%s"
    holds_long_text = False

    @classmethod
    def create(cls, settings_dict, stage):
        import MySQLdb

        # On the server the suite runs on, named so that they are easy to
        # tell from anything else there.
        name = f"imp_{uuid.uuid4().hex[:12]}"
        server = {
            "host": settings_dict["HOST"] or "localhost",
            "port": int(settings_dict["PORT"] or 3306),
            "user": settings_dict["USER"],
            "password": settings_dict["PASSWORD"],
        }
        admin = MySQLdb.connect(**server, charset="utf8mb4")
        admin.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        admin.close()
        connection = MySQLdb.connect(**server, database=name, charset="utf8mb4")
        credentials = quote(server["user"], safe="")
        if server["password"]:
            credentials += ":" + quote(server["password"], safe="")
        url = f"mysql://{credentials}@{server['host']}:{server['port']}/{name}"
        database = cls(connection, url, stage)
        database.name = name
        database._create(MYSQL_SCHEMAS)
        return database

    def drop(self):
        self.connection.cursor().execute(f"DROP DATABASE `{self.name}`")
        self.close()
