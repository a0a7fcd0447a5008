"""
A mail server that is down, with the site as production runs it: gunicorn
and the queue's worker as processes of their own, against one database, and
an SMTP server of the test's own that it stops and starts.
"""

import json
import re
import statistics
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD

from .processes import (
    BASE_DIR,
    STOP_TIMEOUT,
    Browser,
    MailServer,
    production_environ,
    site_shell,
)

LOGIN_URL = reverse("login")
LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
POSTS = 30
ROUNDS = 5
REPLIES = 5


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def site(shared_database_url, start_app_server, mail_server, tmp_path):
    """The app server and the worker, mailing to mail_server."""
    mail = {
        "EMAIL_URL": mail_server.url,
        "EMAIL_TIMEOUT": "2",
        "SITE_URL": "http://scratchpad.example.com",
        # Every notification in a mail of its own, at once.
        "NOTIFICATIONS_MAIL_MINUTES": "0",
    }
    site_shell(
        shared_database_url,
        "from accounts.tests.factories import UserFactory\n"
        "UserFactory(username='bob')\n"
        f"for n in range({REPLIES}):\n"
        "    UserFactory(username=f'reader{n}')\n",
    )
    server = start_app_server(
        shared_database_url, COMMENTS_RATE_LIMIT="1000000/s", **mail
    )
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.2",
        ],
        cwd=BASE_DIR,
        env=production_environ(DATABASE_URL=shared_database_url, **mail),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield server, shared_database_url
    worker.terminate()
    worker.wait(STOP_TIMEOUT)
    log.close()


def post_timed(server, label, count) -> list[float]:
    browser = Browser()
    browser.submit(
        server.url + LOGIN_URL,
        server.url + LOGIN_URL,
        {"username": "bob", "password": PASSWORD},
    )
    page = browser.get(server.url + LIST_URL).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    times = []
    for n in range(count):
        # The post alone is timed: the page it is typed into is the same
        # either way. It mentions its author, so it takes the path of one
        # that notifies (the mention recorded, the worker's notify_about
        # queued), yet mails no one: nobody is told of their own words.
        started = time.perf_counter()
        response = browser.post(
            server.url + CREATE_URL,
            {"csrfmiddlewaretoken": token, "content": f"@bob {label} post {n}"},
        )
        times.append(time.perf_counter() - started)
        assert response.status == 302, response.text
    return times


def test_posting_with_the_mail_server_down_is_as_fast_and_loses_nothing(
    site, mail_server
):
    server, database_url = site
    # Rounds of posts with the server up and down in turn, so that the
    # load of a shared machine weighs on both alike.
    up, down = [], []
    for round in range(ROUNDS):
        up += post_timed(server, f"up {round}", POSTS // ROUNDS)
        mail_server.stop()
        down += post_timed(server, f"down {round}", POSTS // ROUNDS)
        if round < ROUNDS - 1:
            mail_server.start()

    # Replies to each reader's comment while the server is down: the worker
    # tries to send their mails and fails.
    site_shell(
        database_url,
        "from django.contrib.auth.models import User\n"
        "from comments.models import Comment\n"
        "bob = User.objects.get(username='bob')\n"
        f"for n in range({REPLIES}):\n"
        "    reader = User.objects.get(username=f'reader{n}')\n"
        "    asked = Comment.objects.create(commenter=reader, content=f'ask {n}')\n"
        "    Comment.objects.create(commenter=bob, parent=asked, content=f'reply {n}')\n",
    )
    deadline = time.monotonic() + 30
    while True:
        retries = json.loads(
            site_shell(
                database_url,
                "import json\n"
                "from django_tasks_db.models import DBTaskResult\n"
                "print(json.dumps(DBTaskResult.objects.filter(status='READY', "
                "task_path='mailing.tasks.send_message').count()))",
            )
        )
        if retries >= REPLIES or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert retries == REPLIES
    assert mail_server.received == []
    stored, mentioning = json.loads(
        site_shell(
            database_url,
            "import json\nfrom comments.models import Comment\n"
            "posts = Comment.objects.filter(content__contains=' post ')\n"
            "print(json.dumps([posts.count(), "
            "posts.filter(mentions__username='bob').count()]))",
        )
    )
    assert stored == 2 * POSTS
    assert mentioning == 2 * POSTS

    # Back: the retries, made due now rather than in a minute, are sent.
    mail_server.start()
    site_shell(
        database_url,
        "from django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "DBTaskResult.objects.filter(status='READY').update(run_after=timezone.now())",
    )
    messages = mail_server.wait_for(REPLIES, timeout=30)
    time.sleep(2)  # Time enough for a mail sent twice to arrive.
    messages = mail_server.messages

    recipients = sorted(message["To"] for message in messages)
    assert recipients == sorted(f"reader{n}@example.com" for n in range(REPLIES))
    p50_up, p50_down = statistics.median(up), statistics.median(down)
    # As fast: the mail server is nowhere in a post's path. A generous bound
    # for a shared machine; the figures are printed.
    assert p50_down < p50_up * 1.5 + 0.05
    print(
        f"\n{POSTS} posts each way: p50 {p50_up * 1000:.1f} ms with the mail "
        f"server up, {p50_down * 1000:.1f} ms with it down; {2 * POSTS} stored; "
        f"{REPLIES} notification mails queued while down, {len(messages)} "
        "delivered once it was back, none twice"
    )
