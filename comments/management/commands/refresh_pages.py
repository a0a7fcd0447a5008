"""
``manage.py refresh_pages``: have every cached page rendered again, on every
server, after a change the site could not see.
"""

from django.core.management.base import BaseCommand

from comments.caching import bump_board_version


class Command(BaseCommand):
    help = (
        "Render every cached comment page again at its next request, on every "
        "app server. Run it after changing comments or users outside Django "
        "(a SQL console, another program), or with a queryset's update() of "
        "users; everything the site itself changes shows at once without it."
    )

    def handle(self, *args, **options):
        # Every server reads the version from the database for each page,
        # so a new one reaches them all; pages kept under the old one are
        # never read again and expire from the cache by themselves.
        version = bump_board_version()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Board version changed to {version}: every cached page is "
                "rendered again at its next request, on every server."
            )
