"""
The one way the site sends mail: ``queue_mail()`` puts a message on the
background queue, and the worker sends it (``tasks.send_message``). A page
never talks to the mail server, so a slow or failing one never slows or
fails a page, and a mail queued inside a transaction is sent only if that
transaction commits (the queue is a table of the same database).
"""

import re

from django.conf import settings


class MailUnavailable(Exception):
    """Raised by queue_mail() when the site has no mail settings."""


def mail_is_available() -> bool:
    """Whether the site can send mail: EMAIL_URL is set (and SITE_URL, for
    the links in mails)."""
    return bool(settings.EMAIL_URL and settings.SITE_URL)


def absolute_url(path: str) -> str:
    """``path`` (from reverse() or get_absolute_url()) on SITE_URL."""
    return settings.SITE_URL + path


# A link to a path of the site in stored HTML (a comment's mentions).
SITE_LINK = re.compile(r'href="(/(?!/))')


def absolute_links(html: str) -> str:
    """``html`` with its links to the site's own paths on SITE_URL: a mail
    is read far from the site."""
    return SITE_LINK.sub(lambda match: f'href="{settings.SITE_URL}{match[1]}', html)


def queue_mail(
    *,
    subject: str,
    to: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queues one mail to one address; the worker sends it, retrying a
    server that fails. Raises MailUnavailable when mail is not set up."""
    from .tasks import send_message

    if not mail_is_available():
        raise MailUnavailable("EMAIL_URL and SITE_URL must be set to send mail.")
    # A subject is one line; a newline in it (a username, say) would be
    # refused by Django at send time, after the page said it was sent.
    subject = " ".join(subject.split())
    send_message.enqueue(
        {
            "subject": subject,
            "to": to,
            "text": text,
            "html": html,
            "headers": headers or {},
        }
    )
