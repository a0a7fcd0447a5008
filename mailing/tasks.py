"""
The mail the worker sends, and what happens when the mail server fails.

The queue is django-tasks' database backend: its rows live in the site's
own database, written in the transaction of the page that queued them, and
``manage.py db_worker`` runs them. django-tasks has no retries of its own:
a send that fails with a temporary error (the server down or refusing with
a 4xx) queues the same message again to run after a delay that doubles each
time, up to MAIL_SEND_ATTEMPTS, and logs each failure. A permanent refusal
(5xx: no such mailbox) is logged and not tried again.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def is_permanent(error: Exception) -> bool:
    """Whether the server refused for good (5xx), so trying again is useless."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def retry_delay(attempt: int):
    """How long to wait after the ``attempt``-th failed send."""
    return settings.MAIL_RETRY_DELAY * 2 ** (attempt - 1)


@task()
def send_message(message: dict, attempt: int = 1) -> None:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message["to"]],
        headers=message["headers"],
    )
    if message["html"]:
        email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except (OSError, smtplib.SMTPException) as error:
        if is_permanent(error) or attempt >= settings.MAIL_SEND_ATTEMPTS:
            logger.error(
                "Gave up sending %r to %s after %d attempt(s): %s",
                message["subject"],
                message["to"],
                attempt,
                error,
            )
        else:
            delay = retry_delay(attempt)
            logger.warning(
                "Sending %r to %s failed (attempt %d), trying again in %d s: %s",
                message["subject"],
                message["to"],
                attempt,
                delay.total_seconds(),
                error,
            )
            send_message.using(run_after=timezone.now() + delay).enqueue(
                message, attempt + 1
            )
        # The queue's row records the failure and its traceback.
        raise
    logger.info("Sent %r to %s", message["subject"], message["to"])
