from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mailing.mail import MailUnavailable, absolute_url, queue_mail
from scratchpad.tests.processes import manage, production_environ


def queue_test_mail(**overrides):
    queue_mail(
        **{
            "subject": "Hello there",
            "to": "ann@example.com",
            "text": "Plain words, see http://testserver/comments/1/",
            "html": '<p>Rich words, <a href="http://testserver/comments/1/">see</a></p>',
            "headers": {"X-Scratchpad": "test"},
            **overrides,
        }
    )


def test_queued_mail_is_not_sent_before_the_worker_runs(mail_server, transactional_db):
    queue_test_mail()

    assert mail_server.received == []
    assert DBTaskResult.objects.count() == 1


def test_worker_sends_the_queued_mail_with_its_headers_and_both_parts(
    mail_server, run_worker
):
    queue_test_mail()

    run_worker()

    [message] = mail_server.messages
    assert message["Subject"] == "Hello there"
    assert message["To"] == "ann@example.com"
    assert message["From"] == "Scratchpad <board@example.com>"
    assert message["X-Scratchpad"] == "test"
    assert message.get_body(("plain",)).get_content().startswith("Plain words")
    assert (
        '<a href="http://testserver/comments/1/">'
        in message.get_body(("html",)).get_content()
    )


def test_a_newline_in_the_subject_is_sent_as_one_line(mail_server, run_worker):
    queue_test_mail(subject="Reply from\nBcc: eve@example.com")

    run_worker()

    [message] = mail_server.messages
    assert message["Subject"] == "Reply from Bcc: eve@example.com"
    assert message["Bcc"] is None


def test_queueing_without_mail_settings_is_refused(settings, db):
    settings.EMAIL_URL = ""

    with pytest.raises(MailUnavailable):
        queue_test_mail()

    assert DBTaskResult.objects.count() == 0


def test_absolute_url_is_on_site_url(settings):
    settings.SITE_URL = "https://board.example.com"

    assert absolute_url("/comments/7/") == "https://board.example.com/comments/7/"


def test_a_send_to_a_server_that_is_down_is_retried_later_and_logged(
    mail_server, run_worker, log_output
):
    mail_server.stop()
    queue_test_mail()

    run_worker()

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][1] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    assert "trying again in 60 s" in log_output.getvalue()
    assert mail_server.received == []


def test_a_retried_mail_is_sent_once_when_the_server_is_back(mail_server, run_worker):
    mail_server.stop()
    queue_test_mail()
    run_worker()
    mail_server.start()

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    run_worker()

    assert len(mail_server.received) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_retry_delay_doubles_after_each_failure(mail_server, run_worker):
    mail_server.stop()
    queue_test_mail()
    delays = []
    for _ in range(3):
        started = timezone.now()
        run_worker()
        retry = DBTaskResult.objects.get(status="READY")
        delays.append(round((retry.run_after - started).total_seconds() / 60))
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())

    assert delays == [1, 2, 4]


def test_sending_gives_up_after_the_last_attempt_with_an_error_logged(
    mail_server, run_worker, settings, log_output
):
    settings.MAIL_SEND_ATTEMPTS = 2
    mail_server.stop()
    queue_test_mail()

    run_worker()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()

    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert "Gave up sending 'Hello there' to ann@example.com after 2" in (
        log_output.getvalue()
    )


def test_deploy_check_warns_without_email_url():
    result = manage("check", "--deploy", environ=production_environ())

    assert "mailing.W001" in result.stderr
    assert "password reset" in result.stderr


def test_deploy_check_is_quiet_with_mail_settings():
    result = manage(
        "check",
        "--deploy",
        environ=production_environ(
            EMAIL_URL="smtp+tls://user:secret@mail.example.com:587",
            SITE_URL="https://board.example.com",
        ),
    )

    assert "mailing." not in result.stderr
