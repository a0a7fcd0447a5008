"""
The boards measured: a fresh database migrated and seeded with a board of
a given size (bench/seed.py), the queries and bytes of its pages
(bench/probe.py), and the import of a Flask tutorial database of a given
size into a fresh one.
"""

import datetime
import json
import tempfile
import time
from pathlib import Path

from bench.databases import database_for
from bench.servers import run_manage, run_module


def prepare(database, size: int, users: int, environ: dict[str, str]) -> float:
    """Create and migrate DATABASE and seed a board of SIZE comments by
    USERS users; the seeding's seconds."""
    database.create()
    run_manage("migrate", "--noinput", "-v0", environ=environ)
    started = time.monotonic()
    run_module("bench.seed", str(size), str(users), environ=environ)
    return time.monotonic() - started


def probe_pages(users: list[str], paths: list[str], environ: dict[str, str]) -> dict:
    """Queries and bytes of pages (bench/probe.py), by "<user> <path>"."""
    output = run_module("bench.probe", ",".join(users), *paths, environ=environ)
    return json.loads(output)


def flask_database(path: Path, size: int, users: int) -> str:
    """A Flask tutorial database at its final stage (the schema the
    importer's tests use) with SIZE comments by USERS users; its URL."""
    from flask_import.tests.flask_sources import FINAL, SQLiteFlaskDatabase

    source = SQLiteFlaskDatabase.create(path, FINAL)
    # One werkzeug hash for everyone: the importer converts it, never checks it.
    password_hash = "pbkdf2:sha256:1000$benchsalt$" + "0" * 64
    source.connection.executemany(
        "INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)",
        [(n + 1, f"flask{n}", password_hash) for n in range(users)],
    )
    start = datetime.datetime(2017, 10, 13, 16, 36)
    source.connection.executemany(
        "INSERT INTO comments (content, posted, commenter_id) VALUES (?, ?, ?)",
        (
            (
                f"Flask comment number {n}.",
                source.datetime_value(start + datetime.timedelta(minutes=n)),
                n % users + 1,
            )
            for n in range(size)
        ),
    )
    source.connection.commit()
    source.close()
    return source.url


def import_rate(size: int, args, environ: dict[str, str]) -> dict:
    """Comments per second importing a SIZE-comment Flask database into a
    fresh, migrated database, timing the whole command."""
    database = database_for(args.db, args.mysql_url)
    environ = {**environ, "DATABASE_URL": database.url}
    with tempfile.TemporaryDirectory(prefix="scratchpad-flask-") as folder:
        source_url = flask_database(Path(folder) / "flask.db", size, args.users)
        try:
            database.create()
            run_manage("migrate", "--noinput", "-v0", environ=environ)
            started = time.monotonic()
            run_manage("import_flask_scratchpad", source_url, environ=environ)
            seconds = time.monotonic() - started
            if database.count_comments() != size:
                raise RuntimeError(f"the import of {size} comments lost some")
        finally:
            database.drop()
    return {"size": size, "seconds": seconds, "rate": size / seconds}
