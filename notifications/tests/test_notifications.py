import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from comments.tests.factories import CommentFactory
from notifications.models import Notification
from notifications.tasks import notify_about, unsubscribe_token

pytestmark = pytest.mark.usefixtures("mail_server")


@pytest.fixture
def ann(transactional_db):
    return UserFactory(username="ann", email="ann@example.com")


@pytest.fixture
def ann_comment(ann):
    return CommentFactory(commenter=ann, content="What is the plan?")


def reply_to(comment, content="Tuesday, *surely*.", username="bob", **fields):
    return CommentFactory(
        commenter=UserFactory(username=username),
        parent=comment,
        content=content,
        **fields,
    )


def time_passes():
    """The gathering interval is over: the mails sent so far are older than
    it, and the deliveries it put off are due."""
    earlier = timezone.now() - timedelta(hours=1)
    Notification.objects.exclude(sent=None).update(sent=earlier)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_reply_mails_the_author_of_the_comment_who_what_and_where(
    ann_comment, mail_server, run_worker
):
    reply = reply_to(ann_comment)

    run_worker()

    [message] = mail_server.messages
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == f"bob replied to your comment on {settings.SITE_NAME}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    permalink = f"http://testserver/comments/{reply.pk}/"
    assert "Tuesday, surely." in text
    assert permalink in text
    assert "<em>surely</em>" in html
    assert f'href="{permalink}"' in html


def test_the_mails_link_opens_the_reply(ann_comment, mail_server, run_worker, client):
    reply = reply_to(ann_comment)
    run_worker()

    text = mail_server.messages[0].get_body(("plain",)).get_content()
    [path] = re.findall(r"Read it on the board: http://testserver(\S+)", text)
    response = client.get(path, follow=True)

    assert f'id="comment-{reply.pk}"' in response.content.decode()


def test_a_reply_to_ones_own_comment_mails_nobody(
    ann, ann_comment, mail_server, run_worker
):
    CommentFactory(commenter=ann, parent=ann_comment, content="Answering @ann myself")
    CommentFactory(commenter=ann, content="Note to self, @ann").mentions.add(ann)

    run_worker()

    assert mail_server.received == []


def test_a_mention_mails_the_user_mentioned(ann, mail_server, run_worker):
    comment = CommentFactory(
        commenter=UserFactory(username="bob"), content="@ann, look at this"
    )
    comment.mentions.add(ann)

    run_worker()

    [message] = mail_server.messages
    assert message["Subject"] == f"bob mentioned you on {settings.SITE_NAME}"
    assert "@ann, look at this" in message.get_body(("plain",)).get_content()


def test_the_mails_links_to_peoples_pages_are_absolute(ann, mail_server, run_worker):
    CommentFactory(commenter=UserFactory(username="bob"), content="@ann, look at this")

    run_worker()

    html = mail_server.messages[0].get_body(("html",)).get_content()
    assert 'href="http://testserver/users/ann/"' in html
    assert 'href="/' not in html


def test_a_reply_that_also_mentions_makes_one_mail(
    ann, ann_comment, mail_server, run_worker
):
    reply = reply_to(ann_comment, content="@ann: Tuesday")
    reply.mentions.add(ann)

    run_worker()
    run_worker()

    assert len(mail_server.received) == 1
    assert "replied" in mail_server.messages[0]["Subject"]


def test_a_comment_hidden_before_the_mail_goes_is_not_mailed(
    ann_comment, mail_server, run_worker
):
    reply = reply_to(ann_comment)
    # The notification is recorded and its mail's delivery queued (the
    # queued task run here rather than by the worker)...
    [queued] = DBTaskResult.objects.all()
    notify_about.call(*queued.args_kwargs["args"])
    queued.delete()
    assert Notification.objects.filter(comment=reply).exists()
    # ...then a moderator hides the comment before the worker sends.
    reply.hidden = timezone.now()
    reply.save()

    run_worker()

    assert mail_server.received == []


def test_a_comment_deleted_before_the_mail_goes_is_not_mailed(
    ann_comment, mail_server, run_worker
):
    reply = reply_to(ann_comment)
    reply.delete()

    run_worker()

    assert mail_server.received == []


def test_replies_turned_off_are_not_mailed_but_mentions_are(
    ann, ann_comment, mail_server, run_worker
):
    profile = Profile.of(ann)
    profile.notify_replies = False
    profile.save()
    reply_to(ann_comment)
    CommentFactory(
        commenter=UserFactory(username="cat"), content="@ann hi"
    ).mentions.add(ann)

    run_worker()

    [message] = mail_server.messages
    assert message["Subject"] == f"cat mentioned you on {settings.SITE_NAME}"


def test_mails_come_at_most_once_an_interval_the_rest_gathered(
    ann_comment, mail_server, run_worker
):
    reply_to(ann_comment, content="first")
    run_worker()
    reply_to(ann_comment, content="second", username="cat")
    reply_to(ann_comment, content="third", username="dan")
    run_worker()
    assert len(mail_server.received) == 1

    time_passes()
    run_worker()
    time_passes()
    run_worker()

    assert len(mail_server.received) == 2
    gathered = mail_server.messages[1]
    assert gathered["Subject"] == f"2 new replies and mentions on {settings.SITE_NAME}"
    text = gathered.get_body(("plain",)).get_content()
    assert "cat replied" in text and "dan replied" in text
    assert "first" not in text


def test_every_mail_carries_one_click_unsubscribe_headers(
    ann, ann_comment, mail_server, run_worker
):
    reply_to(ann_comment)
    run_worker()

    [message] = mail_server.messages
    url = f"http://testserver/unsubscribe/{unsubscribe_token(ann)}/"
    # Folded onto a line of its own when long: the same header unfolded.
    assert message["List-Unsubscribe"].strip() == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.get_body(("plain",)).get_content()


def test_one_click_unsubscribe_stops_the_mails_without_login(ann, client):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(ann)])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    profile = Profile.of(ann)
    assert not profile.notify_replies and not profile.notify_mentions


def test_opening_the_unsubscribe_link_changes_nothing_until_confirmed(ann, client):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(ann)])

    response = client.get(url)

    assert b"Unsubscribe</button>" in response.content
    assert Profile.of(ann).notify_replies
    client.post(url)
    assert not Profile.of(ann).notify_replies


def test_an_altered_unsubscribe_link_changes_nothing(ann, client):
    token = unsubscribe_token(ann)
    url = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])

    assert client.post(url).status_code == 400
    assert Profile.of(ann).notify_replies


def test_a_plain_post_queues_no_notification_work(transactional_db):
    CommentFactory(content="Nothing to tell anyone")

    assert DBTaskResult.objects.count() == 0
