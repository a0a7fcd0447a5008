"""
The benchmark: how fast the site answers, as ratios to the ceiling of the
same stack measured side by side in the same run.

For each board size it makes a fresh database, seeds it, starts the site
under gunicorn on a free loopback port, and drives it with wrk: the front
page anonymous, logged in without and with comments of one's own on it, an
old page, and the floor of a logged-in page (bench/floor.py). The ceiling
(bench/ceiling.py, a constant Django view) runs under the same gunicorn
settings, and every measurement is followed by one of the ceiling, so both
see the same machine.
Each pair is repeated and the median reported. Then 8 logged-in clients post
for a fixed time, and the rows stored are checked against the posts
acknowledged. The table is printed and written to bench/results/<date>.md.

    python -m bench.run [--db mysql|sqlite] [--sizes 100,10000,100000] ...

Everything talks to 127.0.0.1 only, stops by itself, and removes its
processes and databases.
"""

import argparse
import contextlib
import datetime
import http.client
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import django

from bench.seed import PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
WORKERS = 2
CONNECTIONS = 8
POSTING_CLIENTS = 8


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Databases ---------------------------------------------------------------


class Database:
    def count_comments(self):
        return self.scalar("SELECT COUNT(*) FROM comments_comment")

    def newest_commenter(self):
        """The username of whoever wrote the newest comment."""
        return self.scalar(
            "SELECT auth_user.username FROM comments_comment "
            "JOIN auth_user ON auth_user.id = comments_comment.commenter_id "
            "ORDER BY comments_comment.id DESC LIMIT 1"
        )


class MySQLDatabase(Database):
    def __init__(self, url):
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


class SQLiteDatabase(Database):
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


# Processes ---------------------------------------------------------------


def run_python(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=1800,
        **kwargs,
    )


class Gunicorn:
    """A gunicorn master with WORKERS sync workers on a free loopback port."""

    def __init__(self, app, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                f"--config={BASE_DIR / 'bench' / 'gunicorn.conf.py'}",
                f"--workers={WORKERS}",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/", timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{app} did not answer on {self.url}")

    def workers(self):
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines()
                )
                if int(fields["PPid"]) == self.process.pid:
                    yield status.parent, fields

    def worker_peak_rss_mb(self):
        """The largest peak resident set (VmHWM) among the workers, in MB."""
        return max(
            (int(fields["VmHWM"].split()[0]) / 1024 for _, fields in self.workers()),
            default=0.0,
        )

    def reset_peak_rss(self):
        """Start the workers' peaks afresh (Linux: 5 > /proc/PID/clear_refs),
        so that a login's Argon2 hash, which takes 100 MB by design, is not
        counted as what the pages need."""
        for folder, _ in self.workers():
            with contextlib.suppress(OSError):
                (folder / "clear_refs").write_text("5")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# Load --------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(url, seconds, cookie=None):
    command = [
        "wrk",
        "--threads=2",
        f"--connections={CONNECTIONS}",
        f"--duration={seconds}s",
        "--latency",
        url,
    ]
    if cookie:
        command[1:1] = ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout

    def latency(percent):
        value, unit = re.search(
            rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M
        ).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def log_in(base_url, username):
    """Log in through the login form; return the cookies as a header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base_url + "/login/", timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(base_url + "/login/", data=body, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"could not log in as {username}")
    return cookies


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def post_for(base_url, username, seconds, tally):
    """Post comments as one logged-in client; count the acknowledged ones."""
    cookies = log_in(base_url, username)
    header = cookie_header(cookies)
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    acknowledged = failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = urllib.parse.urlencode(
            {
                "content": f"Benchmark post {acknowledged} by {username}",
                "csrfmiddlewaretoken": cookies["csrftoken"],
            }
        )
        try:
            connection.request(
                "POST",
                "/post/",
                body=body,
                headers={
                    "Cookie": header,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            response.read()
        except OSError:
            failed += 1
            connection.close()
            continue
        # The site answers a post with a redirect to the front page, at the
        # new comment's anchor.
        location = urllib.parse.urlsplit(response.getheader("Location") or "")
        if response.status == 302 and location.path == "/" and location.fragment:
            acknowledged += 1
        else:
            failed += 1
    connection.close()
    tally.append((acknowledged, failed))


def posting(base_url, database, seconds):
    before = database.count_comments()
    tally = []
    threads = [
        threading.Thread(target=post_for, args=(base_url, f"reader{n}", seconds, tally))
        for n in range(POSTING_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    acknowledged = sum(a for a, _ in tally)
    stored = database.count_comments() - before
    return {
        "posts_per_second": acknowledged / seconds,
        "acknowledged": acknowledged,
        "failed": sum(f for _, f in tally),
        "lost": max(0, acknowledged - stored),
        "duplicated": max(0, stored - acknowledged),
    }


# Importing ---------------------------------------------------------------


def flask_database(path, size, users):
    """A Flask tutorial database at its final stage (the schema the
    importer's tests use) with SIZE comments by USERS users."""
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


def import_rate(size, args, env):
    """Comments per second importing a SIZE-comment Flask database into a
    fresh, migrated database."""
    database = MySQLDatabase(args.mysql_url) if args.db == "mysql" else SQLiteDatabase()
    env = {**env, "DATABASE_URL": database.url}
    with tempfile.TemporaryDirectory(prefix="scratchpad-flask-") as folder:
        source_url = flask_database(Path(folder) / "flask.db", size, args.users)
        try:
            database.create()
            run_python(["manage.py", "migrate", "--noinput", "-v0"], env)
            started = time.monotonic()
            run_python(
                ["manage.py", "import_flask_scratchpad", source_url],
                env,
                capture_output=True,
            )
            seconds = time.monotonic() - started
            if database.count_comments() != size:
                raise RuntimeError(f"the import of {size} comments lost some")
        finally:
            database.drop()
    return {"size": size, "seconds": seconds, "rate": size / seconds}


# The run -----------------------------------------------------------------


# Every logged-in page's least cost (bench/floor.py), measured beside them.
FLOOR = "floor: logged in, session, user and CSRF token only"
FLOOR_PATH = "/floor/"


def probe_pages(args, env):
    """Queries and bytes of pages (bench/probe.py), by "<user> <path>"."""
    output = run_python(
        ["-m", "bench.probe", *args], env, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def measure_size(size, args, env, ceiling):
    database = MySQLDatabase(args.mysql_url) if args.db == "mysql" else SQLiteDatabase()
    env = {**env, "DATABASE_URL": database.url}
    try:
        database.create()
        run_python(["manage.py", "migrate", "--noinput", "-v0"], env)
        started = time.monotonic()
        run_python(["-m", "bench.seed", str(size), str(args.users)], env)
        seed_seconds = time.monotonic() - started
        old_page = f"/?before={max(size // 10, 51)}"
        # reader0 has no comments (bench.seed); the newest comment's author
        # has their Edit and Delete links on the front page.
        reader, author = "reader0", database.newest_commenter()
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}
        probe = {
            **probe_pages([f"{reader},{author}", "/", old_page], env),
            **probe_pages([reader, FLOOR_PATH], floor_env),
        }
        site = Gunicorn("scratchpad.wsgi:application", env)
        floor = Gunicorn("scratchpad.wsgi:application", floor_env)
        try:
            reader_cookie, author_cookie = (
                cookie_header(log_in(site.url, name)) for name in (reader, author)
            )
            floor_cookie = cookie_header(log_in(floor.url, reader))
            scenarios = {
                "front, anonymous": (site, "/", None, "anonymous /"),
                "front, logged in": (site, "/", reader_cookie, f"{reader} /"),
                "front, logged in, own comments on it": (
                    site,
                    "/",
                    author_cookie,
                    f"{author} /",
                ),
                "old page, anonymous": (
                    site,
                    old_page,
                    None,
                    f"anonymous {old_page}",
                ),
                FLOOR: (floor, FLOOR_PATH, floor_cookie, f"{reader} {FLOOR_PATH}"),
            }
            for server, path, page_cookie, _ in scenarios.values():
                wrk(server.url + path, 2, page_cookie)  # warm up
            wrk(ceiling.url + "/", 2)
            site.reset_peak_rss()
            runs = {name: [] for name in scenarios}
            ceiling_runs = []
            for _ in range(args.repeats):
                for name, (server, path, page_cookie, _) in scenarios.items():
                    runs[name].append(wrk(server.url + path, args.seconds, page_cookie))
                    ceiling_runs.append(wrk(ceiling.url + "/", args.seconds))
            rss = site.worker_peak_rss_mb()
            posted = posting(site.url, database, args.post_seconds)
            rss_with_logins = site.worker_peak_rss_mb()
        finally:
            floor.stop()
            site.stop()
    finally:
        database.drop()

    ceiling_rps = statistics.median(run["rps"] for run in ceiling_runs)
    rows = []
    for name, (_, _, _, probe_key) in scenarios.items():
        rps = statistics.median(run["rps"] for run in runs[name])
        p50 = statistics.median(run["p50"] for run in runs[name])
        p99 = statistics.median(run["p99"] for run in runs[name])
        rows.append(
            {
                "size": size,
                "page": name,
                "rps": rps,
                "ceiling_rps": ceiling_rps,
                "ratio": rps / ceiling_rps,
                "p50": p50,
                "p99": p99,
                "bad": sum(run["bad"] for run in runs[name]),
                "bytes": probe[probe_key]["bytes"],
                "queries": probe[probe_key]["queries"],
            }
        )
    return {
        "size": size,
        "rows": rows,
        "posting": {**posted, "ratio": posted["posts_per_second"] / ceiling_rps},
        "rss_mb": rss,
        "rss_with_logins_mb": rss_with_logins,
        "seed_seconds": seed_seconds,
    }


def report(results, imports, args, started):
    lines = [
        f"# Benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Database: {args.db}. Users: {args.users}. gunicorn: {WORKERS} sync "
        f"workers; wrk: {CONNECTIONS} connections, {args.seconds} s a run, "
        f"median of {args.repeats} runs, each followed by a run of the ceiling "
        f"(a constant 20-byte Django view under the same gunicorn settings). "
        f"Cache: {args.cache_url or 'the default (local memory)'}.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "",
        "| comments | page | req/s | ceiling req/s | ratio | p50 ms | p99 ms "
        "| p99/p50 | bytes | queries | non-2xx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            lines.append(
                f"| {row['size']:,} | {row['page']} | {row['rps']:,.0f} "
                f"| {row['ceiling_rps']:,.0f} | {row['ratio']:.0%} "
                f"| {row['p50']:.2f} | {row['p99']:.2f} "
                f"| {row['p99'] / row['p50']:.1f} | {row['bytes']:,} "
                f"| {row['queries']} | {row['bad']} |"
            )
    lines += [
        "",
        f"Posting: {POSTING_CLIENTS} logged-in clients for {args.post_seconds} s.",
        "",
        "| comments | posts/s | ratio to ceiling | acknowledged | refused "
        "| lost | duplicated | peak RSS per worker, pages (MB) "
        "| with 8 logins (MB) | seeding (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        post = result["posting"]
        lines.append(
            f"| {result['size']:,} | {post['posts_per_second']:,.0f} "
            f"| {post['ratio']:.1%} | {post['acknowledged']:,} | {post['failed']} "
            f"| {post['lost']} | {post['duplicated']} | {result['rss_mb']:.0f} "
            f"| {result['rss_with_logins_mb']:.0f} | {result['seed_seconds']:.1f} |"
        )
    if imports:
        lines += [
            "",
            f"Importing a Flask tutorial database (SQLite, {args.users:,} users) "
            "into a fresh one with import_flask_scratchpad, whole command:",
            "",
            "| comments | seconds | comments/s |",
            "|---:|---:|---:|",
        ]
        for row in imports:
            lines.append(
                f"| {row['size']:,} | {row['seconds']:.1f} | {row['rate']:,.0f} |"
            )
    if len(results) > 1:
        first, last = results[0], results[-1]
        lines += ["", "Flat cost (req/s at the largest size / at the smallest):", ""]
        for small, large in zip(first["rows"], last["rows"], strict=True):
            lines.append(
                f"- {small['page']}: {large['rps'] / small['rps']:.0%} "
                f"({last['size']:,} vs {first['size']:,} comments)"
            )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["mysql", "sqlite"], default="mysql")
    parser.add_argument(
        "--mysql-url", default="mysql://root@127.0.0.1:3306/scratchpad_bench"
    )
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--post-seconds", type=int, default=5)
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/9")
    parser.add_argument(
        "--import-sizes",
        default="10000,100000",
        help="Flask databases to import, by comment count ('' for none)",
    )
    parser.add_argument("--output", type=Path, help="results file to write")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")

    started = datetime.datetime.now(datetime.UTC)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        # Plain HTTP on loopback: production mode without TLS.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    ceiling = Gunicorn("bench.ceiling:application", env)
    try:
        results = []
        for size in (int(size) for size in args.sizes.split(",")):
            print(f"Measuring {size:,} comments…", file=sys.stderr, flush=True)
            results.append(measure_size(size, args, env, ceiling))
    finally:
        ceiling.stop()
    imports = []
    for size in (int(size) for size in args.import_sizes.split(",") if size):
        print(f"Importing {size:,} comments…", file=sys.stderr, flush=True)
        imports.append(import_rate(size, args, env))
    text = report(results, imports, args, started)
    print(text)
    output = args.output or RESULTS_DIR / f"{started:%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"Written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
