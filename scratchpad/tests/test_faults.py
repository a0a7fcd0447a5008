"""
The site under faults and load, as production runs it: gunicorn app servers
on MariaDB, with clients posting and reading from several threads. Every
run is bounded in time and talks only to 127.0.0.1.

MySQL-marked: CI runs them in its MariaDB run, where the MariaDB server's
programs are installed (.ci/mariadb).
"""

import os
import re
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from comments.models import Comment

from .processes import Browser, MariaDBServer, manage, production_environ, site_shell

pytestmark = pytest.mark.mysql

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGIN_URL = reverse("login")
HEALTHZ_URL = reverse("healthz")

# The database is back for at most this long before everything works again.
RECOVERY_SECONDS = 5
OUTAGE_SECONDS = 4


@dataclass
class Answer:
    kind: str
    started: float
    finished: float
    status: int
    text: str


class Traffic:
    """Clients posting and reading in threads until told to stop."""

    def __init__(self, server_url: str, username: str):
        self.url = server_url
        self.username = username
        self.answers: list[Answer] = []
        self.acknowledged: list[str] = []
        self.failures: list[BaseException] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = []

    def logged_in_browser(self):
        browser = Browser()
        response = browser.submit(
            self.url + LOGIN_URL,
            self.url + LOGIN_URL,
            {"username": self.username, "password": PASSWORD},
        )
        assert response.status == 302, response.text
        page = browser.get(self.url + LIST_URL).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return browser, token

    def start(self, posters: int, readers: int):
        # Logged in before any clock starts: a login is slow on purpose.
        browsers = [self.logged_in_browser() for _ in range(posters)]
        for n, (browser, token) in enumerate(browsers):
            self._spawn(self._post_loop, f"poster {n}", browser, token)
        for n in range(readers):
            self._spawn(self._read_loop, f"reader {n}")
        return self

    def stop(self, timeout: float = 30):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        assert not any(thread.is_alive() for thread in self._threads)
        if self.failures:
            raise self.failures[0]

    def _spawn(self, loop, name, *args):
        def run():
            try:
                loop(name, *args)
            except BaseException as error:  # Reported by stop().
                self.failures.append(error)

        thread = threading.Thread(target=run, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _record(self, kind, started, response):
        answer = Answer(kind, started, time.monotonic(), response.status, response.text)
        with self._lock:
            self.answers.append(answer)
        return answer

    def _post_loop(self, name, browser, token):
        n = 0
        while not self._stop.is_set():
            n += 1
            content = f"{name} says {n}"
            started = time.monotonic()
            response = browser.post(
                self.url + CREATE_URL,
                {"csrfmiddlewaretoken": token, "content": content},
            )
            self._record("post", started, response)
            if response.status == 302:
                with self._lock:
                    self.acknowledged.append(content)

    def _read_loop(self, name):
        browser = Browser()
        while not self._stop.is_set():
            for kind, path in [("page", LIST_URL), ("healthz", HEALTHZ_URL)]:
                started = time.monotonic()
                self._record(kind, started, browser.get(self.url + path))
            time.sleep(0.05)


def create_user(database_url, username):
    code = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({username!r}, password={PASSWORD!r})"
    )
    site_shell(database_url, code)


@pytest.fixture
def own_mariadb(tmp_path):
    server = MariaDBServer(tmp_path / "mariadb").install().start()
    yield server
    server.stop()


# The traffic here posts as one user as fast as it can: what is tested is the
# database's outage and load, not the posting limit (comments/limits.py).
NO_LIMIT = "1000000/s"


@pytest.fixture
def site_on_own_mariadb(own_mariadb, start_app_server):
    url = own_mariadb.create_database("scratchpad")
    result = manage(
        "migrate", "--noinput", environ=production_environ(DATABASE_URL=url)
    )
    assert result.returncode == 0, result.stderr
    create_user(url, "alice")
    # Two workers, so that a request held by one does not hide the other.
    # Its traffic posts as fast as it can as one user: no posting limit.
    return start_app_server(url, WEB_CONCURRENCY="2", COMMENTS_RATE_LIMIT=NO_LIMIT)


def stored_contents(server: MariaDBServer) -> list[str]:
    import MySQLdb

    connection = MySQLdb.connect(**server.connect_args("scratchpad"), charset="utf8mb4")
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT content FROM comments_comment")
        return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def test_database_outage_answers_503_and_recovers_without_losing_posts(
    own_mariadb, site_on_own_mariadb
):
    traffic = Traffic(site_on_own_mariadb.url, "alice").start(posters=3, readers=1)
    try:
        time.sleep(2)
        own_mariadb.stop()
        down = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        restarting = time.monotonic()
        own_mariadb.start()
        up = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 3)
    finally:
        traffic.stop()
    answers = traffic.answers

    assert not [a for a in answers if a.status >= 500 and a.status != 503]
    assert not [a for a in answers if "Traceback" in a.text]
    # Every answer wholly inside the outage: 503, styled for pages.
    during = [a for a in answers if a.started > down and a.finished < restarting]
    assert {a.kind for a in during} == {"post", "page", "healthz"}
    for answer in during:
        assert answer.status == 503, answer
        if answer.kind == "healthz":
            assert answer.text == "database unavailable\n"
        else:
            assert "Temporarily unavailable" in answer.text
            assert "My scratchpad" in answer.text
    # Within RECOVERY_SECONDS of the database's return, all is well again.
    after = [a for a in answers if a.started > up + RECOVERY_SECONDS]
    assert {a.kind for a in after} == {"post", "page", "healthz"}
    assert all(a.status in {200, 302} for a in after), [
        (a.kind, a.status) for a in after if a.status not in {200, 302}
    ]
    first_good_after_return = min(
        a.started for a in answers if a.started > up and a.status in {200, 302}
    )
    recovery = first_good_after_return - up
    # Every post acknowledged with its redirect is there, once.
    stored = stored_contents(own_mariadb)
    missing = set(traffic.acknowledged) - set(stored)
    assert not missing
    assert len(stored) == len(set(stored))
    print(
        f"\noutage of {up - down:.1f} s: {len(during)} answers 503 during it, "
        f"first success {recovery:.2f} s after the database's return, "
        f"{len(traffic.acknowledged)} posts acknowledged, {len(stored)} stored, "
        f"0 missing"
    )


LOAD_CLIENTS = 16
LOAD_SECONDS = 20


def test_sixteen_clients_posting_and_reading_get_no_errors_and_lose_no_post(
    shared_database_url, start_app_server
):
    create_user(shared_database_url, "alice")
    server = start_app_server(
        shared_database_url, WEB_CONCURRENCY="4", COMMENTS_RATE_LIMIT=NO_LIMIT
    )
    traffic = Traffic(server.url, "alice")
    traffic.start(posters=LOAD_CLIENTS // 2, readers=LOAD_CLIENTS // 2)
    try:
        time.sleep(LOAD_SECONDS)
    finally:
        traffic.stop()
    statuses = [a.status for a in traffic.answers]
    assert not [s for s in statuses if s >= 500]
    assert all(s in {200, 302} for s in statuses)
    stored = sorted(Comment.objects.values_list("content", flat=True))
    assert stored == sorted(traffic.acknowledged)
    posts = sum(a.kind == "post" for a in traffic.answers)
    print(
        f"\nload: {LOAD_CLIENTS} clients for {LOAD_SECONDS} s, "
        f"{len(statuses)} requests ({posts} posts), 0 errors, "
        f"{len(stored)} comments stored = {len(traffic.acknowledged)} acknowledged"
    )


def timed_get(browser, url):
    started = time.monotonic()
    response = browser.get(url)
    return response, time.monotonic() - started


# How long every thread of a process may take to stop after SIGSTOP.
FREEZE_SECONDS = 10


def all_threads_stopped(pid: int) -> bool:
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            # "tid (comm) state ...": the command may hold spaces and
            # parentheses, the state follows the last ")".
            state = stat.read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:  # The thread ended meanwhile.
            continue
        if state != "T":
            return False
    return True


@pytest.fixture
def frozen(own_mariadb):
    """Freezes the test's own mariadbd, as a server that hangs: connections
    and queries get no answer, nothing is refused. Thawed afterwards."""
    paused = []

    def freeze():
        pid = own_mariadb.process.pid
        os.kill(pid, signal.SIGSTOP)
        paused.append(pid)
        # The kernel stops a process's threads one by one, as each is next
        # scheduled: on a busy machine one may still answer a query for a
        # while after the signal is sent.
        deadline = time.monotonic() + FREEZE_SECONDS
        while not all_threads_stopped(pid):
            assert time.monotonic() < deadline, "mariadbd did not stop"
            time.sleep(0.01)

    yield freeze
    for pid in paused:
        os.kill(pid, signal.SIGCONT)


# What a request may wait for a database that hangs: a ping of a kept
# connection, then a new connection (settings.DATABASE_TIMEOUT).
FROZEN_DATABASE_SECONDS = 5


def test_a_database_that_hangs_fails_healthz_and_pages_within_seconds(
    site_on_own_mariadb, frozen
):
    url = site_on_own_mariadb.url
    browser = Browser()
    # Both workers hold a kept connection, as on a site in use.
    for _ in range(6):
        assert browser.get(url + HEALTHZ_URL).status == 200
        assert browser.get(url + LIST_URL).status == 200
    frozen()
    timings = []
    for path in [HEALTHZ_URL, LIST_URL, HEALTHZ_URL, LIST_URL, HEALTHZ_URL]:
        response, elapsed = timed_get(browser, url + path)
        timings.append((path, response.status, round(elapsed, 1)))
        assert response.status == 503, response.text
        assert elapsed < FROZEN_DATABASE_SECONDS, timings
    print(f"\nfrozen database: {timings}")


def test_the_site_works_again_once_a_frozen_database_thaws(
    own_mariadb, site_on_own_mariadb, frozen
):
    url = site_on_own_mariadb.url
    browser = Browser()
    assert browser.get(url + LIST_URL).status == 200
    frozen()
    assert browser.get(url + HEALTHZ_URL).status == 503
    os.kill(own_mariadb.process.pid, signal.SIGCONT)
    deadline = time.monotonic() + RECOVERY_SECONDS
    while browser.get(url + HEALTHZ_URL).status != 200:
        assert time.monotonic() < deadline
    assert browser.get(url + LIST_URL).status == 200


@pytest.fixture
def silent_port():
    """A port that takes connections (the kernel's backlog) and never says a
    word, as a Redis that hangs."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        yield silent.getsockname()[1]


def test_a_redis_that_hangs_costs_one_page_a_second_and_the_next_nothing(
    shared_database_url, start_app_server, silent_port
):
    comments = Comment.objects.bulk_create(
        [Comment(content=f"Comment number {n}") for n in range(120)]
    )
    # A longer socket timeout than the settings' second, so that a page
    # that waits for it stands well apart from one served on a busy machine.
    timeout = 3
    server = start_app_server(
        shared_database_url,
        CACHE_URL=(
            f"redis://127.0.0.1:{silent_port}/0"
            f"?socket_timeout={timeout}&socket_connect_timeout={timeout}"
        ),
    )
    browser = Browser()
    response, first = timed_get(browser, server.url + LIST_URL)
    assert response.status == 200
    # One socket timeout, not one for each of the four uses of the cache.
    assert timeout <= first < 2 * timeout
    # Pages the worker has not rendered yet, which only Redis could hold.
    later = []
    for comment in comments[1:100:10]:
        response, elapsed = timed_get(
            browser, f"{server.url}{LIST_URL}?before={comment.pk}"
        )
        assert response.status == 200
        later.append(elapsed)
    # Less than a socket timeout, even on a busy machine.
    assert max(later) < timeout
    print(f"\nhung Redis: first page {first:.2f} s, then at most {max(later):.2f} s")
