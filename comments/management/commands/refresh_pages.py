"""
``manage.py refresh_pages``: have every cached page rendered again, on every
server, after a change the site could not see: each comment's HTML is
rendered again from its text first (comments.formatting).
"""

from django.core.management.base import BaseCommand

from comments.caching import bump_board_version
from comments.models import Comment

BATCH_SIZE = 1000


class Command(BaseCommand):
    help = (
        "Render every cached comment page again at its next request, on every "
        "app server. Run it after changing comments or users outside Django "
        "(a SQL console, another program), or with a queryset's update() of "
        "users; everything the site itself changes shows at once without it."
    )

    def handle(self, *args, **options):
        # Only the rows whose text changed outside Django are written.
        stale = []
        comments = Comment.objects.only("pk", "content", "format", "html")
        for comment in comments.iterator(chunk_size=BATCH_SIZE):
            html = comment.html
            comment.render()
            if comment.html != html:
                stale.append(comment)
        for start in range(0, len(stale), BATCH_SIZE):
            Comment.objects.bulk_update(stale[start : start + BATCH_SIZE], ["html"])
        # Every server reads the version from the database for each page,
        # so a new one reaches them all; pages kept under the old one are
        # never read again and expire from the cache by themselves.
        version = bump_board_version()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Board version changed to {version}: every cached page is "
                "rendered again at its next request, on every server."
            )
