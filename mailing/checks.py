from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def check_mail_settings(app_configs, **kwargs):
    """Production without EMAIL_URL sends nothing; without SITE_URL its mails
    would have no links to follow."""
    messages = []
    if not settings.EMAIL_URL:
        messages.append(
            checks.Warning(
                "EMAIL_URL is not set: password reset, address confirmation and "
                "notifications are unavailable.",
                hint="Set EMAIL_URL, e.g. smtp+tls://USER:PASSWORD@HOST:587, and "
                "DEFAULT_FROM_EMAIL.",
                id="mailing.W001",
            )
        )
    elif not settings.SITE_URL:
        messages.append(
            checks.Warning(
                "SITE_URL is not set: mails cannot link to the site.",
                hint="Set SITE_URL to the site's public address, e.g. "
                "https://scratchpad.example.com.",
                id="mailing.W002",
            )
        )
    return messages
